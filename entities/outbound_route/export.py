"""What the exporter writes of the org's outbound routes: each route that carries calls on a BYOC trunk base the
export writes, its trunks by their names in the stack, the site's default route as a takeover.

A route that also names a trunk base the stack cannot hold (not BYOC, or left out of the export) is left out
with the reason: taking it over would drop that trunk from it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from entities.site import SiteApi
from genesys_api import GenesysClient
from inspection.entries import ExportedEntry, Track

from .api import OutboundRoute, OutboundRouteApi, settings_of_route
from .settings import is_default_route

ENTITY = "outbound route"
TRUNKS = "trunks"


def read_routes(
    api: GenesysClient, track: Track, earlier: Mapping[str, Sequence[ExportedEntry]]
) -> list[ExportedEntry]:
    """The routes of every site that name a trunk base among the exported trunks (``earlier["trunks"]``)."""
    trunk_of_base = {t.entity_id: t.name for t in earlier.get(TRUNKS, ()) if t.unfit is None}
    sites = list(track(SiteApi(api).list(), "sites"))
    exported = []
    for site in sites:
        for route in track(OutboundRouteApi(api).list(site.id), f"outbound routes of {site.name or site.id}"):
            if any(b in trunk_of_base for b in route.trunk_base_ids):
                exported.append(route_entry(route, site.id, site.name or "", trunk_of_base))
    return exported


def route_entry(route: OutboundRoute, site_id: str, site_name: str, trunk_of_base: Mapping[str, str]) -> ExportedEntry:
    """The route in the config's names: its trunks by their stack names, taken over (the default route is)."""
    read = settings_of_route(route, site_id)
    name = read["name"] or route.id
    settings: dict[str, Any] = {"name": name, "siteId": site_id}
    entry = ExportedEntry(name=name, entity_id=route.id, settings=settings, state=route.state)
    entry.comments["name"] = f"outbound route {route.id}"
    entry.comments["siteId"] = site_name
    settings["classificationTypes"] = read["classificationTypes"]
    settings["trunks"] = [trunk_of_base.get(b, b) for b in read["trunkBaseIds"]]
    settings["distribution"] = read["distribution"]
    settings["enabled"] = read["enabled"]
    if read["description"]:
        settings["description"] = read["description"]
    if not is_default_route(name):
        settings["adopt"] = True
    foreign = [b for b in read["trunkBaseIds"] if b not in trunk_of_base]
    if foreign:
        entry.unfit = (
            f"it also sends calls on trunk base(s) {', '.join(foreign)}, which the stack does not hold (not BYOC, "
            "or left out of the export): taking the route over would drop them"
        )
    return entry
