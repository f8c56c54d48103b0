"""Routes of the Platform API's audits: the realtime query, the asynchronous one and its results."""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse

from ..bodies import read_body
from ..cloud.audits import SERVICE_MAPPING, AuditQuery, RealtimeAuditQuery
from ..errors import FieldError, bad_request
from . import platform
from .common import read_json, services
from .platform import Auditor

AUDITS_QUERY = "/api/v2/audits/query"
router = platform.router()


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
