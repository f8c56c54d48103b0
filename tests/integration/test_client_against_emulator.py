"""The API client against the running emulator: the two sides agree on the wire, not by shared code."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest
from pydantic import SecretStr

from emulator.testing import EmulatorHandle, running_emulator
from entities.edge.api import EdgeApi, EdgeSpec
from entities.edge.catalogue import read_sip_profile
from entities.edge_registration.events import read_events
from entities.webhook.api import WebhookApi
from entities.webhook.settings import WebhookSpec
from genesys_api import (
    ClientSettings,
    ConflictError,
    ForbiddenError,
    GenesysClient,
    NotFoundError,
    OutcomeUnknownError,
    UnauthorizedError,
    ValidationError,
)

GROUP = "3f1d2c4b-5a69-4e7f-8a1b-0c2d3e4f5a01"
PROFILE = "9b8a7c6d-1e2f-4a3b-9c4d-5e6f7a8b9c01"


@pytest.fixture(scope="module")
def emulator(tmp_path_factory) -> Iterator[EmulatorHandle]:
    with running_emulator(tmp_path_factory.mktemp("emu"), registration_delay=0.2, rate_limit=100_000) as handle:
        yield handle


def client_for(
    emulator: EmulatorHandle, client_id="genesys-trunks-dev", secret="dev-only-secret", **kw
) -> GenesysClient:
    return GenesysClient(
        ClientSettings(api_url=emulator.url, client_id=client_id, client_secret=SecretStr(secret), **kw)
    )


def spec(name: str, username: str, **over) -> EdgeSpec:
    return EdgeSpec.model_validate(
        {
            "name": name,
            "edgeGroupId": GROUP,
            "sipProfileId": PROFILE,
            "maxConcurrentSessions": 10,
            "codecs": ["G711u"],
            "registration": {"host": "sip.example.com", "username": username, "password": "carrier-pw-1234"},
            **over,
        }
    )


def test_crud_paging_and_one_token_for_many_calls(emulator):
    client = client_for(emulator)
    created = [EdgeApi(client).create(spec(f"cli-page-{i}", f"cli-page-{i}")) for i in range(7)]
    assert created[0].version == 1 and created[0].group_id == GROUP
    client.page_size = 3  # three pages
    names = {e.name for e in EdgeApi(client).list(edge_group_id=GROUP)}
    assert {f"cli-page-{i}" for i in range(7)} <= names
    updated = EdgeApi(client).update(created[0].id, spec("cli-page-0-renamed", "cli-page-0"))
    assert updated.version == 2 and updated.name == "cli-page-0-renamed"
    assert read_sip_profile(client, PROFILE).codecs == ["G711u", "G711a", "G729"]
    for edge in created:
        assert EdgeApi(client).delete(edge.id) is True
    assert EdgeApi(client).delete(created[0].id) is False
    with pytest.raises(NotFoundError):
        EdgeApi(client).get(created[0].id)
    assert client.stats.token_fetches == 1


def test_conflicts_stale_versions_and_validation(emulator):
    client = client_for(emulator)
    edge = EdgeApi(client).create(spec("cli-conflict", "cli-conflict"))
    with pytest.raises(ConflictError):
        EdgeApi(client).create(spec("cli-conflict-2", "cli-conflict"))
    found = EdgeApi(client).find_by_registration(GROUP, "SIP.example.com", "cli-conflict")
    assert found is not None and found.id == edge.id
    # Someone else changed it since our version 1: the client re-reads and retries.
    emulator.api(
        "PUT",
        f"/api/v2/telephony/providers/edges/{edge.id}",
        json={**emulator.api("GET", f"/api/v2/telephony/providers/edges/{edge.id}").json(), "name": "x"},
    )
    updated = EdgeApi(client).update(edge.id, spec("cli-conflict", "cli-conflict"), version=1)
    assert updated.version == 3 and client.stats.version_conflicts == 1
    with pytest.raises(ValidationError) as info:
        EdgeApi(client).update(
            edge.id, spec("cli-conflict", "cli-conflict", edgeGroupId="3f1d2c4b-5a69-4e7f-8a1b-0c2d3e4f5a02")
        )
    assert "edgeGroupId" in str(info.value)
    EdgeApi(client).delete(edge.id)


def test_a_post_dropped_after_it_landed_is_outcome_unknown_and_findable(emulator):
    client = client_for(emulator)
    read_sip_profile(client, PROFILE)  # token first: the fault is on /api/v2 only anyway
    emulator.set_faults(drop_after_write_rate=1.0)
    try:
        with pytest.raises(OutcomeUnknownError):
            EdgeApi(client).create(spec("cli-dropped", "cli-dropped"))
    finally:
        emulator.clear_faults()
    landed = EdgeApi(client).find_by_registration(GROUP, "sip.example.com", "cli-dropped")
    assert landed is not None and landed.name == "cli-dropped"
    assert client.stats.calls["POST /api/v2/telephony/providers/edges"] == 1
    EdgeApi(client).delete(landed.id)


def test_events_and_webhooks(emulator):
    client = client_for(emulator)
    edge = EdgeApi(client).create(spec("cli-events", "cli-events"))
    hook = WebhookApi(client).create(
        WebhookSpec(
            name="cli hook",
            event_type=["telephony:edge:status:changed"],
            filter_criteria=f"resourceIds:[{edge.id}]",
            target_uri="http://127.0.0.1:9/x",
        )
    )
    assert WebhookApi(client).get(hook.id).filter_criteria == f"resourceIds:[{edge.id}]"
    events = read_events(client, [edge.id], ["audit:edge:created"])
    assert [e.event_type for e in events] == ["audit:edge:created"]
    assert events[0].actor is not None and events[0].actor.client_id == "genesys-trunks-dev"
    assert WebhookApi(client).delete(hook.id) and EdgeApi(client).delete(edge.id)


def test_wrong_credentials_and_missing_scopes_fail_fast(emulator):
    emulator.reset_requests()
    with pytest.raises(UnauthorizedError) as info:
        read_sip_profile(client_for(emulator, secret="not-the-secret"), PROFILE)
    assert "not-the-secret" not in str(info.value)
    assert len([r for r in emulator.requests() if r["path"] == "/oauth/token"]) == 1
    readonly = client_for(emulator, client_id="genesys-trunks-readonly", secret="readonly-secret")
    with pytest.raises(ForbiddenError) as forbidden:
        EdgeApi(readonly).create(spec("cli-readonly", "cli-readonly"))
    assert "telephony:edge:write" in str(forbidden.value)


def test_threads_share_one_token_under_a_rate_limit(tmp_path):
    with running_emulator(tmp_path, rate_limit=40) as emulator:
        client = client_for(emulator)
        errors: list[Exception] = []

        def work() -> None:
            try:
                for _ in range(8):
                    read_sip_profile(client, PROFILE)
            except Exception as exc:  # noqa: BLE001 - collected and asserted below
                errors.append(exc)

        threads = [threading.Thread(target=work) for _ in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert errors == []
        assert client.stats.token_fetches == 1
        statuses = [r["status"] for r in emulator.requests() if r["path"].startswith("/api/v2")]
        assert statuses == [200] * 32
