"""Edges, edge groups and SIP profiles under /api/v2/telephony/providers.

Edge-group routes are declared before ``/edges/{id}``: otherwise ``edgegroups`` would be taken for an
edge id (the Platform API's routes under ``/edges`` come first for the same reason).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse

from ..auth import EDGE_READ, EDGE_WRITE, SIP_PROFILE_READ, Principal
from ..paging import parse_page
from ..seed import catalog
from .common import require_scope, services
from .entities import add_entity_routes, add_seeded_routes

router = APIRouter()

EDGES = "/api/v2/telephony/providers/edges"
edge_read = require_scope(EDGE_READ)
edge_write = require_scope(EDGE_WRITE)
profile_read = require_scope(SIP_PROFILE_READ)
EdgeReader = Annotated[Principal, Depends(edge_read)]

add_seeded_routes(router, catalog.EDGE_GROUPS_PATH, catalog.EDGE_GROUPS, "Edge group", reader=edge_read)
add_seeded_routes(router, catalog.SIP_PROFILES_PATH, catalog.SIP_PROFILES, "SIP profile", reader=profile_read)


@router.get(EDGES)
async def list_edges(request: Request, _: EdgeReader) -> JSONResponse:
    page = parse_page(request.query_params)
    q = request.query_params
    result = await run_in_threadpool(
        services(request).edges.list, page, name=q.get("name"), edge_group_id=q.get("edgeGroupId")
    )
    return JSONResponse(result)


add_entity_routes(router, EDGES, lambda svc: svc.edges, reader=edge_read, writer=edge_write, create_status=201)
