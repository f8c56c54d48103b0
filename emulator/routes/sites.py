"""Routes of the Platform API's sites (seeded, read-only)."""

from __future__ import annotations

from ..cloud import catalog
from . import platform
from .entities import add_seeded_routes

router = platform.router()

add_seeded_routes(router, catalog.SITES_PATH, catalog.SITES, "Site", reader=platform.read_scope, links=True)
