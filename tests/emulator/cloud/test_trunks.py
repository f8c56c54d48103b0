"""Trunk instances the platform creates per base, their status from the simulated carrier, and metrics."""

from __future__ import annotations

from typing import Any

import pytest
from PureCloudPlatformClientV2 import models
from PureCloudPlatformClientV2.rest import ApiException

from emulator.testing import EmulatorHandle

from .helpers import PASSWORD_KEY, PROXIES, USERNAME, byoc_base, instances, until
from .sdk import Sdk, connect


@pytest.fixture(scope="module")
def sdk(emu: EmulatorHandle) -> Sdk:
    return connect(emu)


def _instances(sdk: Sdk, base_id: str) -> list[models.Trunk]:
    listing = sdk.telephony.get_telephony_providers_edges_trunks(trunk_base_id=base_id)
    sdk.check("TrunkEntityListing")
    assert isinstance(listing, models.TrunkEntityListing)
    return list(listing.entities)


def _settled(sdk: Sdk, base_id: str) -> list[models.Trunk]:
    """The instances once none is still registering (connected, or failed with an error)."""

    def check() -> list[models.Trunk] | None:
        trunks = _instances(sdk, base_id)
        done = all(
            t.connected_status.connected or any(o.error_info for o in [*t.options_status, *t.registers_status])
            for t in trunks
        )
        return trunks if done else None

    return until(check, f"the instances of {base_id} to settle")


def _errors(trunk: models.Trunk) -> set[str]:
    return {s.error_info.text for s in [*trunk.options_status, *trunk.registers_status] if s.error_info}


def test_each_base_gets_instances_that_register(sdk: Sdk) -> None:
    proxies: dict[str, Any] = {PROXIES: ["sip.carrier.example.com", "sip2.carrier.example.com:5061"]}
    base = sdk.telephony.post_telephony_providers_edges_trunkbasesettings(byoc_base(**proxies))
    fresh = _instances(sdk, base.id)
    assert len(fresh) == 2 and len({t.edge.id for t in fresh}) == 2
    for trunk in fresh:
        assert trunk.trunk_base.id == base.id and trunk.trunk_base.name == base.name
        assert trunk.trunk_metabase.id == base.trunk_metabase.id and trunk.trunk_type == "EXTERNAL"
        assert trunk.state == "active" and trunk.enabled is True
        assert trunk.connected_status.connected is False and trunk.in_service is False  # registering
        assert not _errors(trunk)
    settled = _settled(sdk, base.id)
    for trunk in settled:
        assert trunk.connected_status.connected is True and trunk.in_service is True
        assert trunk.proxy_address_list == ["sip.carrier.example.com", "sip2.carrier.example.com:5061"]
        assert [o.proxy_address for o in trunk.options_status] == trunk.proxy_address_list
        assert all(o.option_state for o in trunk.options_status)
        assert trunk.registers_enabled_status == "ENABLED" and all(r.register_state for r in trunk.registers_status)
        assert trunk.options_enabled_status == "ENABLED"
        assert trunk.connected_status.connected_state_time is not None

    one = sdk.telephony.get_telephony_providers_edges_trunk(settled[0].id)
    sdk.check("Trunk")
    assert one.id == settled[0].id and one.self_uri.endswith(one.id) and one.in_service is True


def test_unreachable_host_fails_with_error_info(sdk: Sdk) -> None:
    unreachable: dict[str, Any] = {PROXIES: ["carrier.invalid"]}
    base = sdk.telephony.post_telephony_providers_edges_trunkbasesettings(byoc_base(**unreachable))
    for trunk in _settled(sdk, base.id):
        assert trunk.connected_status.connected is False and trunk.in_service is False
        assert trunk.options_status[0].option_state is False
        info = trunk.options_status[0].error_info
        assert info.text == "carrier host unreachable" and info.details.hostname == "carrier.invalid"


def test_rejected_password_fails_then_a_fix_registers(sdk: Sdk) -> None:
    base = sdk.telephony.post_telephony_providers_edges_trunkbasesettings(byoc_base(**{PASSWORD_KEY: "wrong-password"}))
    failed = _settled(sdk, base.id)
    assert all(_errors(t) == {"carrier rejected credentials"} for t in failed)
    assert all(t.options_status[0].option_state is True for t in failed)  # reachable, but refused
    assert all(t.registers_status[0].register_state is False for t in failed)

    # a PUT replaces the whole base: one without the password clears it, and the carrier refuses the username
    base.properties = instances({PROXIES: ["sip.carrier.example.com"], USERNAME: "acct-2"})
    base = sdk.telephony.put_telephony_providers_edges_trunkbasesetting(base.id, base)
    assert all(not t.connected_status.connected for t in _instances(sdk, base.id))
    assert all(_errors(t) == {"carrier rejected credentials: no password"} for t in _settled(sdk, base.id))

    base.properties = instances({PROXIES: ["sip.carrier.example.com"], USERNAME: "acct-2", PASSWORD_KEY: "short"})
    base = sdk.telephony.put_telephony_providers_edges_trunkbasesetting(base.id, base)
    assert all(_errors(t) == {"carrier rejected credentials"} for t in _settled(sdk, base.id))

    base.properties = instances({PROXIES: ["sip.carrier.example.com"], PASSWORD_KEY: "a-good-long-password"})
    sdk.telephony.put_telephony_providers_edges_trunkbasesetting(base.id, base)
    fixed = _settled(sdk, base.id)
    assert all(t.in_service and not _errors(t) for t in fixed)
    # the username left out went back to the template's default; the password alone still registers
    assert all(t.registers_enabled_status == "ENABLED" and t.registers_status[0].register_state for t in fixed)


def test_disabled_base_is_not_in_service(sdk: Sdk) -> None:
    disabled: dict[str, Any] = {"trunk_enabled": False, USERNAME: None, PASSWORD_KEY: None}
    base = sdk.telephony.post_telephony_providers_edges_trunkbasesettings(byoc_base(**disabled))

    def connected() -> list[models.Trunk] | None:
        trunks = _instances(sdk, base.id)
        return trunks if all(t.connected_status.connected for t in trunks) else None

    for trunk in until(connected, "the disabled base's instances to connect"):
        assert trunk.enabled is False and trunk.in_service is False
        assert trunk.registers_enabled_status == "DISABLED" and trunk.registers_status == []


def test_list_filters_and_deleted_instances(sdk: Sdk) -> None:
    base = sdk.telephony.post_telephony_providers_edges_trunkbasesettings(byoc_base())
    trunks = _instances(sdk, base.id)
    edge_id = trunks[0].edge.id
    on_edge = sdk.telephony.get_telephony_providers_edges_trunks(trunk_base_id=base.id, edge_id=edge_id)
    assert [t.id for t in on_edge.entities] == [trunks[0].id]
    phone = sdk.telephony.get_telephony_providers_edges_trunks(trunk_base_id=base.id, trunk_type="PHONE")
    assert phone.total == 0
    paged = sdk.telephony.get_telephony_providers_edges_trunks(page_size=1, page_number=1)
    assert len(paged.entities) == 1 and paged.total >= 2 and paged.next_uri is not None
    sdk.telephony.delete_telephony_providers_edges_trunkbasesetting(base.id)
    assert {t.state for t in _instances(sdk, base.id)} == {"deleted"}


def test_metrics(sdk: Sdk) -> None:
    base = sdk.telephony.post_telephony_providers_edges_trunkbasesettings(byoc_base())
    trunks = _instances(sdk, base.id)
    metrics = sdk.telephony.get_telephony_providers_edges_trunk_metrics(trunks[0].id)
    sdk.check("TrunkMetrics")
    assert isinstance(metrics, models.TrunkMetrics)
    assert metrics.trunk.id == trunks[0].id and metrics.event_time is not None
    assert metrics.calls.inbound_call_count == 0 and metrics.calls.outbound_call_count == 0
    assert metrics.qos.mismatch_count == 0
    both = sdk.telephony.get_telephony_providers_edges_trunks_metrics(",".join(t.id for t in trunks))
    sdk.check("list[TrunkMetrics]")
    assert [m.trunk.id for m in both] == [t.id for t in trunks]


@pytest.mark.parametrize(
    "call",
    [
        lambda sdk: sdk.telephony.get_telephony_providers_edges_trunk("no-such-trunk"),
        lambda sdk: sdk.telephony.get_telephony_providers_edges_trunk_metrics("no-such-trunk"),
        lambda sdk: sdk.telephony.get_telephony_providers_edges_trunks_metrics("no-such-trunk"),
    ],
)
def test_unknown_trunk_is_404(sdk: Sdk, call: Any) -> None:
    with pytest.raises(ApiException) as missing:
        call(sdk)
    assert missing.value.status == 404
    body = sdk.error(missing.value)
    assert body.code == "not.found" and "no-such-trunk" in body.message
