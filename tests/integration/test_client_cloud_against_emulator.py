"""The cloud dialect of the client against the emulator's Platform API: both sides agree on the wire."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
from pydantic import SecretStr

from emulator.testing import EmulatorHandle, running_emulator
from genesys_api import ClientSettings, GenesysClient, OutcomeUnknownError, ValidationError
from genesys_api.cloud import (
    BYOC_CARRIER_METABASE,
    KEY_CODECS,
    KEY_PASSWORD,
    CloudTrunkApi,
    InUseError,
    NameTakenError,
    TrunkBaseSpec,
    TrunkBaseStatus,
    carrier_from_properties,
    carrier_properties,
    check_properties,
    codecs_from_wire,
    codecs_to_wire,
    credential_properties,
    credentials_from_properties,
    instances,
)

INBOUND_SITE = "5d1a7e0c-2b3f-4c5d-8e9f-0a1b2c3d4e01"
MEDIA_SITE = "5d1a7e0c-2b3f-4c5d-8e9f-0a1b2c3d4e02"
BASES = "/api/v2/telephony/providers/edges/trunkbasesettings"
PASSWORD = "carrier-pw-1234"


@pytest.fixture(scope="module")
def emulator(tmp_path_factory) -> Iterator[EmulatorHandle]:
    with running_emulator(tmp_path_factory.mktemp("emu"), registration_delay=0.2, rate_limit=100_000) as handle:
        yield handle


def cloud(emulator: EmulatorHandle) -> CloudTrunkApi:
    settings = ClientSettings(
        api_url=emulator.url,
        client_id="genesys-trunks-dev",
        client_secret=SecretStr("dev-only-secret"),
        dialect="cloud",
    )
    return CloudTrunkApi(GenesysClient(settings))


def spec(name: str, host: str = "sip.carrier.example", password: str | None = PASSWORD, **over) -> TrunkBaseSpec:
    properties = {
        **carrier_properties(host, 5060, "udp"),
        **credential_properties("acct", password, "carrier.example"),
        KEY_CODECS: codecs_to_wire(["G711u", "G729"]),
        "trunk_label": name,
    }
    return TrunkBaseSpec(name=name, inbound_site_id=INBOUND_SITE, properties=properties, **over)


def settled(api: CloudTrunkApi, base_id: str, timeout: float = 10.0) -> TrunkBaseStatus:
    deadline = time.monotonic() + timeout
    while True:
        status = api.registration(base_id)
        if status.status not in ("registering", "unknown") or time.monotonic() > deadline:
            return status
        time.sleep(0.1)


def endpoint_calls(api: CloudTrunkApi) -> dict[str, int]:
    return {k: v for k, v in api.client.stats.calls.items() if k != "POST /oauth/token"}


def test_catalog_template_and_sites(emulator):
    api = cloud(emulator)
    template = api.get_template()
    assert template.trunk_metabase is not None and template.trunk_metabase.id == BYOC_CARRIER_METABASE
    assert check_properties(template, spec("probe").properties) == []
    assert check_properties(template, {"trunk_max_dial_timeout": "3m"})[0][0] == "trunk_max_dial_timeout"
    assert BYOC_CARRIER_METABASE in {m.id for m in api.list_metabases()}
    assert api.get_site(INBOUND_SITE).media_model == "Cloud"
    assert {INBOUND_SITE, MEDIA_SITE} <= {s.id for s in api.list_sites()}
    assert api.find_site("00000000-0000-4000-8000-000000000000") is None


def test_create_read_find_update_and_delete(emulator):
    api = cloud(emulator)
    template = api.get_template()
    api.client.stats.reset()
    created = api.create_trunk_base(spec("cli-cloud-crud", site_id=MEDIA_SITE), template)
    assert endpoint_calls(api) == {f"POST {BASES}": 1}
    assert created.version == 1 and created.inbound_site is not None and created.inbound_site.id == INBOUND_SITE

    read = api.get_trunk_base(created.id)
    values = instances(read)
    assert codecs_from_wire(values[KEY_CODECS]) == ["G711u", "G729"]
    assert carrier_from_properties(values) == ("sip.carrier.example", 5060, "udp")
    assert credentials_from_properties(values) == ("acct", "carrier.example")
    assert values["trunk_maxDialTimeout"] == "2m"  # the template's default, sent on create
    assert KEY_PASSWORD not in values
    assert PASSWORD not in read.model_dump_json()

    found = api.find_trunk_base_by_name("CLI-CLOUD-CRUD")
    assert found is not None and found.id == created.id

    changed = spec("cli-cloud-crud", password=None)
    changed.properties[KEY_CODECS] = codecs_to_wire(["Opus"])
    api.client.stats.reset()
    updated = api.update_trunk_base(created.id, changed, version=1, template=template)
    assert updated.version == 2 and updated.instance(KEY_CODECS) == ["audio/opus"]
    assert endpoint_calls(api) == {f"PUT {BASES}/{{id}}": 1}
    assert settled(api, created.id).status == "registered"  # the stored password was kept

    api.client.stats.reset()
    assert api.delete_trunk_base(created.id) is True
    assert endpoint_calls(api) == {f"DELETE {BASES}/{{id}}": 1}
    assert api.delete_trunk_base(created.id) is False
    assert api.find_trunk_base(created.id) is None
    assert api.find_trunk_base_by_name("cli-cloud-crud") is None


def test_a_taken_name_says_adopt(emulator):
    api = cloud(emulator)
    first = api.create_trunk_base(spec("cli-cloud-taken"))
    with pytest.raises(NameTakenError) as info:
        api.create_trunk_base(spec("cli-cloud-taken"))
    assert info.value.existing_id == first.id and "adopt" in str(info.value)
    assert PASSWORD not in str(info.value)
    api.delete_trunk_base(first.id)


def test_invalid_values_are_the_apis_validation_error(emulator):
    api = cloud(emulator)
    bad = spec("cli-cloud-bad")
    bad.properties[KEY_CODECS] = ["audio/gsm"]
    with pytest.raises(ValidationError) as info:
        api.create_trunk_base(bad)
    assert KEY_CODECS in str(info.value) or any(KEY_CODECS in (e.field_name or "") for e in info.value.errors)
    no_site = spec("cli-cloud-nosite").model_copy(update={"inbound_site_id": None})
    with pytest.raises(ValidationError) as info:
        api.create_trunk_base(no_site)
    assert "inboundSite" in str(info.value) or any("inboundSite" in (e.field_name or "") for e in info.value.errors)


@pytest.mark.parametrize("ahead", [False, True], ids=["stale-409", "ahead-400"])
def test_version_mismatch_gets_and_puts_again(emulator, ahead):
    api = cloud(emulator)
    base = api.create_trunk_base(spec(f"cli-cloud-version-{ahead}"))
    # An out-of-band edit moves the base to version 2.
    doc = emulator.api("GET", f"{BASES}/{base.id}").json()
    emulator.api("PUT", f"{BASES}/{base.id}", json={**doc, "description": "edited elsewhere"})
    api.client.stats.reset()
    updated = api.update_trunk_base(base.id, spec(base.name), version=3 if ahead else 1)
    assert updated.version == 3 and updated.description is None
    assert endpoint_calls(api) == {f"PUT {BASES}/{{id}}": 2, f"GET {BASES}/{{id}}": 1}
    assert api.client.stats.version_conflicts == 1
    api.delete_trunk_base(base.id)


def test_registration_outcomes_from_the_trunk_instances(emulator):
    api = cloud(emulator)
    good = api.create_trunk_base(spec("cli-cloud-reg-ok"))
    unreachable = api.create_trunk_base(spec("cli-cloud-reg-host", host="sip.carrier.invalid"))
    rejected = api.create_trunk_base(spec("cli-cloud-reg-pw", password="wrong-password"))
    ok = settled(api, good.id)
    assert ok.status == "registered" and len(ok.instances) == 2 and ok.reason is None
    host = settled(api, unreachable.id)
    assert host.status == "failed" and "unreachable" in (host.reason or "")
    pw = settled(api, rejected.id)
    assert pw.status == "failed" and "rejected credentials" in (pw.reason or "")
    assert "wrong-password" not in (pw.reason or "")
    disabled_spec = spec("cli-cloud-reg-off")
    disabled_spec.properties["trunk_enabled"] = False
    disabled = api.create_trunk_base(disabled_spec)
    time.sleep(0.6)  # past the registration delay
    off = api.registration(disabled.id)
    assert off.status == "unknown" and "disabled" in (off.reason or "")
    api.client.stats.reset()
    api.registration(good.id)
    assert endpoint_calls(api) == {"GET /api/v2/telephony/providers/edges/trunks": 1}
    for base in (good, unreachable, rejected, disabled):
        api.delete_trunk_base(base.id)


def test_audit_trail_of_a_base(emulator):
    api = cloud(emulator)
    base = api.create_trunk_base(spec("cli-cloud-audit"))
    changed = spec("cli-cloud-audit", password="another-pw-5678")
    api.update_trunk_base(base.id, changed, version=base.version)
    events = api.audit_events(base.id)
    assert [e.action for e in events] == ["Create", "Update"]
    assert all(e.actor == "client genesys-trunks-dev" for e in events)
    assert all(e.entity is not None and e.entity.id == base.id for e in events)
    assert all(e.event_date is not None for e in events)
    changes = {c.property: c for c in events[1].property_changes}
    assert "another-pw-5678" not in str(changes)
    assert [e.action for e in api.audit_events(base.id, filters={"Action": "Update"})] == ["Update"]
    api.delete_trunk_base(base.id)


def test_delete_while_in_use_is_retried_then_a_clear_error(emulator):
    api = cloud(emulator)
    base = api.create_trunk_base(spec("cli-cloud-inuse"))
    emulator.api("PUT", f"/_emulator/trunkbases/{base.id}/inuse", json={"seconds": 0.6})
    api.client.stats.reset()
    assert api.delete_trunk_base(base.id, in_use_seconds=10, interval=0.25) is True
    assert endpoint_calls(api)[f"DELETE {BASES}/{{id}}"] >= 2

    held = api.create_trunk_base(spec("cli-cloud-inuse-long"))
    emulator.api("PUT", f"/_emulator/trunkbases/{held.id}/inuse", json={"seconds": 60})
    with pytest.raises(InUseError) as info:
        api.delete_trunk_base(held.id, in_use_seconds=0.5, interval=0.25)
    assert "in use" in str(info.value) and held.id in str(info.value)
    emulator.api("PUT", f"/_emulator/trunkbases/{held.id}/inuse", json={"seconds": 0})
    assert api.delete_trunk_base(held.id) is True


def test_a_create_whose_reply_was_lost_is_found_by_name(emulator):
    api = cloud(emulator)
    api.get_template()  # token first
    emulator.set_faults(drop_after_write_rate=1.0)
    try:
        with pytest.raises(OutcomeUnknownError):
            api.create_trunk_base(spec("cli-cloud-dropped"))
    finally:
        emulator.clear_faults()
    landed = api.find_trunk_base_by_name("cli-cloud-dropped")
    assert landed is not None
    assert api.client.stats.calls[f"POST {BASES}"] == 1
    api.delete_trunk_base(landed.id)
