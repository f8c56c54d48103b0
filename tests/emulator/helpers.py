"""Shared test helpers: payload builders, polling, and a tiny local webhook receiver."""

from __future__ import annotations

import json
import threading
import time
import uuid
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, TypeVar

PRIMARY_GROUP = "3f1d2c4b-5a69-4e7f-8a1b-0c2d3e4f5a01"
DR_GROUP = "3f1d2c4b-5a69-4e7f-8a1b-0c2d3e4f5a02"
STANDARD_PROFILE = "9b8a7c6d-1e2f-4a3b-9c4d-5e6f7a8b9c01"
HD_PROFILE = "9b8a7c6d-1e2f-4a3b-9c4d-5e6f7a8b9c02"
LEGACY_PROFILE = "9b8a7c6d-1e2f-4a3b-9c4d-5e6f7a8b9c03"
EDGES = "/api/v2/telephony/providers/edges"
WEBHOOKS = "/api/v2/webhooks"
EVENTS = "/api/v2/analytics/events/query"
PASSWORD = "correct-horse-battery"

T = TypeVar("T")


def unique(prefix: str = "t") -> str:
    return f"{prefix}-{uuid.uuid4().hex[:10]}"


def edge_body(**overrides: Any) -> dict[str, Any]:
    """A valid edge write body with a unique name and registration username."""
    registration = {
        "type": "REGISTER",
        "host": "sip.carrier.example.com",
        "port": 5060,
        "username": unique("user"),
        "password": PASSWORD,
    }
    registration.update(overrides.pop("registration", {}))
    body = {
        "name": unique("trunk"),
        "edgeGroupId": PRIMARY_GROUP,
        "sipProfileId": STANDARD_PROFILE,
        "maxConcurrentSessions": 50,
        "codecs": ["G711u", "G729"],
        "registration": registration,
        "healthProbe": {"enabled": True, "intervalSeconds": 30},
    }
    body.update(overrides)
    return body


def webhook_body(target: str, **overrides: Any) -> dict[str, Any]:
    body = {
        "name": unique("hook"),
        "description": "test hook",
        "apiVersion": "v2",
        "eventType": ["telephony:edge:status:changed"],
        "filterCriteria": "",
        "targetUri": target,
        "headers": {"X-Genesys-Event": "true"},
    }
    body.update(overrides)
    return body


def wait_for(check: Callable[[], T | None], timeout: float = 5.0, interval: float = 0.05, what: str = "condition") -> T:
    """Poll ``check`` until it returns something truthy; fail after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {what}")
        time.sleep(interval)


def wait_status(emu: Any, edge_id: str, status: str, timeout: float = 5.0) -> dict[str, Any]:
    def check() -> dict[str, Any] | None:
        doc = emu.api("GET", f"{EDGES}/{edge_id}").json()
        return doc if doc.get("registrationStatus") == status else None

    return wait_for(check, timeout, what=f"edge {edge_id} to be {status}")


def events_for(emu: Any, resource_id: str, *types: str) -> list[dict[str, Any]]:
    flt = f"resourceIds:[{resource_id}]" + (f" AND eventTypes:[{','.join(types)}]" if types else "")
    reply = emu.api("POST", EVENTS, json={"type": "events", "filter": flt})
    assert reply.status_code == 200, reply.text
    return reply.json()["events"]


def field_names(reply: Any) -> list[str]:
    return [e.get("fieldName") for e in reply.json()["errors"]]


class Receiver:
    """A webhook target on 127.0.0.1 that records requests; can fail the first N or be slow."""

    def __init__(self, fail_first: int = 0, fail_status: int = 500, delay: float = 0.0, always_fail: bool = False):
        self.received: list[dict[str, Any]] = []
        self.hits = 0
        self._lock = threading.Lock()
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - http.server API
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length)
                with outer._lock:
                    outer.hits += 1
                    failing = always_fail or outer.hits <= fail_first
                    if not failing:
                        outer.received.append(
                            {"path": self.path, "headers": dict(self.headers.items()), "body": json.loads(raw)}
                        )
                if delay:
                    time.sleep(delay)
                self.send_response(fail_status if failing else 200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/hook"

    def __enter__(self) -> Receiver:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()

    def bodies(self) -> list[dict[str, Any]]:
        with self._lock:
            return [r["body"] for r in self.received]
