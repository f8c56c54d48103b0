"""The dialect seam: the interfaces the client is typed against, and the seed API's implementation.

The client asks a dialect for a ``Call`` (method, path, query, body) and hands the reply's JSON back to it for
parsing. ``EdgeDialect`` is the seed's entity set (edges carrying codecs and a registration, SIP profiles,
edge groups, webhooks, analytics events); the Platform API's trunk base settings are a different entity set,
served by ``cloud.CloudDialect`` beside this one.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol
from urllib.parse import quote

from .models import Edge, EdgeGroup, EdgeSpec, Event, Page, SipProfile, Webhook, WebhookSpec

_RETRY_SAFE_METHODS = frozenset({"GET", "HEAD", "PUT", "DELETE"})


@dataclass(frozen=True)
class Call:
    """One API request, before auth: what the transport sends and what stats and logs are keyed by."""

    method: str
    path: str
    template: str
    """The path with ids as placeholders, e.g. ``/api/v2/webhooks/{id}``: the stats/log key."""
    params: Mapping[str, str | int] | None = None
    body: Any = field(default=None, repr=False)  # may hold a password: never in a repr
    read_only: bool = False
    """A POST that changes nothing (a query): as safe to retry as a GET."""

    @property
    def retry_safe(self) -> bool:
        """Whether sending this twice cannot do harm (idempotent or read-only)."""
        return self.read_only or self.method in _RETRY_SAFE_METHODS


def path_segment(entity_id: str) -> str:
    """An id as one path segment: a stray ``/`` or ``?`` in an id must not address another resource."""
    if not entity_id:
        raise ValueError("entity id must be a non-empty string")
    return quote(str(entity_id), safe="")


class Dialect(Protocol):
    """What every dialect tells the client, whatever its entities."""

    @property
    def name(self) -> str: ...

    @property
    def token_path(self) -> str:
        """The token endpoint's path under the login host."""
        ...

    @property
    def max_page_size(self) -> int: ...


class EdgeDialect(Dialect, Protocol):
    """A dialect whose trunks are edges carrying codecs and a registration: the calls ``GenesysClient``
    makes and the parsing of their replies."""

    def get_edge(self, edge_id: str) -> Call: ...
    def list_edges(
        self, page_number: int, page_size: int, name: str | None = None, edge_group_id: str | None = None
    ) -> Call: ...
    def create_edge(self, spec: EdgeSpec) -> Call: ...
    def update_edge(self, edge_id: str, spec: EdgeSpec, version: int) -> Call: ...
    def delete_edge(self, edge_id: str) -> Call: ...
    def parse_edge(self, data: Any) -> Edge: ...
    def parse_edge_page(self, data: Any) -> Page[Edge]: ...
    def get_sip_profile(self, profile_id: str) -> Call: ...
    def list_sip_profiles(self, page_number: int, page_size: int) -> Call: ...
    def parse_sip_profile(self, data: Any) -> SipProfile: ...
    def parse_sip_profile_page(self, data: Any) -> Page[SipProfile]: ...
    def get_edge_group(self, group_id: str) -> Call: ...
    def list_edge_groups(self, page_number: int, page_size: int) -> Call: ...
    def parse_edge_group(self, data: Any) -> EdgeGroup: ...
    def parse_edge_group_page(self, data: Any) -> Page[EdgeGroup]: ...
    def get_webhook(self, webhook_id: str) -> Call: ...
    def list_webhooks(self, page_number: int, page_size: int) -> Call: ...
    def create_webhook(self, spec: WebhookSpec) -> Call: ...
    def update_webhook(self, webhook_id: str, spec: WebhookSpec, version: int) -> Call: ...
    def delete_webhook(self, webhook_id: str) -> Call: ...
    def parse_webhook(self, data: Any) -> Webhook: ...
    def parse_webhook_page(self, data: Any) -> Page[Webhook]: ...
    def query_events(
        self, resource_ids: Iterable[str] | None = None, event_types: Iterable[str] | None = None
    ) -> Call: ...
    def parse_events(self, data: Any) -> list[Event]: ...


class SeedDialect:
    """The API of the seed tutorial, as pinned in docs/wire-contract.md."""

    name = "seed"
    token_path = "/oauth/token"

    EDGES = "/api/v2/telephony/providers/edges"
    EDGE_GROUPS = "/api/v2/telephony/providers/edges/edgegroups"
    SIP_PROFILES = "/api/v2/telephony/providers/sipprofiles"
    WEBHOOKS = "/api/v2/webhooks"
    EVENTS_QUERY = "/api/v2/analytics/events/query"

    max_page_size = 500

    # ------------------------------------------------------------------------------------------ edges

    def get_edge(self, edge_id: str) -> Call:
        return Call("GET", f"{self.EDGES}/{path_segment(edge_id)}", f"{self.EDGES}/{{id}}")

    def list_edges(
        self, page_number: int, page_size: int, name: str | None = None, edge_group_id: str | None = None
    ) -> Call:
        params: dict[str, str | int] = {"pageSize": page_size, "pageNumber": page_number}
        if name is not None:
            params["name"] = name
        if edge_group_id is not None:
            params["edgeGroupId"] = edge_group_id
        return Call("GET", self.EDGES, self.EDGES, params=params)

    def create_edge(self, spec: EdgeSpec) -> Call:
        return Call("POST", self.EDGES, self.EDGES, body=self.edge_body(spec))

    def update_edge(self, edge_id: str, spec: EdgeSpec, version: int) -> Call:
        body = {**self.edge_body(spec), "version": version}
        return Call("PUT", f"{self.EDGES}/{path_segment(edge_id)}", f"{self.EDGES}/{{id}}", body=body)

    def delete_edge(self, edge_id: str) -> Call:
        return Call("DELETE", f"{self.EDGES}/{path_segment(edge_id)}", f"{self.EDGES}/{{id}}")

    def edge_body(self, spec: EdgeSpec) -> dict[str, Any]:
        """The wire body: camelCase, the password unwrapped here and only here, absent fields left out
        (a PUT without a password keeps the stored one)."""
        body = spec.model_dump(by_alias=True, exclude_none=True, exclude={"registration": {"password"}})
        password = spec.registration.password
        if password is not None:
            body["registration"]["password"] = password.get_secret_value()
        return body

    def parse_edge(self, data: Any) -> Edge:
        return Edge.model_validate(data)

    def parse_edge_page(self, data: Any) -> Page[Edge]:
        return Page[Edge].model_validate(data)

    # ------------------------------------------------------------------------------------------ read-only

    def get_sip_profile(self, profile_id: str) -> Call:
        return Call("GET", f"{self.SIP_PROFILES}/{path_segment(profile_id)}", f"{self.SIP_PROFILES}/{{id}}")

    def list_sip_profiles(self, page_number: int, page_size: int) -> Call:
        params = {"pageSize": page_size, "pageNumber": page_number}
        return Call("GET", self.SIP_PROFILES, self.SIP_PROFILES, params=params)

    def parse_sip_profile(self, data: Any) -> SipProfile:
        return SipProfile.model_validate(data)

    def parse_sip_profile_page(self, data: Any) -> Page[SipProfile]:
        return Page[SipProfile].model_validate(data)

    def get_edge_group(self, group_id: str) -> Call:
        return Call("GET", f"{self.EDGE_GROUPS}/{path_segment(group_id)}", f"{self.EDGE_GROUPS}/{{id}}")

    def list_edge_groups(self, page_number: int, page_size: int) -> Call:
        params = {"pageSize": page_size, "pageNumber": page_number}
        return Call("GET", self.EDGE_GROUPS, self.EDGE_GROUPS, params=params)

    def parse_edge_group(self, data: Any) -> EdgeGroup:
        return EdgeGroup.model_validate(data)

    def parse_edge_group_page(self, data: Any) -> Page[EdgeGroup]:
        return Page[EdgeGroup].model_validate(data)

    # ------------------------------------------------------------------------------------------ webhooks

    def get_webhook(self, webhook_id: str) -> Call:
        return Call("GET", f"{self.WEBHOOKS}/{path_segment(webhook_id)}", f"{self.WEBHOOKS}/{{id}}")

    def list_webhooks(self, page_number: int, page_size: int) -> Call:
        params = {"pageSize": page_size, "pageNumber": page_number}
        return Call("GET", self.WEBHOOKS, self.WEBHOOKS, params=params)

    def create_webhook(self, spec: WebhookSpec) -> Call:
        return Call("POST", self.WEBHOOKS, self.WEBHOOKS, body=self.webhook_body(spec))

    def update_webhook(self, webhook_id: str, spec: WebhookSpec, version: int) -> Call:
        body = {**self.webhook_body(spec), "version": version}
        return Call("PUT", f"{self.WEBHOOKS}/{path_segment(webhook_id)}", f"{self.WEBHOOKS}/{{id}}", body=body)

    def delete_webhook(self, webhook_id: str) -> Call:
        return Call("DELETE", f"{self.WEBHOOKS}/{path_segment(webhook_id)}", f"{self.WEBHOOKS}/{{id}}")

    def webhook_body(self, spec: WebhookSpec) -> dict[str, Any]:
        """The settings by their camelCase names, but for the one the seed calls ``eventType``."""
        body = spec.model_dump(by_alias=True, exclude_none=True)
        body["eventType"] = body.pop("eventTypes")
        return {**body, "apiVersion": "v2"}

    def parse_webhook(self, data: Any) -> Webhook:
        return Webhook.model_validate(data)

    def parse_webhook_page(self, data: Any) -> Page[Webhook]:
        return Page[Webhook].model_validate(data)

    # ------------------------------------------------------------------------------------------ events

    def query_events(self, resource_ids: Iterable[str] | None = None, event_types: Iterable[str] | None = None) -> Call:
        """The analytics query is a POST that changes nothing: marked read-only, so it is retried."""
        clauses = []
        for key, values in (("resourceIds", resource_ids), ("eventTypes", event_types)):
            items = [str(v) for v in values or ()]
            bad = [v for v in items if not v or any(ch in v for ch in ",[] ")]
            if bad:
                raise ValueError(f"{key} values must be non-empty and free of ',[] ': {bad!r}")
            if items:
                clauses.append(f"{key}:[{','.join(items)}]")
        body = {"type": "events", "filter": " AND ".join(clauses)}
        return Call("POST", self.EVENTS_QUERY, self.EVENTS_QUERY, body=body, read_only=True)

    def parse_events(self, data: Any) -> list[Event]:
        events = data.get("events") if isinstance(data, dict) else None
        return [Event.model_validate(e) for e in events or []]
