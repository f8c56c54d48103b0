"""OAuth: Basic client credentials, one token per process, renewal ahead of expiry, one re-fetch on 401."""

from __future__ import annotations

import base64
import threading
import time
from urllib.parse import parse_qs

import httpx
import pytest
import respx

from entities.edge.catalogue import all_sip_profiles, read_sip_profile
from entities.webhook.api import WebhookApi
from genesys_api import RateLimitedError, UnauthorizedError
from genesys_api.testing import (
    TEST_BASE_URL,
    TEST_CLIENT_ID,
    TEST_CLIENT_SECRET,
    FakeClock,
    client_for_tests,
    error_body,
    settings_for,
    token_reply,
)

PROFILES = "/api/v2/telephony/providers/sipprofiles"
PROFILE = {"id": "p1", "name": "Carrier Standard", "codecs": ["G711u"]}


def page(entities: list[dict]) -> dict:
    return {"entities": entities, "pageSize": 100, "pageNumber": 1, "total": len(entities), "pageCount": 1}


@pytest.fixture
def router():
    with respx.mock(base_url=TEST_BASE_URL, assert_all_called=False) as r:
        yield r


def test_token_request_uses_basic_auth_and_client_credentials(router):
    token = router.post("/oauth/token").mock(return_value=httpx.Response(200, json=token_reply("tok-A")))
    api = router.get(f"{PROFILES}/p1").mock(return_value=httpx.Response(200, json=PROFILE))
    client = client_for_tests()

    assert read_sip_profile(client, "p1").name == "Carrier Standard"

    request = token.calls.last.request
    expected = base64.b64encode(f"{TEST_CLIENT_ID}:{TEST_CLIENT_SECRET}".encode()).decode()
    assert request.headers["Authorization"] == f"Basic {expected}"
    assert parse_qs(request.content.decode()) == {"grant_type": ["client_credentials"]}
    assert api.calls.last.request.headers["Authorization"] == "Bearer tok-A"


def test_login_host_serves_the_token_for_a_region():
    settings = settings_for(api_url="https://api.mypurecloud.ie", login_url="https://login.mypurecloud.ie")
    with respx.mock(assert_all_called=True) as r:
        r.post("https://login.mypurecloud.ie/oauth/token").mock(return_value=httpx.Response(200, json=token_reply()))
        r.get(f"https://api.mypurecloud.ie{PROFILES}/p1").mock(return_value=httpx.Response(200, json=PROFILE))
        read_sip_profile(client_for_tests(settings), "p1")


def test_one_token_for_many_calls(router):
    token = router.post("/oauth/token").mock(return_value=httpx.Response(200, json=token_reply()))
    router.get(f"{PROFILES}/p1").mock(return_value=httpx.Response(200, json=PROFILE))
    client = client_for_tests()
    for _ in range(20):
        read_sip_profile(client, "p1")
    assert token.call_count == 1
    assert client.stats.token_fetches == 1


def test_token_shared_across_8_threads_exactly_one_fetch(router):
    started = threading.Barrier(8)

    def slow_token(request: httpx.Request) -> httpx.Response:
        time.sleep(0.05)  # keep the fetch in flight while the other threads arrive
        return httpx.Response(200, json=token_reply())

    token = router.post("/oauth/token").mock(side_effect=slow_token)
    router.get(f"{PROFILES}/p1").mock(return_value=httpx.Response(200, json=PROFILE))
    client = client_for_tests()
    errors: list[BaseException] = []

    def worker() -> None:
        try:
            started.wait()
            for _ in range(5):
                read_sip_profile(client, "p1")
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(5)
    assert not errors
    assert token.call_count == 1
    assert client.stats.calls[f"GET {PROFILES}/{{id}}"] == 40


def test_token_renewed_ahead_of_expiry(router):
    token = router.post("/oauth/token").mock(
        side_effect=[
            httpx.Response(200, json=token_reply("tok-1", expires_in=3600)),
            httpx.Response(200, json=token_reply("tok-2", expires_in=3600)),
        ]
    )
    api = router.get(f"{PROFILES}/p1").mock(return_value=httpx.Response(200, json=PROFILE))
    clock = FakeClock()
    client = client_for_tests(clock=clock)

    read_sip_profile(client, "p1")
    clock.advance(3600 - 61)  # still more than 60 s left: keep it
    read_sip_profile(client, "p1")
    assert token.call_count == 1
    clock.advance(2)  # within 60 s of expiry: renew before the API would refuse it
    read_sip_profile(client, "p1")
    assert token.call_count == 2
    assert api.calls.last.request.headers["Authorization"] == "Bearer tok-2"


def test_short_lived_token_renewed_at_ten_percent(router):
    token = router.post("/oauth/token").mock(return_value=httpx.Response(200, json=token_reply(expires_in=10)))
    router.get(f"{PROFILES}/p1").mock(return_value=httpx.Response(200, json=PROFILE))
    clock = FakeClock()
    client = client_for_tests(clock=clock)
    read_sip_profile(client, "p1")
    clock.advance(8.9)
    read_sip_profile(client, "p1")
    assert token.call_count == 1
    clock.advance(0.2)  # past 90% of the lifetime
    read_sip_profile(client, "p1")
    assert token.call_count == 2


def test_401_mid_run_refetches_once_then_succeeds(router):
    token = router.post("/oauth/token").mock(
        side_effect=[
            httpx.Response(200, json=token_reply("old")),
            httpx.Response(200, json=token_reply("new")),
        ]
    )
    expired = httpx.Response(401, json=error_body(401, "bad.credentials", "Invalid login credentials."))
    api = router.get(f"{PROFILES}/p1").mock(
        side_effect=[
            httpx.Response(200, json=PROFILE),
            expired,
            httpx.Response(200, json=PROFILE),
            httpx.Response(200, json=PROFILE),
        ]
    )
    client = client_for_tests()
    read_sip_profile(client, "p1")
    read_sip_profile(client, "p1")  # 401, fresh token, same request again
    read_sip_profile(client, "p1")
    assert token.call_count == 2
    bearer = [c.request.headers["Authorization"] for c in api.calls]
    assert bearer == ["Bearer old", "Bearer old", "Bearer new", "Bearer new"]
    assert client.stats.reauthentications == 1
    assert client.stats.retries == 0
    assert client.stats.calls[f"GET {PROFILES}/{{id}}"] == 4  # the repeat is counted (and paced) as a send
    assert client.stats.statuses[401] == 1


def test_401_on_post_refetches_and_posts_again(router):
    """A 401 is answered before any work, so even a create is safely repeated once."""
    router.post("/oauth/token").mock(
        side_effect=[
            httpx.Response(200, json=token_reply("old")),
            httpx.Response(200, json=token_reply("new")),
        ]
    )
    hook = {"id": "w1", "name": "n", "version": 1}
    post = router.post("/api/v2/webhooks").mock(
        side_effect=[
            httpx.Response(401, json=error_body(401, "bad.credentials", "expired")),
            httpx.Response(201, json=hook),
        ]
    )
    from entities.webhook import WebhookSpec

    spec = WebhookSpec(name="n", event_type=["audit:edge:created"], target_uri="https://example.com/h")
    assert WebhookApi(client_for_tests()).create(spec).id == "w1"
    assert post.call_count == 2


def test_persistent_401_is_unauthorized_after_one_refetch(router):
    token = router.post("/oauth/token").mock(return_value=httpx.Response(200, json=token_reply()))
    api = router.get(f"{PROFILES}/p1").mock(
        return_value=httpx.Response(401, json=error_body(401, "bad.credentials", "Invalid login credentials."))
    )
    with pytest.raises(UnauthorizedError) as info:
        read_sip_profile(client_for_tests(), "p1")
    assert info.value.status == 401 and info.value.code == "bad.credentials"
    assert token.call_count == 2 and api.call_count == 2


def test_token_rate_limit_400_is_retried_with_backoff(router):
    throttled = httpx.Response(
        400, json={"error": "invalid_request", "description": "Token request rate limit exceeded for client"}
    )
    token = router.post("/oauth/token").mock(
        side_effect=[throttled, throttled, httpx.Response(200, json=token_reply())]
    )
    router.get(f"{PROFILES}/p1").mock(return_value=httpx.Response(200, json=PROFILE))
    clock = FakeClock()
    client = client_for_tests(clock=clock)
    read_sip_profile(client, "p1")
    assert token.call_count == 3
    assert len(clock.sleeps) == 2 and all(s > 0 for s in clock.sleeps)
    assert clock.sleeps[1] > 0.5  # grows


def test_token_rate_limit_gives_up_within_attempts(router):
    throttled = httpx.Response(400, json={"error": "invalid_request", "description": "rate limit exceeded"})
    token = router.post("/oauth/token").mock(return_value=throttled)
    client = client_for_tests(settings_for(max_retries=2))
    with pytest.raises(RateLimitedError):
        read_sip_profile(client, "p1")
    assert token.call_count == 3


def test_invalid_client_is_an_immediate_clear_error(router):
    token = router.post("/oauth/token").mock(
        return_value=httpx.Response(401, json={"error": "invalid_client", "description": "Invalid client"})
    )
    api = router.get(f"{PROFILES}/p1").mock(return_value=httpx.Response(200, json=PROFILE))
    clock = FakeClock()
    with pytest.raises(UnauthorizedError) as info:
        read_sip_profile(client_for_tests(clock=clock), "p1")
    text = str(info.value)
    assert "genesys:clientSecret" in text and "invalid_client" in text
    assert TEST_CLIENT_SECRET not in text
    assert token.call_count == 1 and api.call_count == 0
    assert clock.sleeps == []


def test_invalid_client_with_8_threads_is_no_retry_storm(router):
    def slow_reject(request: httpx.Request) -> httpx.Response:
        time.sleep(0.05)
        return httpx.Response(401, json={"error": "invalid_client", "description": "Invalid client"})

    token = router.post("/oauth/token").mock(side_effect=slow_reject)
    client = client_for_tests()
    barrier = threading.Barrier(8)
    failures: list[BaseException] = []

    def worker() -> None:
        barrier.wait()
        try:
            read_sip_profile(client, "p1")
        except UnauthorizedError as exc:
            failures.append(exc)

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(5)
    assert len(failures) == 8
    assert token.call_count == 1  # the waiters share the one fetch's verdict


def test_token_endpoint_drop_is_retried(router):
    token = router.post("/oauth/token").mock(
        side_effect=[httpx.ConnectError("refused"), httpx.Response(200, json=token_reply())]
    )
    router.get(f"{PROFILES}").mock(return_value=httpx.Response(200, json=page([PROFILE])))
    assert [p.id for p in all_sip_profiles(client_for_tests())] == ["p1"]
    assert token.call_count == 2
