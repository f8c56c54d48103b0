"""Helpers for tests of this client and of code built on it (no test-framework imports).

``FakeClock`` doubles as the client's ``clock`` and ``sleep``: sleeping advances time instantly, so a 429
storm with a 30 s Retry-After runs in microseconds while budgets and token lifetimes still behave.
"""

from __future__ import annotations

import random
import threading
from typing import Any

from pydantic import SecretStr

from .client import GenesysClient
from .settings import ClientSettings

TEST_BASE_URL = "http://genesys.test"
TEST_CLIENT_ID = "test-client"
TEST_CLIENT_SECRET = "test-secret-do-not-log"


class FakeClock:
    """A monotonic clock that only moves when someone sleeps (or ``advance`` is called)."""

    def __init__(self, start: float = 1000.0) -> None:
        self._lock = threading.Lock()
        self.now = start
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        with self._lock:
            return self.now

    def sleep(self, seconds: float) -> None:
        with self._lock:
            self.sleeps.append(seconds)
            self.now += max(0.0, seconds)

    def advance(self, seconds: float) -> None:
        with self._lock:
            self.now += seconds

    @property
    def slept(self) -> float:
        with self._lock:
            return sum(self.sleeps)


def settings_for(base_url: str = TEST_BASE_URL, **overrides: Any) -> ClientSettings:
    values: dict[str, Any] = {
        "api_url": base_url,
        "client_id": TEST_CLIENT_ID,
        "client_secret": SecretStr(TEST_CLIENT_SECRET),
    }
    values.update(overrides)
    return ClientSettings(**values)


def client_for_tests(
    settings: ClientSettings | None = None, clock: FakeClock | None = None, **kw: Any
) -> GenesysClient:
    """A client on a fake clock, with a seeded jitter source."""
    clock = clock or FakeClock()
    kw.setdefault("rng", random.Random(7))
    return GenesysClient(settings or settings_for(), sleep=clock.sleep, clock=clock, **kw)


def token_reply(token: str = "token-1", expires_in: int = 86400) -> dict[str, Any]:
    return {"access_token": token, "token_type": "bearer", "expires_in": expires_in}


def error_body(status: int, code: str, message: str, errors: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    return {
        "message": message,
        "code": code,
        "status": status,
        "contextId": "0b5e6a9e-7c1d-4f2a-9a53-2f1f5b0c9d11",
        "details": [],
        "errors": errors or [],
    }


def ratelimit_headers(allowed: int, count: int, reset: int) -> dict[str, str]:
    return {
        "inin-ratelimit-allowed": str(allowed),
        "inin-ratelimit-count": str(count),
        "inin-ratelimit-reset": str(reset),
    }
