"""Routes of the trunk instances the platform runs for trunk bases, and their metrics."""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse

from ..cloud.trunks import TRUNKS_PATH
from ..errors import FieldError, bad_request
from ..paging import parse_page
from . import platform
from .common import services
from .platform import Reader

router = platform.router()


@router.get(f"{TRUNKS_PATH}/metrics")
async def list_trunk_metrics(request: Request, _: Reader) -> JSONResponse:
    ids = [i.strip() for i in (request.query_params.get("trunkIds") or "").split(",") if i.strip()]
    if not ids:
        raise bad_request([FieldError("trunkIds", "is required (comma-separated trunk ids)", "required")])
    trunks = services(request).trunks
    return JSONResponse([await run_in_threadpool(trunks.metrics, i) for i in ids])


@router.get(TRUNKS_PATH)
async def list_trunks(request: Request, _: Reader) -> JSONResponse:
    page = parse_page(request.query_params)
    q = request.query_params
    listing = await run_in_threadpool(
        services(request).trunks.list_trunks,
        page,
        trunk_base_id=q.get("trunkBase.id"),
        trunk_type=q.get("trunkType"),
        edge_id=q.get("edge.id"),
    )
    return JSONResponse(page.links(listing, request.url.path, q))


@router.get(f"{TRUNKS_PATH}/{{trunk_id}}")
async def get_trunk(request: Request, trunk_id: str, _: Reader) -> JSONResponse:
    return JSONResponse(await run_in_threadpool(services(request).trunks.trunk, trunk_id))


@router.get(f"{TRUNKS_PATH}/{{trunk_id}}/metrics")
async def get_trunk_metrics(request: Request, trunk_id: str, _: Reader) -> JSONResponse:
    return JSONResponse(await run_in_threadpool(services(request).trunks.metrics, trunk_id))
