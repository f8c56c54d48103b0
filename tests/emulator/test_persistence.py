"""State lives in SQLite: a restart (graceful or a crash) keeps every entity, token and pending registration."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from emulator.testing import running_emulator

from .helpers import EDGES, WEBHOOKS, edge_body, events_for, wait_status, webhook_body


def test_restart_keeps_entities_tokens_and_events(tmp_path: Path) -> None:
    with running_emulator(tmp_path, registration_delay=0.1, log_level="warning") as emu:
        body = edge_body()
        edge = emu.api("POST", EDGES, json=body).json()
        wait_status(emu, edge["id"], "registered")
        edge = emu.api("PUT", f"{EDGES}/{edge['id']}", json={**body, "version": 1, "maxConcurrentSessions": 7}).json()
        hook = emu.api("POST", WEBHOOKS, json=webhook_body("https://hooks.example.com/x")).json()
        deleted = emu.api("POST", EDGES, json=edge_body()).json()
        emu.api("DELETE", f"{EDGES}/{deleted['id']}")
        token = emu.token()
        events_before = events_for(emu, edge["id"])
        port = emu.port

        emu.restart()

        assert emu.port == port
        assert emu.api("GET", f"{EDGES}/{edge['id']}", token=token).json() == edge
        assert emu.api("GET", f"{WEBHOOKS}/{hook['id']}").json() == hook
        assert emu.api("GET", f"{EDGES}/{deleted['id']}").status_code == 404
        assert events_for(emu, edge["id"]) == events_before
        # uniqueness still holds against what was stored before the restart
        assert emu.api("POST", EDGES, json=body).status_code == 409


@pytest.mark.parametrize("hard", [False, True], ids=["sigterm", "sigkill"])
def test_pending_registration_completes_after_restart(tmp_path: Path, hard: bool) -> None:
    # Due long after the restart, however slow the machine; then its time comes while the emulator is down.
    with running_emulator(tmp_path, registration_delay=600, log_level="warning") as emu:
        edge = emu.api("POST", EDGES, json=edge_body()).json()
        assert edge["registrationStatus"] == "registering"
        emu.restart(hard=hard)
        assert emu.api("GET", f"{EDGES}/{edge['id']}").json()["registrationStatus"] == "registering"
        emu.stop()
        with sqlite3.connect(emu.db) as conn:
            conn.execute("UPDATE registrations SET due_at = due_at - 600")
        emu.start()
        wait_status(emu, edge["id"], "registered", timeout=10)
        types = [e["eventType"] for e in events_for(emu, edge["id"])]
        assert types == ["audit:edge:created", "telephony:edge:registration:success", "telephony:edge:status:changed"]


def test_database_path_is_the_one_given(tmp_path: Path) -> None:
    db = tmp_path / "nested" / "state.db"
    with running_emulator(db, log_level="warning") as emu:
        assert emu.db == db.resolve()
        emu.api("POST", EDGES, json=edge_body())
    assert db.exists() and db.stat().st_size > 0


def test_a_database_from_before_trunk_instances_registered_is_upgraded(tmp_path: Path) -> None:
    db = tmp_path / "old.db"
    with sqlite3.connect(db) as conn:  # the registrations table as it was, without a kind per row
        conn.execute("CREATE TABLE registrations (edge_id TEXT PRIMARY KEY, due_at REAL NOT NULL, client_id TEXT)")
    with running_emulator(db, registration_delay=0.1, log_level="warning") as emu:
        edge = emu.api("POST", EDGES, json=edge_body()).json()
        wait_status(emu, edge["id"], "registered")
    with sqlite3.connect(db) as conn:
        columns = [row[1] for row in conn.execute("PRAGMA table_info(registrations)")]
    assert columns == ["edge_id", "due_at", "client_id", "kind"]
