"""OAuth: both credential styles, failures, token expiry and scopes, over real HTTP."""

from __future__ import annotations

import time
import uuid

import httpx
import pytest

from emulator.testing import EmulatorHandle

from .helpers import EDGES, EVENTS, WEBHOOKS, edge_body

TOKEN = "/oauth/token"


def test_token_with_basic_header(emu: EmulatorHandle) -> None:
    reply = emu.http.post(
        TOKEN, data={"grant_type": "client_credentials"}, auth=("genesys-trunks-dev", "dev-only-secret")
    )
    assert reply.status_code == 200
    body = reply.json()
    assert body["token_type"] == "bearer"
    assert body["expires_in"] == 86400
    assert len(body["access_token"]) > 20
    assert emu.api("GET", EDGES, token=body["access_token"]).status_code == 200


def test_token_with_form_credentials_seed_style(emu: EmulatorHandle) -> None:
    reply = emu.http.post(
        TOKEN,
        data={
            "grant_type": "client_credentials",
            "client_id": "genesys-trunks-dev",
            "client_secret": "dev-only-secret",
        },
    )
    assert reply.status_code == 200
    assert emu.api("GET", EDGES, token=reply.json()["access_token"]).status_code == 200


@pytest.mark.parametrize(
    "client_id,secret",
    [
        ("genesys-trunks-dev", "not-the-secret-42"),
        ("no-such-client", "dev-only-secret"),
    ],
)
def test_bad_credentials_are_401_invalid_client(emu: EmulatorHandle, client_id: str, secret: str) -> None:
    reply = emu.http.post(TOKEN, data={"grant_type": "client_credentials"}, auth=(client_id, secret))
    assert reply.status_code == 401
    assert reply.json()["error"] == "invalid_client"
    assert secret not in reply.text


def test_missing_credentials_are_401(emu: EmulatorHandle) -> None:
    reply = emu.http.post(TOKEN, data={"grant_type": "client_credentials"})
    assert reply.status_code == 401
    assert reply.json()["error"] == "invalid_client"


@pytest.mark.parametrize("grant", ["password", "authorization_code", None])
def test_bad_grant_is_400_unsupported_grant_type(emu: EmulatorHandle, grant: str | None) -> None:
    data = {"grant_type": grant} if grant else {}
    reply = emu.http.post(TOKEN, data=data, auth=("genesys-trunks-dev", "dev-only-secret"))
    assert reply.status_code == 400
    assert reply.json()["error"] == "unsupported_grant_type"


def test_missing_token_is_401_authentication_required(emu: EmulatorHandle) -> None:
    reply = emu.http.get(EDGES)
    assert reply.status_code == 401
    body = reply.json()
    assert body["code"] == "authentication.required"
    assert body["status"] == 401
    assert body["details"] == [] and body["errors"] == []
    uuid.UUID(body["contextId"])


def test_unknown_token_is_401_bad_credentials(emu: EmulatorHandle) -> None:
    reply = emu.http.get(EDGES, headers={"Authorization": "Bearer not-a-token"})
    assert reply.status_code == 401
    assert reply.json()["code"] == "bad.credentials"


def test_forced_expiry_makes_tokens_401(emu: EmulatorHandle) -> None:
    token = emu.token()
    assert emu.api("GET", EDGES, token=token).status_code == 200
    assert emu.expire_tokens() >= 1
    reply = emu.api("GET", EDGES, token=token)
    assert reply.status_code == 401
    assert reply.json()["code"] == "bad.credentials"
    assert emu.api("GET", EDGES, token=emu.token()).status_code == 200


def test_token_lifetime_is_configurable(emu: EmulatorHandle) -> None:
    emu.settings(token_lifetime_seconds=1)
    try:
        reply = emu.http.post(
            TOKEN, data={"grant_type": "client_credentials"}, auth=("genesys-trunks-dev", "dev-only-secret")
        )
        assert reply.json()["expires_in"] == 1
        token = reply.json()["access_token"]
        assert emu.api("GET", EDGES, token=token).status_code == 200
        time.sleep(1.1)
        assert emu.api("GET", EDGES, token=token).status_code == 401
    finally:
        emu.settings(token_lifetime_seconds=86400)


def test_readonly_client_reads_but_cannot_write(emu: EmulatorHandle) -> None:
    token = emu.token("genesys-trunks-readonly", "readonly-secret")
    assert emu.api("GET", EDGES, token=token).status_code == 200
    assert emu.api("GET", f"{EDGES}/edgegroups", token=token).status_code == 200
    assert emu.api("GET", "/api/v2/telephony/providers/sipprofiles", token=token).status_code == 200
    for method, path, body, scope in [
        ("POST", EDGES, edge_body(), "telephony:edge:write"),
        ("DELETE", f"{EDGES}/{uuid.uuid4()}", None, "telephony:edge:write"),
        ("GET", WEBHOOKS, None, "webhook:write"),
        ("POST", EVENTS, {"type": "events", "filter": ""}, "analytics:events:query"),
    ]:
        reply = emu.api(method, path, json=body, token=token)
        assert reply.status_code == 403, (method, path)
        assert reply.json()["code"] == "missing.any.permissions"
        assert scope in reply.json()["message"]


def test_token_endpoint_throttle_is_400_invalid_request(emu: EmulatorHandle) -> None:
    emu.settings(token_rate_limit_per_minute=2)
    try:
        statuses = []
        for _ in range(3):
            reply = emu.http.post(
                TOKEN, data={"grant_type": "client_credentials"}, auth=("genesys-trunks-dev", "dev-only-secret")
            )
            statuses.append(reply.status_code)
        assert statuses == [200, 200, 400]
        assert reply.json()["error"] == "invalid_request"
        assert "rate limit" in reply.json()["description"].lower()
    finally:
        emu.settings(token_rate_limit_per_minute=1_000_000)


def test_malformed_authorization_header(emu: EmulatorHandle) -> None:
    reply = emu.http.get(EDGES, headers={"Authorization": "Basic Zm9vOmJhcg=="})
    assert reply.status_code == 401
    assert reply.json()["code"] == "authentication.required"
    with httpx.Client(base_url=emu.url) as client:
        assert (
            client.post(
                TOKEN, data={"grant_type": "client_credentials"}, headers={"Authorization": "Basic !!!"}
            ).status_code
            == 401
        )


def test_token_max_uses_refuses_a_token_after_that_many_calls(emu: EmulatorHandle) -> None:
    emu.settings(token_max_uses=2)
    try:
        token = emu.token()
        assert [emu.api("GET", EDGES, token=token).status_code for _ in range(3)] == [200, 200, 401]
        assert emu.api("GET", EDGES, token=emu.token()).status_code == 200
    finally:
        emu.settings(token_max_uses=0)
    token = emu.token()
    assert {emu.api("GET", EDGES, token=token).status_code for _ in range(4)} == {200}
