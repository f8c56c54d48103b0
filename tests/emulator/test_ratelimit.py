"""Rate limiting per OAuth client: headers on every /api/v2 reply, 429 with Retry-After."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from emulator.testing import EmulatorHandle, running_emulator

from .helpers import EDGES

HEADERS = ("inin-ratelimit-allowed", "inin-ratelimit-count", "inin-ratelimit-reset")


@pytest.fixture(scope="module")
def limited(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EmulatorHandle]:
    path: Path = tmp_path_factory.mktemp("ratelimit")
    with running_emulator(path, rate_limit=5, registration_delay=0.2, log_level="warning") as handle:
        yield handle


def test_429_under_load_with_retry_after_and_headers(limited: EmulatorHandle) -> None:
    limited.reset_rate_limits()
    token = limited.token()
    replies = [limited.api("GET", EDGES, token=token) for _ in range(8)]
    assert [r.status_code for r in replies] == [200] * 5 + [429] * 3
    for i, reply in enumerate(replies):
        assert all(h in reply.headers for h in HEADERS), reply.headers
        assert reply.headers["inin-ratelimit-allowed"] == "5"
        assert int(reply.headers["inin-ratelimit-count"]) == min(i + 1, 5)
        assert 1 <= int(reply.headers["inin-ratelimit-reset"]) <= 60
    throttled = replies[-1]
    assert 1 <= int(throttled.headers["Retry-After"]) <= 60
    body = throttled.json()
    assert body["code"] == "too.many.requests" and body["status"] == 429


def test_limits_are_per_client(limited: EmulatorHandle) -> None:
    limited.reset_rate_limits()
    dev = limited.token()
    for _ in range(5):
        limited.api("GET", EDGES, token=dev)
    assert limited.api("GET", EDGES, token=dev).status_code == 429
    readonly = limited.token("genesys-trunks-readonly", "readonly-secret")
    assert limited.api("GET", EDGES, token=readonly).status_code == 200


def test_error_replies_carry_the_headers_too(limited: EmulatorHandle) -> None:
    limited.reset_rate_limits()
    unauthenticated = limited.http.get(EDGES)
    assert unauthenticated.status_code == 401 and all(h in unauthenticated.headers for h in HEADERS)
    not_found = limited.api("GET", f"{EDGES}/does-not-exist")
    assert not_found.status_code == 404 and all(h in not_found.headers for h in HEADERS)


def test_limit_is_configurable_at_runtime(limited: EmulatorHandle) -> None:
    assert limited.settings(rate_limit_per_minute=2)["rateLimitPerMinute"] == 2
    try:
        token = limited.token()
        assert [limited.api("GET", EDGES, token=token).status_code for _ in range(3)] == [200, 200, 429]
    finally:
        limited.settings(rate_limit_per_minute=5)
