"""Retries: 429 with Retry-After, 502/503/504, drops and timeouts for idempotent calls; never a blind second
POST; bounded in attempts and time."""

from __future__ import annotations

import httpx
import pytest

from entities.edge.api import EdgeApi, EdgeSpec
from entities.edge_registration.events import read_events
from genesys_api import NetworkError, OutcomeUnknownError, RateLimitedError, ServerError
from genesys_api.testing import (
    FakeClock,
    client_for_tests,
    error_body,
    settings_for,
)

EDGES = "/api/v2/telephony/providers/edges"
EDGE = {
    "id": "e1",
    "name": "trunk-a",
    "version": 1,
    "edgeGroupId": "g1",
    "sipProfileId": "p1",
    "codecs": ["G711u"],
    "registration": {"type": "REGISTER", "host": "sip.example.com", "port": 5060, "username": "u1"},
}
SPEC = EdgeSpec.model_validate(
    {
        "name": "trunk-a",
        "edgeGroupId": "g1",
        "sipProfileId": "p1",
        "maxConcurrentSessions": 10,
        "codecs": ["G711u"],
        "registration": {"host": "sip.example.com", "username": "u1", "password": "hunter2hunter2"},
    }
)


def too_many(retry_after: int | None = 3) -> httpx.Response:
    headers = {"Retry-After": str(retry_after)} if retry_after is not None else {}
    return httpx.Response(429, headers=headers, json=error_body(429, "too.many.requests", "Rate limit exceeded"))


def unavailable(status: int = 503) -> httpx.Response:
    return httpx.Response(status, json=error_body(status, "service.unavailable", "Service unavailable"))


def test_429_storm_honours_retry_after(router):
    get = router.get(f"{EDGES}/e1").mock(
        side_effect=[too_many(5), too_many(5), too_many(7), too_many(2), httpx.Response(200, json=EDGE)]
    )
    clock = FakeClock()
    client = client_for_tests(clock=clock)
    assert EdgeApi(client).get("e1").id == "e1"
    assert get.call_count == 5
    retry_sleeps = [s for s in clock.sleeps if s >= 1.0]
    assert len(retry_sleeps) == 4
    for slept, asked in zip(retry_sleeps, [5, 5, 7, 2], strict=True):
        assert asked <= slept <= asked + 1.0  # honoured, with a little jitter
    assert client.stats.rate_limited == 4
    assert client.stats.retries == 4


def test_429_exhausts_attempts_then_raises_rate_limited(router):
    get = router.get(f"{EDGES}/e1").mock(return_value=too_many(1))
    client = client_for_tests(settings_for(max_retries=3))
    with pytest.raises(RateLimitedError) as info:
        EdgeApi(client).get("e1")
    assert get.call_count == 4
    assert info.value.status == 429 and info.value.retry_after == 1.0


def test_retry_budget_bounds_total_time(router):
    get = router.get(f"{EDGES}/e1").mock(return_value=too_many(30))
    clock = FakeClock()
    client = client_for_tests(settings_for(max_retries=100, retry_budget_seconds=100), clock=clock)
    start = clock()
    with pytest.raises(RateLimitedError):
        EdgeApi(client).get("e1")
    assert clock() - start <= 100
    assert get.call_count == 4  # 3 waits of ~30 s fit in 100 s; a fourth would not


def test_retry_after_longer_than_budget_fails_fast(router):
    router.get(f"{EDGES}/e1").mock(return_value=too_many(600))
    clock = FakeClock()
    with pytest.raises(RateLimitedError):
        EdgeApi(client_for_tests(settings_for(retry_budget_seconds=60), clock=clock)).get("e1")
    assert clock.slept < 1


def test_429_without_retry_after_backs_off_exponentially(router):
    router.get(f"{EDGES}/e1").mock(side_effect=[too_many(None)] * 4 + [httpx.Response(200, json=EDGE)])
    clock = FakeClock()
    EdgeApi(client_for_tests(clock=clock)).get("e1")
    assert len(clock.sleeps) == 4
    assert clock.sleeps[-1] > clock.sleeps[0]


@pytest.mark.parametrize("status", [502, 503, 504])
def test_gateway_errors_on_get_are_retried(router, status):
    get = router.get(f"{EDGES}/e1").mock(side_effect=[unavailable(status), httpx.Response(200, json=EDGE)])
    EdgeApi(client_for_tests()).get("e1")
    assert get.call_count == 2


def test_500_is_not_retried(router):
    get = router.get(f"{EDGES}/e1").mock(
        return_value=httpx.Response(500, json=error_body(500, "internal.server.error", "boom"))
    )
    with pytest.raises(ServerError):
        EdgeApi(client_for_tests()).get("e1")
    assert get.call_count == 1


@pytest.mark.parametrize(
    "failure",
    [
        httpx.RemoteProtocolError("Server disconnected without sending a response."),
        httpx.ReadError("connection reset"),
        httpx.ReadTimeout("timed out"),
        httpx.ConnectError("connection refused"),
    ],
)
def test_dropped_get_is_retried(router, failure):
    get = router.get(f"{EDGES}/e1").mock(side_effect=[failure, failure, httpx.Response(200, json=EDGE)])
    client = client_for_tests()
    assert EdgeApi(client).get("e1").id == "e1"
    assert get.call_count == 3
    assert client.stats.network_errors == 2


def test_dropped_get_gives_up_as_network_error(router):
    router.get(f"{EDGES}/e1").mock(side_effect=httpx.ReadError("connection reset"))
    with pytest.raises(NetworkError) as info:
        EdgeApi(client_for_tests(settings_for(max_retries=2))).get("e1")
    assert "ReadError" in str(info.value)


@pytest.mark.parametrize(
    "failure",
    [
        httpx.RemoteProtocolError("Server disconnected without sending a response."),
        httpx.ReadError("connection reset"),
        httpx.ReadTimeout("timed out"),
        httpx.WriteTimeout("timed out"),
    ],
)
def test_dropped_post_is_outcome_unknown_and_never_resent(router, failure):
    post = router.post(EDGES).mock(side_effect=[failure, httpx.Response(201, json=EDGE)])
    client = client_for_tests()
    with pytest.raises(OutcomeUnknownError) as info:
        EdgeApi(client).create(SPEC)
    assert post.call_count == 1
    assert client.stats.calls[f"POST {EDGES}"] == 1
    assert "may have been applied" in str(info.value)
    assert info.value.method == "POST" and info.value.path == EDGES


@pytest.mark.parametrize("status", [502, 504])
def test_gateway_error_on_post_is_outcome_unknown(router, status):
    post = router.post(EDGES).mock(side_effect=[unavailable(status), httpx.Response(201, json=EDGE)])
    with pytest.raises(OutcomeUnknownError) as info:
        EdgeApi(client_for_tests()).create(SPEC)
    assert post.call_count == 1 and info.value.status == status


def test_503_on_post_is_retried(router):
    post = router.post(EDGES).mock(side_effect=[unavailable(503), httpx.Response(201, json=EDGE)])
    assert EdgeApi(client_for_tests()).create(SPEC).id == "e1"
    assert post.call_count == 2


def test_429_on_post_is_retried(router):
    post = router.post(EDGES).mock(side_effect=[too_many(2), httpx.Response(201, json=EDGE)])
    assert EdgeApi(client_for_tests()).create(SPEC).id == "e1"
    assert post.call_count == 2


@pytest.mark.parametrize("failure", [httpx.ConnectError("refused"), httpx.ConnectTimeout("timed out")])
def test_connect_failure_on_post_is_retried(router, failure):
    """Nothing was sent: the create cannot have happened."""
    post = router.post(EDGES).mock(side_effect=[failure, httpx.Response(201, json=EDGE)])
    assert EdgeApi(client_for_tests()).create(SPEC).id == "e1"
    assert post.call_count == 2


def test_read_only_analytics_post_is_retried_after_a_drop(router):
    query = router.post("/api/v2/analytics/events/query").mock(
        side_effect=[httpx.ReadError("reset"), httpx.Response(200, json={"events": []})]
    )
    assert read_events(client_for_tests(), ["e1"], ["audit:edge:updated"]) == []
    assert query.call_count == 2


def test_dropped_put_and_delete_are_retried(router):
    router.get(f"{EDGES}/e1").mock(return_value=httpx.Response(200, json=EDGE))
    put = router.put(f"{EDGES}/e1").mock(
        side_effect=[httpx.RemoteProtocolError("dropped"), httpx.Response(200, json={**EDGE, "version": 2})]
    )
    delete = router.delete(f"{EDGES}/e1").mock(side_effect=[httpx.ReadTimeout("timed out"), httpx.Response(204)])
    client = client_for_tests()
    assert EdgeApi(client).update("e1", SPEC).version == 2
    assert EdgeApi(client).delete("e1") is True
    assert put.call_count == 2 and delete.call_count == 2


def test_retry_is_logged_without_secrets(router, caplog):
    router.get(f"{EDGES}/e1").mock(side_effect=[too_many(1), httpx.Response(200, json=EDGE)])
    caplog.set_level("DEBUG", logger="genesys_api")
    EdgeApi(client_for_tests()).get("e1")
    retry_lines = [r.getMessage() for r in caplog.records if "retrying" in r.getMessage()]
    assert retry_lines == [retry_lines[0]]
    assert "GET /api/v2/telephony/providers/edges/e1" in retry_lines[0] and "429" in retry_lines[0]
