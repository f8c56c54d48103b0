"""Concurrent writers: no lost or duplicated edge, and exactly one winner for the same registration."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx

from emulator.testing import EmulatorHandle

from .helpers import DR_GROUP, EDGES, edge_body, unique

WORKERS = 20


def _post_all(emu: EmulatorHandle, bodies: list[dict[str, Any]]) -> list[httpx.Response]:
    token = emu.token()
    barrier = threading.Barrier(len(bodies))

    def post(body: dict[str, Any]) -> httpx.Response:
        with httpx.Client(base_url=emu.url, timeout=30) as client:
            barrier.wait()
            return client.post(EDGES, json=body, headers={"Authorization": f"Bearer {token}"})

    with ThreadPoolExecutor(max_workers=len(bodies)) as pool:
        return list(pool.map(post, bodies))


def test_concurrent_creates_lose_nothing(emu: EmulatorHandle) -> None:
    tag = unique("conc")
    bodies = [edge_body(name=f"{tag}-{i:02d}", edgeGroupId=DR_GROUP) for i in range(WORKERS)]
    replies = _post_all(emu, bodies)
    assert [r.status_code for r in replies] == [201] * WORKERS, [r.text for r in replies if r.status_code != 201]
    ids = {r.json()["id"] for r in replies}
    assert len(ids) == WORKERS
    listed = emu.api("GET", EDGES, params={"edgeGroupId": DR_GROUP, "pageSize": 500}).json()["entities"]
    mine = [e for e in listed if e["name"].startswith(tag)]
    assert sorted(e["name"] for e in mine) == sorted(b["name"] for b in bodies)
    assert {e["id"] for e in mine} == ids


def test_concurrent_duplicates_have_one_winner(emu: EmulatorHandle) -> None:
    registration = {"host": f"{unique('race')}.example.com", "username": "same-user"}
    bodies = [edge_body(registration=registration) for _ in range(WORKERS)]
    replies = _post_all(emu, bodies)
    statuses = sorted(r.status_code for r in replies)
    assert statuses == [201] + [409] * (WORKERS - 1), [r.text for r in replies if r.status_code not in (201, 409)]
    assert all(r.json()["code"] == "general.conflict" for r in replies if r.status_code == 409)
    winner = next(r.json() for r in replies if r.status_code == 201)
    assert emu.api("GET", f"{EDGES}/{winner['id']}").status_code == 200
