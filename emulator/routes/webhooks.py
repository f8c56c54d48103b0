"""Webhook subscriptions under /api/v2/webhooks (every call needs ``webhook:write``, GET too)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse

from ..auth import WEBHOOK_WRITE, Principal
from ..paging import parse_page
from .common import require_scope, services
from .entities import add_entity_routes

router = APIRouter()

WEBHOOKS = "/api/v2/webhooks"
scope = require_scope(WEBHOOK_WRITE)
Caller = Annotated[Principal, Depends(scope)]


@router.get(WEBHOOKS)
async def list_webhooks(request: Request, _: Caller) -> JSONResponse:
    page = parse_page(request.query_params)
    result = await run_in_threadpool(services(request).webhooks.list, page, name=request.query_params.get("name"))
    return JSONResponse(result)


add_entity_routes(router, WEBHOOKS, lambda svc: svc.webhooks, reader=scope, writer=scope, create_status=201)
