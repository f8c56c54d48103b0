"""The seed API's analytics events: an edge's audit trail and its registration outcomes, read by a query."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from pydantic import Field

from genesys_api import Call, GenesysClient, WireModel

EVENTS_QUERY = "/api/v2/analytics/events/query"

#: Event types the seed API knows (webhook ``eventType`` and analytics ``eventTypes``).
EVENT_TYPES: tuple[str, ...] = (
    "telephony:edge:status:changed",
    "telephony:edge:registration:success",
    "telephony:edge:registration:failure",
    "audit:edge:created",
    "audit:edge:updated",
    "audit:edge:deleted",
    "audit:webhook:created",
    "audit:webhook:updated",
    "audit:webhook:deleted",
)
#: What a trunk's status webhook subscribes to unless told otherwise.
STATUS_EVENTS = EVENT_TYPES[:3]


class EventActor(WireModel):
    client_id: str | None = None


class Event(WireModel):
    """One analytics/audit event (oldest first in a query reply)."""

    id: str
    event_type: str
    resource_id: str | None = None
    resource_type: str | None = None
    timestamp: datetime | None = None
    actor: EventActor | None = None
    details: dict[str, Any] = Field(default_factory=dict)


def query_events(resource_ids: Iterable[str] | None = None, event_types: Iterable[str] | None = None) -> Call:
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
    return Call("POST", EVENTS_QUERY, EVENTS_QUERY, body=body, read_only=True)


def read_events(
    api: GenesysClient, resource_ids: Iterable[str] | None = None, event_types: Iterable[str] | None = None
) -> list[Event]:
    """Events of these resources and types, oldest first."""
    data = api.request_json(query_events(resource_ids, event_types))
    events = data.get("events") if isinstance(data, dict) else None
    return [Event.model_validate(e) for e in events or []]
