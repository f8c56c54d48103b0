"""The request log behind ``/_emulator/requests``: method, path, status, client, time; never bodies.

Kept in memory (bounded) and cleared by a restart or ``DELETE /_emulator/requests``. Inner layers
annotate the entry through ``scope["emulator.log"]`` (the client id once known, a fault if one hit).
"""

from __future__ import annotations

import threading
import time
from collections import deque
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .timeutil import iso

LOG_KEY = "emulator.log"
FINISH_KEY = "emulator.log.finish"
ADMIN_PREFIX = "/_emulator"


class RequestLog:
    """A bounded, thread-safe list of request records, oldest first."""

    def __init__(self, capacity: int = 50_000) -> None:
        self._lock = threading.Lock()
        self._entries: deque[dict[str, Any]] = deque(maxlen=capacity)

    def add(self, entry: dict[str, Any]) -> None:
        with self._lock:
            self._entries.append(entry)

    def entries(self) -> list[dict[str, Any]]:
        with self._lock:
            return [dict(e) for e in self._entries]

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()


class RequestLogMiddleware:
    """Outermost layer: times every non-admin HTTP request and records what the client received.

    ``status`` is the status sent to the client; 0 means the connection was dropped without a reply.
    """

    def __init__(self, app: ASGIApp, log: RequestLog) -> None:
        self.app = app
        self.log = log

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"].startswith(ADMIN_PREFIX):
            await self.app(scope, receive, send)
            return
        started = time.time()
        clock = time.perf_counter()
        entry: dict[str, Any] = {
            "method": scope["method"],
            "path": scope["path"],
            "query": scope.get("query_string", b"").decode("latin-1"),
            "status": 0,
            "clientId": None,
            "time": iso(started),
            "durationMs": 0.0,
            "fault": None,
        }
        scope[LOG_KEY] = entry
        recorded = False

        def finish() -> None:
            """Record the entry now (once); a dropped connection calls this before closing the socket."""
            nonlocal recorded
            if not recorded:
                recorded = True
                entry["durationMs"] = round((time.perf_counter() - clock) * 1000, 3)
                self.log.add(entry)

        scope[FINISH_KEY] = finish

        async def recording_send(message: Message) -> None:
            if message["type"] == "http.response.start":
                entry["status"] = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, recording_send)
        except Exception:
            if entry["status"] == 0 and entry["fault"] is None:
                entry["status"] = 500
            raise
        finally:
            finish()
