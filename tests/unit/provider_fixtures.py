"""Shared pieces of the provider unit tests: a configured session against a respx-mocked API."""

from __future__ import annotations

from typing import Any

EDGES = "/api/v2/telephony/providers/edges"
PROFILES = "/api/v2/telephony/providers/sipprofiles"
GROUPS = "/api/v2/telephony/providers/edges/edgegroups"
WEBHOOKS = "/api/v2/webhooks"
EVENTS = "/api/v2/analytics/events/query"
GROUP = "3f1d2c4b-5a69-4e7f-8a1b-0c2d3e4f5a01"
PROFILE = "9b8a7c6d-1e2f-4a3b-9c4d-5e6f7a8b9c01"
PASSWORD = "carrier-password-123"


def edge_inputs(**over: Any) -> dict[str, Any]:
    base = {
        "name": "trunk-a",
        "edgeGroupId": GROUP,
        "sipProfileId": PROFILE,
        "maxConcurrentSessions": 100,
        "codecs": ["G711u", "G729"],
        "registration": {"host": "sip.carrier.example.com", "username": "user-a"},
        "registrationPassword": PASSWORD,
    }
    base.update(over)
    return base


def edge_entity(edge_id: str = "e1", version: int = 1, **over: Any) -> dict[str, Any]:
    base = {
        "id": edge_id,
        "selfUri": f"{EDGES}/{edge_id}",
        "version": version,
        "state": "active",
        "name": "trunk-a",
        "edgeGroupId": GROUP,
        "edgeGroup": {"id": GROUP},
        "sipProfileId": PROFILE,
        "maxConcurrentSessions": 100,
        "codecs": ["G711u", "G729"],
        "registration": {"type": "REGISTER", "host": "sip.carrier.example.com", "port": 5060, "username": "user-a"},
        "healthProbe": {"enabled": True, "intervalSeconds": 30},
        "registrationStatus": "registering",
        "registrationStatusReason": None,
        "registrationStatusChangedAt": "2026-11-28T13:00:00.000Z",
        "dateCreated": "2026-11-28T13:00:00.000Z",
        "dateModified": "2026-11-28T13:00:00.000Z",
    }
    base.update(over)
    return base


def page(*entities: dict[str, Any]) -> dict[str, Any]:
    return {"entities": list(entities), "pageSize": 100, "pageNumber": 1, "total": len(entities), "pageCount": 1}


def event(kind: str, ts: str, **details: Any) -> dict[str, Any]:
    return {
        "id": f"{kind}-{ts}",
        "eventType": kind,
        "resourceId": "e1",
        "resourceType": "edge",
        "timestamp": ts,
        "actor": {"clientId": "test-client"},
        "details": details,
    }


CREATED = event("audit:edge:created", "2026-11-28T13:00:00.000Z", version=1)
SUCCESS = event("telephony:edge:registration:success", "2026-11-28T13:00:01.250Z", status="registered")
FAILURE = event(
    "telephony:edge:registration:failure",
    "2026-11-28T13:00:01.500Z",
    status="failed",
    reason="carrier rejected credentials",
)
