"""Asynchronous registration, its events, the analytics filter language and audit events."""

from __future__ import annotations

import json

import pytest

from emulator.testing import EmulatorHandle

from .helpers import EDGES, EVENTS, PASSWORD, edge_body, events_for, field_names, wait_status

REG_TYPES = (
    "telephony:edge:registration:success",
    "telephony:edge:registration:failure",
    "telephony:edge:status:changed",
)


def test_registration_succeeds_after_the_delay(emu: EmulatorHandle) -> None:
    doc = emu.api("POST", EDGES, json=edge_body()).json()
    assert doc["registrationStatus"] == "registering"
    done = wait_status(emu, doc["id"], "registered")
    assert done["registrationStatusReason"] is None
    assert done["registrationStatusChangedAt"] >= doc["registrationStatusChangedAt"]
    assert done["version"] == 1  # operational status is not a configuration change
    types = [e["eventType"] for e in events_for(emu, doc["id"])]
    assert types == ["audit:edge:created", "telephony:edge:registration:success", "telephony:edge:status:changed"]
    success = events_for(emu, doc["id"], "telephony:edge:registration:success")[0]
    assert success["details"] == {"status": "registered", "previousStatus": "registering", "reason": None}
    assert success["resourceType"] == "edge" and success["resourceId"] == doc["id"]


@pytest.mark.parametrize(
    "registration,reason",
    [
        ({"password": "wrong-password"}, "carrier rejected credentials"),
        ({"password": "short"}, "carrier rejected credentials"),
        ({"host": "sip.carrier.invalid"}, "carrier host unreachable"),
    ],
)
def test_registration_failures(emu: EmulatorHandle, registration: dict[str, str], reason: str) -> None:
    doc = emu.api("POST", EDGES, json=edge_body(registration=registration)).json()
    failed = wait_status(emu, doc["id"], "failed")
    assert failed["registrationStatusReason"] == reason
    failure = events_for(emu, doc["id"], "telephony:edge:registration:failure")
    assert [e["details"] for e in failure] == [{"status": "failed", "previousStatus": "registering", "reason": reason}]
    changed = events_for(emu, doc["id"], "telephony:edge:status:changed")
    assert changed[-1]["details"]["status"] == "failed"
    assert events_for(emu, doc["id"], "telephony:edge:registration:success") == []


def test_changing_registration_registers_again(emu: EmulatorHandle) -> None:
    body = edge_body()
    doc = emu.api("POST", EDGES, json=body).json()
    wait_status(emu, doc["id"], "registered")
    # a change outside registration keeps the status
    kept = emu.api("PUT", f"{EDGES}/{doc['id']}", json={**body, "version": 1, "maxConcurrentSessions": 9}).json()
    assert kept["registrationStatus"] == "registered"
    body["registration"]["host"] = "sip2.carrier.example.com"
    changed = emu.api("PUT", f"{EDGES}/{doc['id']}", json={**body, "version": 2}).json()
    assert changed["registrationStatus"] == "registering"
    wait_status(emu, doc["id"], "registered")
    statuses = [
        (e["details"]["previousStatus"], e["details"]["status"])
        for e in events_for(emu, doc["id"], "telephony:edge:status:changed")
    ]
    assert statuses == [("registering", "registered"), ("registered", "registering"), ("registering", "registered")]


def test_audit_events_carry_actor_version_and_changed_fields(emu: EmulatorHandle) -> None:
    body = edge_body()
    doc = emu.api("POST", EDGES, json=body).json()
    emu.api(
        "PUT", f"{EDGES}/{doc['id']}", json={**body, "version": 1, "maxConcurrentSessions": 10, "codecs": ["G711a"]}
    )
    assert emu.api("DELETE", f"{EDGES}/{doc['id']}").status_code == 204
    audits = events_for(emu, doc["id"], "audit:edge:created", "audit:edge:updated", "audit:edge:deleted")
    assert [e["eventType"] for e in audits] == ["audit:edge:created", "audit:edge:updated", "audit:edge:deleted"]
    for event in audits:
        assert event["actor"] == {"clientId": "genesys-trunks-dev"}
        assert event["timestamp"].endswith("Z")
    assert "registration.password" in audits[0]["details"]["changedFields"]
    assert audits[1]["details"] == {
        "changedFields": ["codecs", "maxConcurrentSessions"],
        "version": 2,
        "name": body["name"],
    }
    assert audits[2]["details"]["version"] == 2
    assert PASSWORD not in json.dumps(audits)


def test_filter_clauses_in_any_order(emu: EmulatorHandle) -> None:
    a = emu.api("POST", EDGES, json=edge_body()).json()["id"]
    b = emu.api("POST", EDGES, json=edge_body()).json()["id"]

    def query(flt: str) -> list[dict]:
        reply = emu.api("POST", EVENTS, json={"type": "events", "filter": flt})
        assert reply.status_code == 200, reply.text
        return reply.json()["events"]

    both = query(f"resourceIds:[{a}, {b}] AND eventTypes:[audit:edge:created]")
    assert [e["resourceId"] for e in both] == [a, b]
    assert query(f"eventTypes:[audit:edge:created]and resourceIds:[{b}]") == both[1:]
    assert query(f"  eventTypes:[audit:edge:created] AND resourceIds:[{a}]  ") == both[:1]
    everything = query("")
    assert len(everything) >= 2
    timestamps = [e["timestamp"] for e in everything]
    assert timestamps == sorted(timestamps)
    created = query("eventTypes:[audit:edge:created]")
    assert all(e["eventType"] == "audit:edge:created" for e in created)
    # seed body shape: eventIds null
    seed = emu.api("POST", EVENTS, json={"type": "events", "eventIds": None, "filter": f"resourceIds:[{a}]"})
    assert seed.status_code == 200
    by_id = emu.api("POST", EVENTS, json={"type": "events", "eventIds": [both[0]["id"]], "filter": ""})
    assert [e["id"] for e in by_id.json()["events"]] == [both[0]["id"]]


@pytest.mark.parametrize(
    "flt",
    [
        "resourceIds:[a] OR eventTypes:[audit:edge:created]",
        "resourceIds:a",
        "status:[registered]",
        "eventTypes:[audit:edge:exploded]",
        "resourceIds:[]",
        "resourceIds:[a] AND resourceIds:[b]",
        "resourceIds:[a] AND",
        "resourceIds:[a,,b]",
        "resourceIds:[a b]",
    ],
)
def test_unparseable_filter_is_400_naming_the_filter(emu: EmulatorHandle, flt: str) -> None:
    reply = emu.api("POST", EVENTS, json={"type": "events", "filter": flt})
    assert reply.status_code == 400, reply.text
    assert field_names(reply) == ["filter"]
    assert reply.json()["errors"][0]["message"].startswith(f"filter: {flt!r}")


@pytest.mark.parametrize(
    "body,field",
    [
        ({"type": "metrics", "filter": ""}, "type"),
        ({"filter": ""}, "type"),
        ({"type": "events", "filter": 5}, "filter"),
        ({"type": "events", "filter": "", "limit": 5}, "limit"),
        ({"type": "events", "eventIds": "x"}, "eventIds"),
    ],
)
def test_bad_query_bodies(emu: EmulatorHandle, body: dict, field: str) -> None:
    reply = emu.api("POST", EVENTS, json=body)
    assert reply.status_code == 400 and field_names(reply) == [field]
