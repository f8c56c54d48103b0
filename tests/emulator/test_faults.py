"""Faults on demand: 503s, dropped connections, drop-after-write, latency, reproducible draws."""

from __future__ import annotations

import threading
import time
from typing import Any

import httpx
import pytest

from emulator.testing import EmulatorHandle

from .helpers import EDGES, edge_body, field_names, wait_for


def test_error_rate_one_gives_503(clean_faults: EmulatorHandle) -> None:
    emu = clean_faults
    token = emu.token()
    assert emu.set_faults(error_rate=1.0)["errorRate"] == 1.0
    reply = emu.api("GET", EDGES, token=token)
    assert reply.status_code == 503
    assert reply.json()["code"] == "service.unavailable"
    assert "inin-ratelimit-count" in reply.headers
    assert emu.health()["status"] == "ok"  # the admin API is never faulted
    assert emu.token()  # nor is the token endpoint
    emu.clear_faults()
    assert emu.api("GET", EDGES, token=token).status_code == 200


def test_drop_rate_one_closes_the_connection_without_reply(clean_faults: EmulatorHandle) -> None:
    emu = clean_faults
    token = emu.token()
    emu.set_faults(drop_rate=1.0)
    emu.reset_requests()
    with httpx.Client(base_url=emu.url) as client, pytest.raises((httpx.RemoteProtocolError, httpx.ReadError)):
        client.get(EDGES, headers={"Authorization": f"Bearer {token}"})
    emu.clear_faults()
    logged = [r for r in emu.requests() if r["path"] == EDGES]
    assert logged[-1]["status"] == 0 and logged[-1]["fault"] == "drop"


def test_drop_after_write_applies_the_write(clean_faults: EmulatorHandle) -> None:
    emu = clean_faults
    token = emu.token()
    body = edge_body()
    emu.set_faults(drop_after_write_rate=1.0)
    with httpx.Client(base_url=emu.url) as client:
        # reads are not writes: they pass
        assert client.get(EDGES, headers={"Authorization": f"Bearer {token}"}).status_code == 200
        with pytest.raises((httpx.RemoteProtocolError, httpx.ReadError)):
            client.post(EDGES, json=body, headers={"Authorization": f"Bearer {token}"})
    emu.clear_faults()
    found = emu.api("GET", EDGES, params={"name": body["name"]}).json()
    assert found["total"] == 1
    # a client retrying the create now learns it already exists
    assert emu.api("POST", EDGES, json=body).status_code == 409
    logged = [r for r in emu.requests() if r["method"] == "POST" and r["path"] == EDGES]
    assert logged[-2]["fault"] == "dropAfterWrite" and logged[-2]["appliedStatus"] == 201


def test_drop_after_write_can_meet_the_next_writes_of_one_path_only(clean_faults: EmulatorHandle) -> None:
    emu = clean_faults
    token = emu.token()
    headers = {"Authorization": f"Bearer {token}"}
    emu.set_faults(drop_after_write_rate=1.0, drop_after_writes=1, drop_after_write_to=EDGES)
    emu.reset_requests()
    with httpx.Client(base_url=emu.url) as client:
        # another path's write is not drawn, and does not use up the count
        assert client.post("/api/v2/analytics/events/query", json={}, headers=headers).status_code != 0
        with pytest.raises((httpx.RemoteProtocolError, httpx.ReadError)):
            client.post(EDGES, json=edge_body(), headers=headers)
        assert client.post(EDGES, json=edge_body(), headers=headers).status_code == 201  # the count is spent
    emu.clear_faults()
    assert [r.get("fault") for r in emu.requests() if r["method"] == "POST"] == [None, "dropAfterWrite", None]


def test_latency(clean_faults: EmulatorHandle) -> None:
    emu = clean_faults
    token = emu.token()
    emu.set_faults(latency_ms=300)
    started = time.monotonic()
    assert emu.api("GET", EDGES, token=token).status_code == 200
    assert time.monotonic() - started >= 0.3


def test_latency_on_the_next_writes_only(clean_faults: EmulatorHandle) -> None:
    emu = clean_faults
    token = emu.token()
    emu.set_faults(latency_ms=1000, latency_writes=2)

    def took(method: str, path: str, **kwargs: Any) -> float:
        started = time.monotonic()
        emu.api(method, path, token=token, **kwargs)
        return time.monotonic() - started

    assert took("GET", EDGES) < 1  # reads are not delayed
    writes = [took("DELETE", f"{EDGES}/no-such-edge") for _ in range(3)]
    assert writes[0] >= 1 and writes[1] >= 1 and writes[2] < 1, writes


def test_seeded_faults_are_reproducible(clean_faults: EmulatorHandle) -> None:
    emu = clean_faults
    token = emu.token()

    def run() -> list[int]:
        emu.set_faults(error_rate=0.5, seed=42)
        return [emu.api("GET", EDGES, token=token).status_code for _ in range(12)]

    first, second = run(), run()
    assert first == second
    assert {200, 503} == set(first)


@pytest.mark.parametrize(
    "faults,field",
    [
        ({"errorRate": 2}, "errorRate"),
        ({"dropRate": -0.1}, "dropRate"),
        ({"latencyMs": "slow"}, "latencyMs"),
        ({"seed": "x"}, "seed"),
        ({"latencyWrites": -1}, "latencyWrites"),
        ({"latencyWrites": True}, "latencyWrites"),
        ({"holdWritesAfter": -2}, "holdWritesAfter"),
        ({"holdWritesTo": ""}, "holdWritesTo"),
        ({"dropAfterWrites": 1.5}, "dropAfterWrites"),
        ({"dropAfterWriteTo": 3}, "dropAfterWriteTo"),
        ({"chaos": True}, "chaos"),
    ],
)
def test_bad_fault_settings_are_400(clean_faults: EmulatorHandle, faults: dict, field: str) -> None:
    reply = clean_faults.http.put("/_emulator/faults", json=faults)
    assert reply.status_code == 400 and field_names(reply) == [field]


def test_faults_round_trip(clean_faults: EmulatorHandle) -> None:
    emu = clean_faults
    assert emu.set_faults(latencyMs=5, dropAfterWriteRate=0.25, seed=7) == {
        "latencyMs": 5,
        "errorRate": 0.0,
        "dropRate": 0.0,
        "dropAfterWriteRate": 0.25,
        "latencyWrites": None,
        "dropAfterWrites": None,
        "dropAfterWriteTo": None,
        "holdWritesAfter": None,
        "holdWritesTo": None,
        "seed": 7,
    }
    assert emu.http.get("/_emulator/faults").json()["latencyMs"] == 5
    assert emu.clear_faults() == {
        "latencyMs": 0,
        "errorRate": 0.0,
        "dropRate": 0.0,
        "dropAfterWriteRate": 0.0,
        "latencyWrites": None,
        "dropAfterWrites": None,
        "dropAfterWriteTo": None,
        "holdWritesAfter": None,
        "holdWritesTo": None,
        "seed": None,
    }


def test_writes_after_the_first_n_are_held_until_the_faults_change(clean_faults: EmulatorHandle) -> None:
    """What a scenario that must catch writes in flight (a killed `up`) relies on, however fast the machine."""

    emu = clean_faults
    emu.set_faults(holdWritesAfter=1)
    assert emu.api("POST", EDGES, json=edge_body()).status_code == 201  # the first write passes
    replies: list[int] = []
    held = threading.Thread(target=lambda: replies.append(emu.api("POST", EDGES, json=edge_body()).status_code))
    held.start()
    assert wait_for(lambda: emu.faults()["heldWrites"] == 1, 10, 0.02, "a held write")
    assert emu.api("GET", EDGES).status_code == 200 and replies == []  # reads pass; the write waits
    emu.clear_faults()
    held.join(10)
    assert replies == [201] and emu.faults()["heldWrites"] == 0


def test_held_writes_can_be_those_of_one_path(clean_faults: EmulatorHandle) -> None:
    """Writes elsewhere (a token, a webhook) neither count nor wait; the second edge POST is held."""
    emu = clean_faults
    emu.set_faults(holdWritesAfter=1, holdWritesTo=EDGES)
    assert emu.api("POST", EDGES, json=edge_body()).status_code == 201
    assert emu.http.post("/oauth/token", data={"grant_type": "client_credentials"}).status_code in (200, 400, 401)
    replies: list[int] = []
    held = threading.Thread(target=lambda: replies.append(emu.api("POST", EDGES, json=edge_body()).status_code))
    held.start()
    assert wait_for(lambda: emu.faults()["heldWrites"] == 1, 10, 0.02, "a held write")
    emu.clear_faults()
    held.join(10)
    assert replies == [201]
