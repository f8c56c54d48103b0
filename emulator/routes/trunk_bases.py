"""Routes of the Platform API's trunk base settings, with their metabases and templates.

Declared before the seed's ``/edges/{edge_id}``, which would otherwise take ``trunkbasesettings`` for an edge id.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse

from ..cloud import catalog
from ..cloud.trunkbases import BASES_PATH
from ..errors import FieldError, bad_request
from ..paging import parse_page
from . import platform
from .admin import loopback_only
from .common import read_json, services
from .entities import add_entity_routes
from .platform import Reader

router = platform.router()
admin_router = APIRouter(prefix="/_emulator", dependencies=[Depends(loopback_only)])


@router.get(f"{BASES_PATH}/availablemetabases")
async def list_metabases(request: Request, _: Reader) -> JSONResponse:
    page = parse_page(request.query_params)
    kind = request.query_params.get("type")
    if kind is not None and kind not in ("EXTERNAL", "PHONE", "EDGE"):
        raise bad_request([FieldError("type", f"must be EXTERNAL, PHONE or EDGE, got {kind[:40]!r}")])
    metabases = [m.doc() for m in catalog.METABASES if kind is None or m.trunk_type == kind]
    return JSONResponse(page.links(page.slice(metabases), request.url.path, request.query_params))


@router.get(f"{BASES_PATH}/template")
async def get_template(request: Request, _: Reader) -> JSONResponse:
    metabase_id = request.query_params.get("trunkMetabaseId")
    if not metabase_id:
        raise bad_request([FieldError("trunkMetabaseId", "is required", "required")])
    return JSONResponse(services(request).trunkbases.template(metabase_id))


@router.get(BASES_PATH)
async def list_trunk_bases(request: Request, _: Reader) -> JSONResponse:
    page = parse_page(request.query_params)
    q = request.query_params
    listing = await run_in_threadpool(
        services(request).trunkbases.list_bases,
        page,
        name=q.get("name"),
        expand=platform.expanded(request),
        descending=platform.descending(request),
    )
    return JSONResponse(page.links(listing, request.url.path, q))


add_entity_routes(
    router,
    BASES_PATH,
    lambda svc: svc.trunkbases,
    reader=platform.read_scope,
    writer=platform.write_scope,
    create_status=200,
)


@admin_router.put("/trunkbases/{base_id}/inuse")
async def hold_in_use(request: Request, base_id: str) -> dict[str, Any]:
    """``{"seconds": N}``: DELETE of this base answers 400 "in use" for N seconds (0 ends it)."""
    body = await read_json(request)
    seconds = body.get("seconds") if isinstance(body, dict) else None
    if isinstance(seconds, bool) or not isinstance(seconds, int | float) or not 0 <= seconds <= 3600:
        raise bad_request([FieldError("seconds", "must be a number from 0 to 3600")])
    await run_in_threadpool(services(request).trunkbases.hold_in_use, base_id, float(seconds))
    return {"id": base_id, "inUseSeconds": seconds}
