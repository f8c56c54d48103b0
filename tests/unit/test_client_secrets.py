"""Secrets (client secret, bearer token, trunk password) never reach a log line, an error or a repr."""

from __future__ import annotations

import logging

import httpx
import pytest
import respx

from entities.edge import api as edge_api
from entities.edge.api import EdgeApi, EdgeSpec
from genesys_api import GenesysApiError, OutcomeUnknownError, UnauthorizedError, ValidationError
from genesys_api.testing import (
    TEST_BASE_URL,
    TEST_CLIENT_SECRET,
    client_for_tests,
    error_body,
    token_reply,
)

EDGES = "/api/v2/telephony/providers/edges"
TOKEN = "bearer-token-value-6a1f"
PASSWORD = "trunk-password-77c3e1"
SECRETS = (TEST_CLIENT_SECRET, TOKEN, PASSWORD, "Basic ", "Bearer ")
SPEC = EdgeSpec.model_validate(
    {
        "name": "trunk-a",
        "edgeGroupId": "g1",
        "sipProfileId": "p1",
        "maxConcurrentSessions": 10,
        "codecs": ["G711u"],
        "registration": {"host": "sip.example.com", "username": "u1", "password": PASSWORD},
    }
)


def assert_clean(text: str) -> None:
    for secret in SECRETS:
        assert secret not in text, f"{secret!r} leaked"


def test_password_hidden_in_spec_repr_and_dumps():
    assert_clean(repr(SPEC))
    assert_clean(str(SPEC.model_dump()))
    assert_clean(SPEC.model_dump_json())
    call = edge_api.create_edge(SPEC)
    assert call.body["registration"]["password"] == PASSWORD  # on the wire, and only there
    assert_clean(repr(call))


def test_whole_flow_logs_and_errors_stay_clean(caplog):
    caplog.set_level(logging.DEBUG)  # every logger, httpx's and httpcore's included
    raised: list[GenesysApiError] = []
    with respx.mock(base_url=TEST_BASE_URL, assert_all_called=False) as router:
        router.post("/oauth/token").mock(
            side_effect=[
                httpx.Response(400, json={"error": "invalid_request", "description": "rate limit exceeded"}),
                httpx.Response(200, json=token_reply(TOKEN)),
                httpx.Response(200, json=token_reply(TOKEN + "-2")),
                httpx.Response(200, json=token_reply(TOKEN + "-3")),
            ]
        )
        router.post(EDGES).mock(
            side_effect=[
                httpx.Response(401, json=error_body(401, "bad.credentials", "expired")),
                httpx.Response(
                    400,
                    json=error_body(
                        400,
                        "bad.request",
                        "registration.host: not resolvable",
                        errors=[{"message": "registration.host: not resolvable", "fieldName": "registration.host"}],
                    ),
                ),
                httpx.ReadTimeout("timed out"),
            ]
        )
        router.get(f"{EDGES}/e1").mock(
            side_effect=[
                httpx.Response(429, headers={"Retry-After": "1"}, json=error_body(429, "too.many.requests", "slow")),
                httpx.Response(401, json=error_body(401, "bad.credentials", "nope")),
                httpx.Response(401, json=error_body(401, "bad.credentials", "nope")),
            ]
        )
        client = client_for_tests()
        for action in (
            lambda: EdgeApi(client).create(SPEC),
            lambda: EdgeApi(client).create(SPEC),
            lambda: EdgeApi(client).get("e1"),
        ):
            with pytest.raises(GenesysApiError) as info:
                action()
            raised.append(info.value)
    assert [type(e) for e in raised] == [ValidationError, OutcomeUnknownError, UnauthorizedError]
    for err in raised:
        assert_clean(str(err))
        assert_clean(repr(err))
        assert_clean(repr(vars(err)))
    assert caplog.records, "expected some logging"
    for record in caplog.records:
        assert_clean(record.getMessage())
    assert_clean(caplog.text)
    ours = [r for r in caplog.records if r.name == "genesys_api"]
    assert any("POST /api/v2/telephony/providers/edges" in r.getMessage() for r in ours)
    assert any("retrying" in r.getMessage() for r in ours)


def test_invalid_client_error_names_the_keys_not_the_secret():
    with respx.mock(base_url=TEST_BASE_URL) as router:
        router.post("/oauth/token").mock(
            return_value=httpx.Response(401, json={"error": "invalid_client", "description": "Bad client"})
        )
        with pytest.raises(UnauthorizedError) as info:
            EdgeApi(client_for_tests()).get("e1")
    assert_clean(str(info.value))
    assert "genesys:clientId" in str(info.value)
