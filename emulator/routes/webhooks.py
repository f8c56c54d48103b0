"""Webhook subscriptions under /api/v2/webhooks (every call needs ``webhook:write``, GET too)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from ..auth import WEBHOOK_WRITE, Principal
from ..paging import parse_page
from .common import read_json, require_scope, services

router = APIRouter()

WEBHOOKS = "/api/v2/webhooks"
Caller = Annotated[Principal, Depends(require_scope(WEBHOOK_WRITE))]


@router.get(WEBHOOKS)
async def list_webhooks(request: Request, _: Caller) -> JSONResponse:
    page = parse_page(request.query_params)
    result = await run_in_threadpool(services(request).webhooks.list, page, name=request.query_params.get("name"))
    return JSONResponse(result)


@router.post(WEBHOOKS)
async def create_webhook(request: Request, who: Caller) -> JSONResponse:
    body = await read_json(request)
    return JSONResponse(await run_in_threadpool(services(request).webhooks.create, body, who.client_id), 201)


@router.get(f"{WEBHOOKS}/{{webhook_id}}")
async def get_webhook(request: Request, webhook_id: str, _: Caller) -> JSONResponse:
    return JSONResponse(await run_in_threadpool(services(request).webhooks.get, webhook_id))


@router.put(f"{WEBHOOKS}/{{webhook_id}}")
async def update_webhook(request: Request, webhook_id: str, who: Caller) -> JSONResponse:
    body = await read_json(request)
    return JSONResponse(await run_in_threadpool(services(request).webhooks.update, webhook_id, body, who.client_id))


@router.delete(f"{WEBHOOKS}/{{webhook_id}}")
async def delete_webhook(request: Request, webhook_id: str, who: Caller) -> Response:
    await run_in_threadpool(services(request).webhooks.delete, webhook_id, who.client_id)
    return Response(status_code=204)
