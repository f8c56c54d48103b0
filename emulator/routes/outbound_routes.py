"""Routes of a site's outbound routes (`/sites/{siteId}/outboundroutes`)."""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from ..cloud.outbound_routes import route_path
from ..paging import parse_page
from . import platform
from .common import read_json, services
from .platform import Reader, Writer

router = platform.router()
SITE_ROUTES = route_path("{site_id}")


@router.get(SITE_ROUTES)
async def list_routes(request: Request, site_id: str, _: Reader) -> JSONResponse:
    page = parse_page(request.query_params)
    q = request.query_params
    ids = [i.strip() for value in q.getlist("externalTrunkBases.ids") for i in value.split(",") if i.strip()]
    listing = await run_in_threadpool(
        services(request).outbound_routes.list_routes,
        site_id,
        page,
        name=q.get("name"),
        trunk_base_ids=ids,
        descending=platform.descending(request),
    )
    return JSONResponse(page.links(listing, request.url.path, q))


@router.post(SITE_ROUTES)
async def create_route(request: Request, site_id: str, who: Writer) -> JSONResponse:
    body = await read_json(request)
    routes = services(request).outbound_routes
    return JSONResponse(await run_in_threadpool(routes.create, site_id, body, who.client_id))


@router.get(f"{SITE_ROUTES}/{{route_id}}")
async def get_route(request: Request, site_id: str, route_id: str, _: Reader) -> JSONResponse:
    return JSONResponse(await run_in_threadpool(services(request).outbound_routes.get, site_id, route_id))


@router.put(f"{SITE_ROUTES}/{{route_id}}")
async def update_route(request: Request, site_id: str, route_id: str, who: Writer) -> JSONResponse:
    body = await read_json(request)
    routes = services(request).outbound_routes
    return JSONResponse(await run_in_threadpool(routes.update, site_id, route_id, body, who.client_id))


@router.delete(f"{SITE_ROUTES}/{{route_id}}")
async def delete_route(request: Request, site_id: str, route_id: str, who: Writer) -> Response:
    await run_in_threadpool(services(request).outbound_routes.delete, site_id, route_id, who.client_id)
    return Response(status_code=204)
