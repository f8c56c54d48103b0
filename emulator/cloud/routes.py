"""The Platform API's routes: trunk base settings, metabases, templates, sites, trunks, metrics, audits.

Declared before the seed's ``/edges/{edge_id}``, which would otherwise take ``trunkbasesettings``,
``sites`` or ``trunks`` for an edge id. Reads take ``telephony`` or ``telephony:readonly``, writes
``telephony``; audit queries ``audits`` or ``audits:readonly``; the notification topics ``notifications``.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse

from ..auth import AUDITS, AUDITS_READONLY, NOTIFICATIONS, TELEPHONY, TELEPHONY_READONLY, Principal
from ..bodies import read_body
from ..errors import ERROR_SHAPE, FieldError, bad_request, platform_error_body
from ..paging import parse_page
from ..routes.admin import loopback_only
from ..routes.common import read_json, require_scope, services
from ..routes.entities import add_entity_routes, add_seeded_routes
from . import catalog, topics
from .audits import SERVICE_MAPPING, AuditQuery, RealtimeAuditQuery
from .trunkbases import BASES_PATH
from .trunks import TRUNKS_PATH


async def platform_errors(request: Request) -> None:
    setattr(request.state, ERROR_SHAPE, platform_error_body)


router = APIRouter(dependencies=[Depends(platform_errors)])
admin_router = APIRouter(prefix="/_emulator", dependencies=[Depends(loopback_only)])

read_scope = require_scope(TELEPHONY, TELEPHONY_READONLY)
write_scope = require_scope(TELEPHONY)
Reader = Annotated[Principal, Depends(read_scope)]
Auditor = Annotated[Principal, Depends(require_scope(AUDITS, AUDITS_READONLY))]
Subscriber = Annotated[Principal, Depends(require_scope(NOTIFICATIONS))]
AUDITS_QUERY = "/api/v2/audits/query"


def _flag(request: Request, name: str) -> bool:
    return (request.query_params.get(name) or "").lower() == "true"


def _descending(request: Request) -> bool:
    order = (request.query_params.get("sortOrder") or "ascending").lower()
    if order not in ("ascending", "descending", "asc", "desc"):
        raise bad_request([FieldError("sortOrder", f"must be ascending or descending, got {order[:40]!r}")])
    return order.startswith("desc")


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
    expand = {part.strip() for value in q.getlist("expand") for part in value.split(",")}
    listing = await run_in_threadpool(
        services(request).trunkbases.list_bases,
        page,
        name=q.get("name"),
        expand=expand,
        descending=_descending(request),
    )
    return JSONResponse(page.links(listing, request.url.path, q))


add_entity_routes(
    router, BASES_PATH, lambda svc: svc.trunkbases, reader=read_scope, writer=write_scope, create_status=200
)


add_seeded_routes(router, catalog.SITES_PATH, catalog.SITES, "Site", reader=read_scope, links=True)


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


@router.get(f"{AUDITS_QUERY}/servicemapping")
@router.get(f"{AUDITS_QUERY}/realtime/servicemapping")
async def audit_service_mapping(_: Auditor) -> JSONResponse:
    return JSONResponse(SERVICE_MAPPING)


@router.post(f"{AUDITS_QUERY}/realtime")
async def query_audits_realtime(request: Request, _: Auditor) -> JSONResponse:
    query = read_body(RealtimeAuditQuery, await read_json(request))
    return JSONResponse(await run_in_threadpool(services(request).audits.realtime, query))


@router.post(AUDITS_QUERY)
async def submit_audit_query(request: Request, _: Auditor) -> JSONResponse:
    query = read_body(AuditQuery, await read_json(request))
    return JSONResponse(await run_in_threadpool(services(request).audits.submit, query), status_code=202)


@router.get(f"{AUDITS_QUERY}/{{transaction_id}}")
async def get_audit_query(request: Request, transaction_id: str, _: Auditor) -> JSONResponse:
    return JSONResponse(await run_in_threadpool(services(request).audits.status, transaction_id))


@router.get(f"{AUDITS_QUERY}/{{transaction_id}}/results")
async def get_audit_results(request: Request, transaction_id: str, _: Auditor) -> JSONResponse:
    raw = request.query_params.get("pageSize") or "25"
    if not raw.isdigit():
        raise bad_request([FieldError("pageSize", f"must be an integer, got {raw[:40]!r}", "invalid.type")])
    audits = services(request).audits
    cursor = request.query_params.get("cursor")
    return JSONResponse(await run_in_threadpool(audits.results, transaction_id, cursor, int(raw)))


@router.get(topics.TOPICS_PATH)
async def list_available_topics(request: Request, _: Subscriber) -> JSONResponse:
    expand = {part.strip() for value in request.query_params.getlist("expand") for part in value.split(",")}
    unknown = sorted(expand - topics.EXPANDABLE - {""})
    if unknown:
        allowed = ", ".join(sorted(topics.EXPANDABLE))
        raise bad_request([FieldError("expand", f"{unknown[0][:40]!r} cannot be expanded; allowed: {allowed}")])
    return JSONResponse(topics.listing(expand))


@admin_router.put("/trunkbases/{base_id}/inuse")
async def hold_in_use(request: Request, base_id: str) -> dict[str, Any]:
    """``{"seconds": N}``: DELETE of this base answers 400 "in use" for N seconds (0 ends it)."""
    body = await read_json(request)
    seconds = body.get("seconds") if isinstance(body, dict) else None
    if isinstance(seconds, bool) or not isinstance(seconds, int | float) or not 0 <= seconds <= 3600:
        raise bad_request([FieldError("seconds", "must be a number from 0 to 3600")])
    await run_in_threadpool(services(request).trunkbases.hold_in_use, base_id, float(seconds))
    return {"id": base_id, "inUseSeconds": seconds}
