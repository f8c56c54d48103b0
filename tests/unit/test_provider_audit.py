"""RegistrationAudit: waiting for the asynchronous registration outcome, bounded, with few queries."""

from __future__ import annotations

import httpx
import pytest

from providers import registration_audit
from providers.registration_audit import RegistrationAuditProvider
from tests.unit.provider_fixtures import EVENTS

provider = RegistrationAuditProvider()


def event(kind, ts, **details):
    return {
        "id": f"{kind}-{ts}",
        "eventType": kind,
        "resourceId": "e1",
        "resourceType": "edge",
        "timestamp": ts,
        "actor": {"clientId": "test-client"},
        "details": details,
    }


CREATED = event("audit:edge:created", "2026-11-28T13:00:00.000Z")
SUCCESS = event("telephony:edge:registration:success", "2026-11-28T13:00:01.250Z", status="registered")
FAILURE = event(
    "telephony:edge:registration:failure", "2026-11-28T13:00:01.500Z", reason="carrier rejected credentials"
)
INPUTS = {
    "trunkName": "trunk-a",
    "edgeId": "e1",
    "edgeVersion": 1,
    "statusAtChange": "registering",
    "registrationChangedAt": "2026-11-28T13:00:00.000Z",
    "timeoutSeconds": 30,
}


@pytest.fixture(autouse=True)
def no_waiting(monkeypatch):
    monkeypatch.setattr(registration_audit.time, "sleep", lambda _s: None)


def test_waits_for_the_outcome_and_measures_latency(api):
    route = api.post(EVENTS).mock(
        side_effect=[
            httpx.Response(200, json={"events": [CREATED]}),
            httpx.Response(200, json={"events": [CREATED, SUCCESS]}),
        ]
    )
    outs = provider.create({"__provider": "p", **INPUTS}).outs
    assert route.call_count == 2
    assert outs["registrationStatus"] == "registered"
    assert outs["outcome"]["latencySeconds"] == 1.25
    assert [e["type"] for e in outs["events"]] == ["audit:edge:created", "telephony:edge:registration:success"]
    assert outs["events"][0]["actor"] == "test-client"


def test_failure_is_reported_with_its_reason(api):
    api.post(EVENTS).respond(200, json={"events": [CREATED, FAILURE]})
    outs = provider.create({"__provider": "p", **INPUTS}).outs
    assert outs["registrationStatus"] == "failed"
    assert outs["outcome"]["reason"] == "carrier rejected credentials"


def test_no_wait_when_the_registration_was_not_pending(api):
    route = api.post(EVENTS).respond(200, json={"events": [CREATED, SUCCESS]})
    outs = provider.update("x", {}, {"__provider": "p", **INPUTS, "statusAtChange": "registered"}).outs
    assert route.call_count == 1 and outs["registrationStatus"] == "registered"


def test_gives_up_after_the_timeout(api, monkeypatch):
    clock = iter(range(0, 1000, 10))
    monkeypatch.setattr(registration_audit.time, "monotonic", lambda: next(clock))
    api.post(EVENTS).respond(200, json={"events": [CREATED]})
    outs = provider.create({"__provider": "p", **INPUTS}).outs
    assert outs["registrationStatus"] == "registering"
    assert "no registration outcome within 30 s" in outs["outcome"]["reason"]


def test_diff_follows_the_edge_version_only():
    olds = {**INPUTS, "registrationStatus": "registered", "outcome": {}, "events": []}
    assert provider.diff("x", olds, {**INPUTS, "statusAtChange": "registered"}).changes is False
    assert provider.diff("x", olds, {**INPUTS, "edgeVersion": 2}).changes is True


def test_state_from_an_older_provider_is_audited_again():
    assert provider.diff("x", {**INPUTS, "registrationStatus": "registered"}, dict(INPUTS)).changes is True
