"""The shared machinery on the Platform API: scopes, 401, the rate limit, faults and the request log."""

from __future__ import annotations

import pytest
from PureCloudPlatformClientV2 import models
from PureCloudPlatformClientV2.rest import ApiException

from emulator.testing import EmulatorHandle

from .helpers import BYOC, byoc_base, model
from .sdk import Sdk, connect, problems

BASES = "/api/v2/telephony/providers/edges/trunkbasesettings"


@pytest.fixture(scope="module")
def sdk(emu: EmulatorHandle) -> Sdk:
    return connect(emu)


@pytest.fixture(scope="module")
def readonly(emu: EmulatorHandle) -> Sdk:
    return connect(emu, "genesys-trunks-readonly", "readonly-secret")


def test_readonly_scopes_read_but_cannot_write(sdk: Sdk, readonly: Sdk) -> None:
    base = sdk.telephony.post_telephony_providers_edges_trunkbasesettings(byoc_base())
    assert readonly.telephony.get_telephony_providers_edges_trunkbasesetting(base.id).id == base.id
    assert readonly.telephony.get_telephony_providers_edges_trunkbasesettings_template(BYOC).properties
    assert readonly.telephony.get_telephony_providers_edges_trunks(trunk_base_id=base.id).total == 2
    audits = readonly.audit.post_audits_query_realtime(
        model(
            models.AuditRealtimeQueryRequest,
            interval="2020-01-01T00:00:00Z/2100-01-01T00:00:00Z",
            service_name="Telephony",
        )
    )
    assert audits.total >= 1
    for call in (
        lambda: readonly.telephony.post_telephony_providers_edges_trunkbasesettings(byoc_base()),
        lambda: readonly.telephony.put_telephony_providers_edges_trunkbasesetting(base.id, base),
        lambda: readonly.telephony.delete_telephony_providers_edges_trunkbasesetting(base.id),
    ):
        with pytest.raises(ApiException) as denied:
            call()
        assert denied.value.status == 403
        body = readonly.error(denied.value)
        assert body.code == "missing.any.permissions" and "[telephony]" in body.message
    assert sdk.telephony.get_telephony_providers_edges_trunkbasesetting(base.id).state == "active"


def test_a_client_without_the_platform_scopes_is_403_naming_them(emu: EmulatorHandle) -> None:
    sdk = connect(emu, "genesys-trunks-seed-only", "seed-only-secret")
    for call, wanted in (
        (sdk.telephony.get_telephony_providers_edges_trunkbasesettings, "[telephony, telephony:readonly]"),
        (sdk.telephony.get_telephony_providers_edges_sites, "[telephony, telephony:readonly]"),
        (lambda: sdk.telephony.post_telephony_providers_edges_trunkbasesettings(byoc_base()), "[telephony]"),
        (
            lambda: sdk.audit.post_audits_query(
                model(
                    models.AuditQueryRequest,
                    interval="2020-01-01T00:00:00Z/2100-01-01T00:00:00Z",
                    service_name="Telephony",
                )
            ),
            "[audits, audits:readonly]",
        ),
    ):
        with pytest.raises(ApiException) as denied:
            call()
        assert denied.value.status == 403
        body = sdk.error(denied.value)
        assert body.code == "missing.any.permissions" and wanted in body.message, body.message
        assert "client genesys-trunks-seed-only has [" in body.message
    # the seed's API answers it as before
    assert (
        emu.api(
            "GET", "/api/v2/telephony/providers/edges", token=emu.token("genesys-trunks-seed-only", "seed-only-secret")
        ).status_code
        == 200
    )


def test_bad_token_is_401(emu: EmulatorHandle) -> None:
    reply = emu.api("GET", BASES, token="not-a-token")
    assert reply.status_code == 401 and reply.json()["code"] == "bad.credentials"


def test_rate_limit_is_429_with_retry_after(emu: EmulatorHandle) -> None:
    """Raw HTTP: the SDK's urllib3 pool honours Retry-After on a 429 by itself (it would wait out the window)."""
    token = emu.token()
    emu.settings(rate_limit_per_minute=3)
    try:
        replies = [emu.api("GET", f"{BASES}/template", params={"trunkMetabaseId": BYOC}, token=token) for _ in range(4)]
        assert [r.status_code for r in replies] == [200, 200, 200, 429]
        assert replies[2].headers["inin-ratelimit-allowed"] == "3" and replies[2].headers["inin-ratelimit-count"] == "3"
        assert 1 <= int(replies[3].headers["Retry-After"]) <= 60
        assert not problems(replies[3].json(), "ErrorBody") and replies[3].json()["code"] == "too.many.requests"
    finally:
        emu.settings(rate_limit_per_minute=1_000_000)


def test_faults_apply(sdk: Sdk, clean_faults: EmulatorHandle) -> None:
    clean_faults.set_faults(errorRate=1.0)
    with pytest.raises(ApiException) as failed:
        sdk.telephony.get_telephony_providers_edges_trunkbasesettings()
    assert failed.value.status == 503 and sdk.error(failed.value).code == "service.unavailable"


def test_request_log_records_platform_calls(sdk: Sdk, emu: EmulatorHandle) -> None:
    emu.reset_requests()
    sdk.telephony.get_telephony_providers_edges_trunkbasesettings(name="Carrier*")
    entries = [e for e in emu.requests() if e["path"] == BASES]
    assert len(entries) == 1
    entry = entries[0]
    assert entry["method"] == "GET" and entry["status"] == 200 and entry["clientId"] == "genesys-trunks-dev"
    assert "name=Carrier%2A" in entry["query"]
