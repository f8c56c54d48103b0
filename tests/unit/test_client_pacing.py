"""Pacing from inin-ratelimit-* headers: slow down before the 429, spread the rest of the window."""

from __future__ import annotations

import httpx
import pytest

from entities.edge.catalogue import read_edge_group
from genesys_api import Pacer
from genesys_api.testing import (
    FakeClock,
    client_for_tests,
    error_body,
    ratelimit_headers,
)

GROUPS = "/api/v2/telephony/providers/edges/edgegroups"
GROUP = {"id": "g1", "name": "Primary BYOC Group"}


def make_pacer(clock: FakeClock) -> Pacer:
    return Pacer(clock=clock, sleep=clock.sleep)


def test_no_headers_no_pacing():
    clock = FakeClock()
    pacer = make_pacer(clock)
    assert [pacer.acquire() for _ in range(50)] == [0.0] * 50
    assert pacer.remaining is None


def test_plenty_of_budget_no_pacing():
    clock = FakeClock()
    pacer = make_pacer(clock)
    pacer.observe(ratelimit_headers(100, 10, 50))
    assert [pacer.acquire() for _ in range(50)] == [0.0] * 50
    assert pacer.remaining == 40


def test_low_budget_spreads_remaining_calls_until_reset():
    clock = FakeClock()
    pacer = make_pacer(clock)
    pacer.observe(ratelimit_headers(100, 90, 30))  # 10 left for the next 30 s
    delays = [pacer.acquire() for _ in range(10)]
    assert delays[0] == 0.0
    assert all(d == pytest.approx(3.0, abs=0.01) for d in delays[1:])  # 30 s / 10 calls
    assert clock() - 1000.0 == pytest.approx(27.0, abs=0.1)  # the 10 calls span the window: no 429
    # budget spent: the next call waits for the reset, then the window is fresh again
    assert pacer.acquire() == pytest.approx(3.0, abs=0.01)
    assert pacer.acquire() == 0.0


def test_spent_budget_waits_for_reset():
    clock = FakeClock()
    pacer = make_pacer(clock)
    pacer.observe(ratelimit_headers(100, 100, 12))
    assert pacer.acquire() == pytest.approx(12.0)
    assert pacer.acquire() == 0.0


def test_new_window_resets_the_estimate():
    clock = FakeClock()
    pacer = make_pacer(clock)
    pacer.observe(ratelimit_headers(100, 95, 5))
    clock.advance(6)
    pacer.observe(ratelimit_headers(100, 1, 59))
    assert pacer.remaining == 99
    assert pacer.acquire() == 0.0


def test_in_flight_calls_count_before_the_server_reports_them():
    clock = FakeClock()
    pacer = make_pacer(clock)
    pacer.observe(ratelimit_headers(100, 70, 60))
    for _ in range(15):
        pacer.acquire()  # the last 5 are paced (the fake clock moves)
    reset = round(1060 - clock())
    pacer.observe(ratelimit_headers(100, 72, reset))  # a late reply must not give back the 15 we sent
    assert pacer.remaining == 15


def test_pause_holds_every_caller():
    clock = FakeClock()
    pacer = make_pacer(clock)
    pacer.pause(4.0)
    assert pacer.acquire() == pytest.approx(4.0)
    assert pacer.acquire() == 0.0


def test_garbage_headers_are_ignored():
    clock = FakeClock()
    pacer = make_pacer(clock)
    pacer.observe({"inin-ratelimit-allowed": "lots", "inin-ratelimit-count": "1", "inin-ratelimit-reset": "1"})
    pacer.observe({"inin-ratelimit-allowed": "100"})
    assert pacer.remaining is None and pacer.acquire() == 0.0


def test_client_slows_down_when_headers_say_budget_is_nearly_spent(router):
    clock = FakeClock()
    counts = iter(range(96, 101))
    window_end = clock() + 40

    def reply(request: httpx.Request) -> httpx.Response:
        headers = ratelimit_headers(100, next(counts), round(window_end - clock()))
        return httpx.Response(200, json=GROUP, headers=headers)

    get = router.get(f"{GROUPS}/g1").mock(side_effect=reply)
    client = client_for_tests(clock=clock)
    read_edge_group(client, "g1")  # learns: 4 left, 40 s to reset
    assert clock.sleeps == []
    for _ in range(4):
        read_edge_group(client, "g1")
    assert get.call_count == 5
    assert len(clock.sleeps) == 3 and all(s == pytest.approx(10, abs=0.5) for s in clock.sleeps)
    assert clock() <= window_end  # the last call still fits in the window: paced, never throttled
    assert client.stats.paced_seconds == pytest.approx(clock.slept)
    assert client.stats.rate_limited == 0


def test_client_does_not_pace_with_plenty_of_budget(router):
    counts = iter(range(1, 100))
    router.get(f"{GROUPS}/g1").mock(
        side_effect=lambda request: httpx.Response(200, json=GROUP, headers=ratelimit_headers(100, next(counts), 60))
    )
    clock = FakeClock()
    client = client_for_tests(clock=clock)
    for _ in range(50):
        read_edge_group(client, "g1")
    assert clock.sleeps == []


def test_429_holds_back_other_calls_for_retry_after(router):
    too_many = httpx.Response(
        429, headers={"Retry-After": "9"}, json=error_body(429, "too.many.requests", "Rate limit exceeded")
    )
    router.get(f"{GROUPS}/g1").mock(side_effect=[too_many, httpx.Response(200, json=GROUP)])
    clock = FakeClock()
    client = client_for_tests(clock=clock)
    read_edge_group(client, "g1")
    # The pacer now knows the window was exhausted until t0+9: another thread's call would wait too.
    assert client.pacer.acquire() == 0.0  # ...but the retry already waited out the Retry-After
    assert clock.slept >= 9
