"""Waiting for an edge's asynchronous registration outcome: bounded, with few queries."""

from __future__ import annotations

import httpx

from entities.edge.api import Edge
from entities.edge_registration.report import registration_report, wait_for_events
from entities.edge_registration.watch import EdgeRegistration, RegistrationWatcher
from lifecycle import client_access
from tests.unit.provider_fixtures import CREATED, EVENTS, FAILURE, SUCCESS, edge_entity, event

REREGISTER = event("telephony:edge:status:changed", "2026-11-28T14:00:00.000Z", status="registering")
SUCCESS_2 = event("telephony:edge:registration:success", "2026-11-28T14:00:02.000Z", status="registered")


def pending_edge(**over) -> EdgeRegistration:
    """An edge's registration as the API reply to a write describes it."""
    edge = Edge.model_validate(edge_entity(**over))
    return EdgeRegistration(
        edge.id, edge.registration_status, edge.registration_status_reason, edge.registration_status_changed_at
    )


def test_waits_until_the_outcome_arrives(api):
    route = api.post(EVENTS).mock(
        side_effect=[
            httpx.Response(200, json={"events": [CREATED]}),
            httpx.Response(200, json={"events": [CREATED, SUCCESS]}),
        ]
    )
    edge = pending_edge()
    events = wait_for_events(client_access.client(), edge, timeout=30)
    assert route.call_count == 2
    report = registration_report(edge, events, 30)
    assert report["status"] == "registered"
    assert report["outcome"]["latencySeconds"] == 1.25
    assert [e["type"] for e in report["events"]] == ["audit:edge:created", SUCCESS["eventType"]]
    assert report["events"][0]["actor"] == "test-client"


def test_failure_carries_the_carriers_reason(api):
    api.post(EVENTS).respond(200, json={"events": [CREATED, FAILURE]})
    edge = pending_edge()
    report = registration_report(edge, wait_for_events(client_access.client(), edge, 30), 30)
    assert report["status"] == "failed"
    assert report["outcome"]["reason"] == "carrier rejected credentials"


def test_an_outcome_older_than_the_change_is_not_the_answer(api):
    route = api.post(EVENTS).mock(
        side_effect=[
            httpx.Response(200, json={"events": [CREATED, SUCCESS, REREGISTER]}),
            httpx.Response(200, json={"events": [CREATED, SUCCESS, REREGISTER, SUCCESS_2]}),
        ]
    )
    edge = pending_edge(registrationStatusChangedAt="2026-11-28T14:00:00.000Z")
    report = registration_report(edge, wait_for_events(client_access.client(), edge, 30), 30)
    assert route.call_count == 2
    assert report["outcome"]["latencySeconds"] == 2.0


def test_one_query_when_nothing_is_pending(api):
    route = api.post(EVENTS).respond(200, json={"events": [CREATED, SUCCESS]})
    edge = pending_edge(registrationStatus="registered")
    report = registration_report(edge, wait_for_events(client_access.client(), edge, 30), 30)
    assert route.call_count == 1 and report["status"] == "registered"


def test_gives_up_after_the_timeout(api):
    ticks = iter(range(0, 10_000, 10))
    api.post(EVENTS).respond(200, json={"events": [CREATED]})
    edge = pending_edge()
    watcher = RegistrationWatcher(client_access.client(), sleep=lambda _s: None, clock=lambda: next(ticks))
    events = watcher.wait(edge, 30)
    report = registration_report(edge, events, 30)
    assert report["status"] == "registering"
    assert report["outcome"]["reason"] == "no registration outcome within 30 s"


def test_edges_waiting_together_share_each_query(api):
    """Ten edges registering at once: one events query per round for all of them, not one each."""
    import threading

    ids = [f"e{i}" for i in range(10)]
    route = api.post(EVENTS).mock(
        side_effect=[
            httpx.Response(200, json={"events": []}),
            httpx.Response(200, json={"events": [dict(SUCCESS, resourceId=i, id=f"s-{i}") for i in ids]}),
        ]
    )
    watcher = RegistrationWatcher(client_access.client(), sleep=lambda _s: None)
    results: dict[str, list] = {}
    gate = threading.Barrier(len(ids))

    def wait(edge_id: str) -> None:
        gate.wait()
        results[edge_id] = watcher.wait(pending_edge(edge_id=edge_id), 30)

    threads = [threading.Thread(target=wait, args=(i,)) for i in ids]
    for t in threads:
        t.start()
    for t in threads:
        t.join(10)
    assert sorted(results) == ids
    assert all(registration_report(pending_edge(edge_id=i), results[i], 30)["status"] == "registered" for i in ids)
    assert route.call_count <= 3
