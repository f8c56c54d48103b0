"""``POST /api/v2/analytics/events/query``: stored events filtered with the seed's filter language."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse

from ..auth import EVENTS_QUERY, Principal
from ..errors import FieldError, bad_request
from ..seed.filters import FilterSyntaxError, parse_filter
from .common import read_json, require_scope, services

router = APIRouter()

QUERY_FIELDS = ("type", "filter", "eventIds")
Querier = Annotated[Principal, Depends(require_scope(EVENTS_QUERY))]


@router.post("/api/v2/analytics/events/query")
async def query_events(request: Request, _: Querier) -> JSONResponse:
    body = await read_json(request)
    if not isinstance(body, dict):
        raise bad_request([FieldError("body", "must be a JSON object", "invalid.type")])
    errors = [
        FieldError(k, f"unknown field; allowed: {', '.join(QUERY_FIELDS)}", "unknown.field")
        for k in body
        if k not in QUERY_FIELDS
    ]
    if body.get("type") != "events":
        errors.append(FieldError("type", "is required and must be 'events'"))
    text = body.get("filter")
    flt = None
    if text is not None and not isinstance(text, str):
        errors.append(FieldError("filter", "must be a string", "invalid.type"))
    else:
        try:
            flt = parse_filter(text)
        except FilterSyntaxError as exc:
            shown = text if text is not None and len(text) <= 200 else f"{(text or '')[:200]}..."
            errors.append(FieldError("filter", f"{shown!r} is not a valid filter: {exc}", "invalid.filter"))
    event_ids = body.get("eventIds")
    if event_ids is not None and (not isinstance(event_ids, list) or not all(isinstance(i, str) for i in event_ids)):
        errors.append(FieldError("eventIds", "must be a list of event ids or null", "invalid.type"))
    if errors:
        raise bad_request(errors)
    assert flt is not None
    events = await run_in_threadpool(services(request).events.query, flt, event_ids or None)
    return JSONResponse({"events": events})
