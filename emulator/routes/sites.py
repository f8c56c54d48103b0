"""Routes of the Platform API's sites (seeded, read-only)."""

from __future__ import annotations

from starlette.responses import JSONResponse

from ..cloud import catalog, sites
from . import platform
from .entities import add_seeded_routes
from .platform import Reader

router = platform.router()


@router.get(f"{catalog.SITES_PATH}/{{site_id}}/numberplans/classifications")
async def list_classifications(site_id: str, _: Reader) -> JSONResponse:
    return JSONResponse(sites.classifications(site_id))


@router.get(f"{catalog.SITES_PATH}/{{site_id}}/numberplans")
async def list_number_plans(site_id: str, _: Reader) -> JSONResponse:
    return JSONResponse(sites.number_plans(site_id))


add_seeded_routes(router, catalog.SITES_PATH, catalog.SITES, "Site", reader=platform.read_scope, links=True)
