"""Webhooks: CRUD and validation, audit events, and delivery to a real local receiver."""

from __future__ import annotations

import time
import uuid
from typing import Any

import pytest

from emulator.testing import EmulatorHandle

from .helpers import EDGES, WEBHOOKS, Receiver, edge_body, events_for, field_names, wait_for, webhook_body


def test_crud_roundtrip(emu: EmulatorHandle) -> None:
    body = webhook_body("https://hooks.example.com/genesys")
    created = emu.api("POST", WEBHOOKS, json=body)
    assert created.status_code == 201, created.text
    doc = created.json()
    assert doc["version"] == 1 and doc["state"] == "active" and doc["enabled"] is True
    assert doc["selfUri"] == f"{WEBHOOKS}/{doc['id']}"
    assert {k: doc[k] for k in body} == body
    assert emu.api("GET", f"{WEBHOOKS}/{doc['id']}").json() == doc
    listed = emu.api("GET", WEBHOOKS, params={"name": body["name"]}).json()
    assert [w["id"] for w in listed["entities"]] == [doc["id"]] and listed["pageCount"] == 1

    update = {**doc, "enabled": False, "eventType": ["audit:edge:created"]}
    updated = emu.api("PUT", f"{WEBHOOKS}/{doc['id']}", json=update)
    assert updated.status_code == 200, updated.text
    assert updated.json()["version"] == 2 and updated.json()["enabled"] is False
    stale = emu.api("PUT", f"{WEBHOOKS}/{doc['id']}", json=update)
    assert stale.status_code == 409 and stale.json()["code"] == "version.mismatch"
    no_version = emu.api("PUT", f"{WEBHOOKS}/{doc['id']}", json=body)
    assert no_version.status_code == 400 and field_names(no_version) == ["version"]

    assert emu.api("DELETE", f"{WEBHOOKS}/{doc['id']}").status_code == 204
    assert emu.api("GET", f"{WEBHOOKS}/{doc['id']}").status_code == 404
    assert emu.api("DELETE", f"{WEBHOOKS}/{doc['id']}").status_code == 404

    audits = events_for(emu, doc["id"])
    assert [e["eventType"] for e in audits] == [
        "audit:webhook:created",
        "audit:webhook:updated",
        "audit:webhook:deleted",
    ]
    assert all(e["actor"] == {"clientId": "genesys-trunks-dev"} and e["resourceType"] == "webhook" for e in audits)
    assert audits[1]["details"]["changedFields"] == ["enabled", "eventType"]


def test_seed_style_body_with_nulls_is_accepted(emu: EmulatorHandle) -> None:
    body = webhook_body("https://hooks.example.com/x", headers=None, description="", filterCriteria="")
    reply = emu.api("POST", WEBHOOKS, json=body)
    assert reply.status_code == 201, reply.text
    assert reply.json()["headers"] == {}


@pytest.mark.parametrize(
    "target",
    [
        "http://127.0.0.1:8080/x",
        "http://localhost/x",
        "http://[::1]:81/x",
        "http://127.3.4.5/x",
        "https://example.com/x",
        "https://10.0.0.1:8443/x",
    ],
)
def test_allowed_targets(emu: EmulatorHandle, target: str) -> None:
    assert emu.api("POST", WEBHOOKS, json=webhook_body(target)).status_code == 201


@pytest.mark.parametrize(
    "overrides,field,fragment",
    [
        ({"targetUri": "http://example.com/hook"}, "targetUri", "loopback"),
        ({"targetUri": "http://10.1.2.3/hook"}, "targetUri", "loopback"),
        ({"targetUri": "ftp://127.0.0.1/hook"}, "targetUri", "absolute https URL"),
        ({"targetUri": "/relative/hook"}, "targetUri", "absolute https URL"),
        ({"targetUri": "https://host:99999/"}, "targetUri", "not a valid URL"),
        ({"targetUri": None}, "targetUri", "is required"),
        ({"eventType": []}, "eventType", "must not be empty"),
        ({"eventType": "audit:edge:created"}, "eventType", "must be a list"),
        ({"eventType": ["audit:edge:created", "edge:exploded"]}, "eventType[1]", "not a known event type"),
        ({"filterCriteria": "resourceIds:[a] OR b"}, "filterCriteria", "expected AND"),
        ({"headers": {"X-Count": 1}}, "headers.X-Count", "must be a string"),
        ({"headers": {"Bad Header": "x"}}, "headers.Bad Header", "header name"),
        ({"headers": ["x"]}, "headers", "must be an object"),
        ({"name": ""}, "name", "must not be empty"),
        ({"name": "n" * 201}, "name", "at most 200"),
        ({"apiVersion": "v1"}, "apiVersion", "allowed: v2"),
        ({"enabled": "yes"}, "enabled", "boolean"),
        ({"secret": "x"}, "secret", "unknown field"),
    ],
)
def test_validation_names_the_field(emu: EmulatorHandle, overrides: dict[str, Any], field: str, fragment: str) -> None:
    body = webhook_body("https://hooks.example.com/x")
    body.update(overrides)
    if overrides.get("targetUri", "") is None:
        del body["targetUri"]
    reply = emu.api("POST", WEBHOOKS, json=body)
    assert reply.status_code == 400, reply.text
    assert field_names(reply) == [field]
    assert fragment in reply.json()["errors"][0]["message"]


def test_header_values_are_never_echoed_in_errors(emu: EmulatorHandle) -> None:
    body = webhook_body("https://hooks.example.com/x", headers={"Authorization": "Bearer s3cr3t\r\nX: y"})
    reply = emu.api("POST", WEBHOOKS, json=body)
    assert reply.status_code == 400 and "s3cr3t" not in reply.text


def _hook(emu: EmulatorHandle, target: str, **overrides: Any) -> dict[str, Any]:
    reply = emu.api("POST", WEBHOOKS, json=webhook_body(target, **overrides))
    assert reply.status_code == 201, reply.text
    return reply.json()


def test_delivery_to_a_local_receiver_with_headers(emu: EmulatorHandle) -> None:
    with Receiver() as receiver:
        edge = emu.api("POST", EDGES, json=edge_body()).json()
        hook = _hook(
            emu,
            receiver.url,
            headers={"X-Token": "abc123"},
            filterCriteria=f"resourceIds:[{edge['id']}]",
            eventType=["telephony:edge:registration:success", "telephony:edge:status:changed"],
        )
        wait_for(lambda: len(receiver.received) >= 2, what="two deliveries")
        first = receiver.received[0]
        assert first["path"] == "/hook"
        assert first["headers"]["X-Token"] == "abc123"
        assert first["headers"]["X-Genesys-Event-Type"] == "telephony:edge:registration:success"
        assert first["headers"]["Content-Type"] == "application/json"
        stored = events_for(emu, edge["id"], "telephony:edge:registration:success")[0]
        assert first["body"] == stored
        assert [b["eventType"] for b in receiver.bodies()] == [
            "telephony:edge:registration:success",
            "telephony:edge:status:changed",
        ]
        deliveries = wait_for(lambda: [d for d in emu.deliveries(hook["id"]) if d["status"] == "delivered"])
        assert deliveries[0]["attempts"] == 1 and deliveries[0]["lastError"] is None
        assert deliveries[0]["targetUri"] == receiver.url


def test_filter_criteria_and_disabled_hooks(emu: EmulatorHandle) -> None:
    with Receiver() as receiver:
        mine = emu.api("POST", EDGES, json=edge_body()).json()
        _hook(emu, receiver.url, eventType=["audit:edge:updated"], filterCriteria=f"resourceIds:[{mine['id']}]")
        disabled = _hook(emu, receiver.url, eventType=["audit:edge:updated"], enabled=False)
        other_body = edge_body()
        other = emu.api("POST", EDGES, json=other_body).json()
        emu.api("PUT", f"{EDGES}/{other['id']}", json={**other_body, "version": 1, "maxConcurrentSessions": 3})
        emu.api(
            "PUT",
            f"{EDGES}/{mine['id']}",
            json={
                **other_body,
                "name": mine["name"],
                "version": 1,
                "registration": {**other_body["registration"], "username": "someone-else"},
            },
        )
        wait_for(lambda: receiver.received, what="a delivery")
        time.sleep(0.3)
        assert [b["resourceId"] for b in receiver.bodies()] == [mine["id"]]
        assert emu.deliveries(disabled["id"]) == []


def test_failed_deliveries_are_retried_with_backoff(emu: EmulatorHandle) -> None:
    with Receiver(fail_first=2) as receiver:
        hook = _hook(emu, receiver.url, eventType=["audit:edge:created"])
        emu.api("POST", EDGES, json=edge_body())
        delivered = wait_for(
            lambda: [d for d in emu.deliveries(hook["id"]) if d["status"] == "delivered"], what="a retried delivery"
        )
        assert delivered[0]["attempts"] == 3
        assert receiver.hits == 3 and len(receiver.received) == 1
        emu.api("DELETE", f"{WEBHOOKS}/{hook['id']}")


def test_delivery_gives_up_after_three_retries(emu: EmulatorHandle) -> None:
    with Receiver(always_fail=True, fail_status=503) as receiver:
        hook = _hook(emu, receiver.url, eventType=["audit:edge:created"])
        emu.api("POST", EDGES, json=edge_body())
        failed = wait_for(
            lambda: [d for d in emu.deliveries(hook["id"]) if d["status"] == "failed"], what="a failed delivery"
        )
        assert failed[0]["attempts"] == 4 and "503" in failed[0]["lastError"]
        assert receiver.hits == 4
        emu.api("DELETE", f"{WEBHOOKS}/{hook['id']}")


def test_non_loopback_https_target_is_recorded_not_delivered(emu: EmulatorHandle) -> None:
    hook = _hook(emu, f"https://{uuid.uuid4().hex}.example.com/hook", eventType=["audit:edge:created"])
    emu.api("POST", EDGES, json=edge_body())
    records = wait_for(lambda: emu.deliveries(hook["id"]))
    assert records[0]["status"] == "not-delivered" and records[0]["attempts"] == 0
    assert "loopback" in records[0]["lastError"]
    emu.api("DELETE", f"{WEBHOOKS}/{hook['id']}")


def test_slow_receiver_never_slows_api_replies(emu: EmulatorHandle) -> None:
    with Receiver(delay=2.5) as receiver:
        hook = _hook(emu, receiver.url, eventType=["audit:edge:created"])
        started = time.monotonic()
        for _ in range(3):
            assert emu.api("POST", EDGES, json=edge_body()).status_code == 201
        assert time.monotonic() - started < 2.0  # one delivery on the request path would take 2.5 s
        emu.api("DELETE", f"{WEBHOOKS}/{hook['id']}")
