"""An outbound route's calls on the Platform API (``/sites/{siteId}/outboundroutes``, after the official SDK's
``TelephonyProvidersEdgeApi``), and what the API returns of it (``OutboundRouteBase``)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from pydantic import Field

from entities.trunk_base.api import is_version_conflict
from genesys_api import Call, Collection, Entity, EntityRef, GenesysClient, Page, path_segment

from .settings import OutboundRouteSettings

SITES = "/api/v2/telephony/providers/edges/sites"
MAX_PAGE_SIZE = 100


class OutboundRoute(Entity):
    """``OutboundRouteBase``: a route of a site."""

    description: str | None = None
    classification_types: list[str] = Field(default_factory=list)
    enabled: bool | None = None
    distribution: str | None = None
    external_trunk_bases: list[EntityRef] = Field(default_factory=list)

    @property
    def trunk_base_ids(self) -> list[str]:
        return [ref.id for ref in self.external_trunk_bases]

    def is_named(self, name: str) -> bool:
        return (self.name or "").casefold() == name.casefold()


ROUTES_TEMPLATE = f"{SITES}/{{id}}/outboundroutes"
ROUTE_TEMPLATE = f"{ROUTES_TEMPLATE}/{{id}}"


def _routes(site_id: str) -> Collection:
    return Collection(f"{SITES}/{path_segment(site_id)}/outboundroutes", ROUTES_TEMPLATE)


def list_routes(site_id: str, page_number: int, page_size: int, name: str | None = None) -> Call:
    return _routes(site_id).list(page_number, page_size, name=name)


def get_route(site_id: str, route_id: str) -> Call:
    return _routes(site_id).get(route_id)


def create_route(site_id: str, spec: OutboundRouteSettings) -> Call:
    return _routes(site_id).create(route_body(spec))


def update_route(site_id: str, route_id: str, spec: OutboundRouteSettings, version: int) -> Call:
    return _routes(site_id).update(route_id, route_body(spec), version)


def delete_route(site_id: str, route_id: str) -> Call:
    return _routes(site_id).delete(route_id)


def route_body(spec: OutboundRouteSettings) -> dict[str, Any]:
    """The whole route to write: its settings by their wire names, its trunk bases as references in order."""
    body = spec.model_dump(by_alias=True, exclude={"site_id", "trunk_base_ids"})
    body["externalTrunkBases"] = [{"id": base_id} for base_id in spec.trunk_base_ids]
    return body


def settings_of_route(route: OutboundRoute, site_id: str) -> dict[str, Any]:
    """The settings, by users' names, that would make ``route`` what it is (what refresh compares)."""
    return {
        "name": route.name,
        "classificationTypes": list(route.classification_types),
        "distribution": route.distribution or "SEQUENTIAL",
        "enabled": bool(route.enabled),
        "description": route.description or None,
        "siteId": site_id,
        "trunkBaseIds": route.trunk_base_ids,
    }


class OutboundRouteApi:
    """A site's routes over a ``GenesysClient``; cheap to build wherever needed."""

    def __init__(self, client: GenesysClient) -> None:
        self.client = client

    def list(self, site_id: str, name: str | None = None) -> Iterator[OutboundRoute]:
        """The site's routes, every page lazily (``name``: the API's filter, which also matches loosely)."""
        return self.client.paged(
            lambda n, size: list_routes(site_id, n, size, name),
            Page[OutboundRoute].model_validate,
            self.client.page_size_up_to(MAX_PAGE_SIZE),
        )

    def find_by_name(self, site_id: str, name: str) -> OutboundRoute | None:
        """The site's route named ``name`` (any case): what a refused or lost create points at."""
        server_filter = None if "*" in name else name
        return next((r for r in self.list(site_id, server_filter) if r.is_named(name)), None)

    def get(self, site_id: str, route_id: str) -> OutboundRoute:
        return OutboundRoute.model_validate(self.client.request_json(get_route(site_id, route_id)))

    def create(self, site_id: str, spec: OutboundRouteSettings) -> OutboundRoute:
        """POST once: ``OutcomeUnknownError`` when the reply was lost (then ``find_by_name``)."""
        return OutboundRoute.model_validate(self.client.request_json(create_route(site_id, spec)))

    def update(self, site_id: str, route_id: str, spec: OutboundRouteSettings, version: int | None) -> OutboundRoute:
        """PUT at ``version`` (else GET first); on a version mismatch GET and PUT again, a few times."""
        return self.client.update_versioned(
            "outbound route",
            route_id,
            lambda entity_id: self.get(site_id, entity_id),
            lambda v: OutboundRoute.model_validate(self.client.request_json(update_route(site_id, route_id, spec, v))),
            known_version=version,
            is_conflict=is_version_conflict,
        )

    def delete(self, site_id: str, route_id: str) -> bool:
        """Delete the route; False when it was already gone."""
        return self.client.delete(delete_route(site_id, route_id))
