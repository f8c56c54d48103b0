"""Edges, edge groups and SIP profiles under /api/v2/telephony/providers.

Edge-group routes are declared before ``/edges/{edge_id}``: otherwise ``edgegroups`` would be taken
for an edge id.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from .. import catalog
from ..auth import EDGE_READ, EDGE_WRITE, SIP_PROFILE_READ, Principal
from ..errors import not_found
from ..paging import parse_page
from .common import read_json, require_scope, services

router = APIRouter()

EDGES = "/api/v2/telephony/providers/edges"
EdgeReader = Annotated[Principal, Depends(require_scope(EDGE_READ))]
EdgeWriter = Annotated[Principal, Depends(require_scope(EDGE_WRITE))]
ProfileReader = Annotated[Principal, Depends(require_scope(SIP_PROFILE_READ))]


@router.get(f"{EDGES}/edgegroups")
async def list_edge_groups(request: Request, _: EdgeReader) -> JSONResponse:
    page = parse_page(request.query_params)
    name = (request.query_params.get("name") or "").lower()
    groups = [g.doc() for g in catalog.EDGE_GROUPS if not name or g.name.lower() == name]
    return JSONResponse(page.slice(groups))


@router.get(f"{EDGES}/edgegroups/{{group_id}}")
async def get_edge_group(group_id: str, _: EdgeReader) -> JSONResponse:
    group = catalog.edge_group(group_id)
    if group is None:
        raise not_found("Edge group", group_id)
    return JSONResponse(group.doc())


@router.get("/api/v2/telephony/providers/sipprofiles")
async def list_sip_profiles(request: Request, _: ProfileReader) -> JSONResponse:
    page = parse_page(request.query_params)
    name = (request.query_params.get("name") or "").lower()
    profiles = [p.doc() for p in catalog.SIP_PROFILES if not name or p.name.lower() == name]
    return JSONResponse(page.slice(profiles))


@router.get("/api/v2/telephony/providers/sipprofiles/{profile_id}")
async def get_sip_profile(profile_id: str, _: ProfileReader) -> JSONResponse:
    profile = catalog.sip_profile(profile_id)
    if profile is None:
        raise not_found("SIP profile", profile_id)
    return JSONResponse(profile.doc())


@router.get(EDGES)
async def list_edges(request: Request, _: EdgeReader) -> JSONResponse:
    page = parse_page(request.query_params)
    q = request.query_params
    result = await run_in_threadpool(
        services(request).edges.list, page, name=q.get("name"), edge_group_id=q.get("edgeGroupId")
    )
    return JSONResponse(result)


@router.post(EDGES)
async def create_edge(request: Request, who: EdgeWriter) -> JSONResponse:
    body = await read_json(request)
    doc = await run_in_threadpool(services(request).edges.create, body, who.client_id)
    return JSONResponse(doc, status_code=201)


@router.get(f"{EDGES}/{{edge_id}}")
async def get_edge(request: Request, edge_id: str, _: EdgeReader) -> JSONResponse:
    return JSONResponse(await run_in_threadpool(services(request).edges.get, edge_id))


@router.put(f"{EDGES}/{{edge_id}}")
async def update_edge(request: Request, edge_id: str, who: EdgeWriter) -> JSONResponse:
    body = await read_json(request)
    return JSONResponse(await run_in_threadpool(services(request).edges.update, edge_id, body, who.client_id))


@router.delete(f"{EDGES}/{{edge_id}}")
async def delete_edge(request: Request, edge_id: str, who: EdgeWriter) -> Response:
    await run_in_threadpool(services(request).edges.delete, edge_id, who.client_id)
    return Response(status_code=204)
