"""The cloud dialect of the client against the emulator's Platform API: both sides agree on the wire."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
from pydantic import SecretStr

from emulator.testing import EmulatorHandle, running_emulator
from entities.site import SiteApi
from entities.trunk_base import (
    BYOC_CARRIER_METABASE,
    KEY_CODECS,
    KEY_PASSWORD,
    InUseError,
    NameTakenError,
    TrunkBaseApi,
    TrunkBaseSpec,
    carrier_from_properties,
    carrier_properties,
    check_properties,
    codecs_from_wire,
    codecs_to_wire,
    credential_properties,
    credentials_from_properties,
    instances,
)
from entities.trunk_base_registration import TrunkInstancesApi, roll_up
from entities.trunk_base_registration.api import AUDITS_REALTIME
from entities.trunk_base_registration.audits import newest_events
from entities.trunk_base_registration.status import TrunkBaseStatus
from genesys_api import ClientSettings, GenesysClient, OutcomeUnknownError, ValidationError
from lifecycle.outcome import KEPT_EVENTS

INBOUND_SITE = "5d1a7e0c-2b3f-4c5d-8e9f-0a1b2c3d4e01"
MEDIA_SITE = "5d1a7e0c-2b3f-4c5d-8e9f-0a1b2c3d4e02"
BASES = "/api/v2/telephony/providers/edges/trunkbasesettings"
PASSWORD = "carrier-pw-1234"


@pytest.fixture(scope="module")
def emulator(tmp_path_factory) -> Iterator[EmulatorHandle]:
    with running_emulator(tmp_path_factory.mktemp("emu"), registration_delay=0.2, rate_limit=100_000) as handle:
        yield handle


def cloud(emulator: EmulatorHandle) -> GenesysClient:
    settings = ClientSettings.model_validate(
        {
            "api_url": emulator.url,
            "client_id": "genesys-trunks-dev",
            "client_secret": SecretStr("dev-only-secret"),
            "dialect": "cloud",
        }
    )
    return GenesysClient(settings)


def spec(name: str, host: str = "sip.carrier.example", password: str | None = PASSWORD, **over) -> TrunkBaseSpec:
    properties = {
        **carrier_properties(host, 5060, "udp"),
        **credential_properties("acct", password, "carrier.example"),
        KEY_CODECS: codecs_to_wire(["G711u", "G729"]),
        "trunk_label": name,
    }
    return TrunkBaseSpec(name=name, inbound_site_id=INBOUND_SITE, properties=properties, **over)


def settled(api: GenesysClient, base_id: str, timeout: float = 10.0) -> TrunkBaseStatus:
    deadline = time.monotonic() + timeout
    while True:
        status = roll_up(TrunkInstancesApi(api).trunks(base_id))
        if status.status not in ("registering", "unknown") or time.monotonic() > deadline:
            return status
        time.sleep(0.1)


def endpoint_calls(api: GenesysClient) -> dict[str, int]:
    return {k: v for k, v in api.stats.calls.items() if k != "POST /oauth/token"}


def test_catalog_template_and_sites(emulator):
    api = cloud(emulator)
    template = TrunkBaseApi(api).get_template()
    assert template.trunk_metabase is not None and template.trunk_metabase.id == BYOC_CARRIER_METABASE
    assert check_properties(template, spec("probe").properties) == []
    assert check_properties(template, {"trunk_max_dial_timeout": "3m"})[0][0] == "trunk_max_dial_timeout"
    assert BYOC_CARRIER_METABASE in {m.id for m in TrunkBaseApi(api).list_metabases()}
    assert SiteApi(api).get(INBOUND_SITE).media_model == "Cloud"
    assert {INBOUND_SITE, MEDIA_SITE} <= {s.id for s in SiteApi(api).list()}
    assert SiteApi(api).find("00000000-0000-4000-8000-000000000000") is None


def test_create_read_find_update_and_delete(emulator):
    api = cloud(emulator)
    template = TrunkBaseApi(api).get_template()
    api.stats.reset()
    created = TrunkBaseApi(api).create(spec("cli-cloud-crud", site_id=MEDIA_SITE), template)
    assert endpoint_calls(api) == {f"POST {BASES}": 1}
    assert created.version == 1 and created.inbound_site is not None and created.inbound_site.id == INBOUND_SITE

    read = TrunkBaseApi(api).get(created.id)
    values = instances(read)
    assert codecs_from_wire(values[KEY_CODECS]) == ["G711u", "G729"]
    assert carrier_from_properties(values) == ("sip.carrier.example", 5060, "udp")
    assert credentials_from_properties(values) == ("acct", "carrier.example")
    assert values["trunk_maxDialTimeout"] == "2m"  # the template's default, sent on create
    assert KEY_PASSWORD not in values
    assert PASSWORD not in read.model_dump_json()

    found = TrunkBaseApi(api).find_by_name("CLI-CLOUD-CRUD")
    assert found is not None and found.id == created.id

    changed = spec("cli-cloud-crud", password=None)
    changed.properties[KEY_CODECS] = codecs_to_wire(["Opus"])
    api.stats.reset()
    updated = TrunkBaseApi(api).update(created.id, changed, version=1, template=template)
    assert updated.version == 2 and updated.instance(KEY_CODECS) == ["audio/opus"]
    assert endpoint_calls(api) == {f"PUT {BASES}/{{id}}": 1}
    # A PUT replaces the base: the password it left out is gone, and the carrier refuses the username alone
    # (why the program sends the password on every PUT).
    left_out = settled(api, created.id)
    assert left_out.status == "failed" and "no password" in (left_out.reason or "")
    again = spec("cli-cloud-crud")
    again.properties[KEY_CODECS] = codecs_to_wire(["Opus"])
    TrunkBaseApi(api).update(created.id, again, template=template)
    assert settled(api, created.id).status == "registered"

    api.stats.reset()
    assert TrunkBaseApi(api).delete(created.id) is True
    assert endpoint_calls(api) == {f"DELETE {BASES}/{{id}}": 1}
    assert TrunkBaseApi(api).delete(created.id) is False
    assert TrunkBaseApi(api).find(created.id) is None
    assert TrunkBaseApi(api).find_by_name("cli-cloud-crud") is None


def test_a_taken_name_says_adopt(emulator):
    api = cloud(emulator)
    first = TrunkBaseApi(api).create(spec("cli-cloud-taken"))
    with pytest.raises(NameTakenError) as info:
        TrunkBaseApi(api).create(spec("cli-cloud-taken"))
    assert info.value.existing_id == first.id and "adopt" in str(info.value)
    assert PASSWORD not in str(info.value)
    TrunkBaseApi(api).delete(first.id)


def test_invalid_values_are_the_apis_validation_error(emulator):
    api = cloud(emulator)
    bad = spec("cli-cloud-bad")
    bad.properties[KEY_CODECS] = ["audio/gsm"]
    with pytest.raises(ValidationError) as info:
        TrunkBaseApi(api).create(bad)
    assert KEY_CODECS in str(info.value) or any(KEY_CODECS in (e.field_name or "") for e in info.value.errors)
    no_site = spec("cli-cloud-nosite").model_copy(update={"inbound_site_id": None})
    with pytest.raises(ValidationError) as info:
        TrunkBaseApi(api).create(no_site)
    assert "inboundSite" in str(info.value) or any("inboundSite" in (e.field_name or "") for e in info.value.errors)


@pytest.mark.parametrize("ahead", [False, True], ids=["stale-409", "ahead-400"])
def test_version_mismatch_gets_and_puts_again(emulator, ahead):
    api = cloud(emulator)
    base = TrunkBaseApi(api).create(spec(f"cli-cloud-version-{ahead}"))
    # An out-of-band edit moves the base to version 2.
    doc = emulator.api("GET", f"{BASES}/{base.id}").json()
    emulator.api("PUT", f"{BASES}/{base.id}", json={**doc, "description": "edited elsewhere"})
    api.stats.reset()
    assert base.name is not None
    updated = TrunkBaseApi(api).update(base.id, spec(base.name), version=3 if ahead else 1)
    assert updated.version == 3 and updated.description is None
    assert endpoint_calls(api) == {f"PUT {BASES}/{{id}}": 2, f"GET {BASES}/{{id}}": 1}
    assert api.stats.version_conflicts == 1
    TrunkBaseApi(api).delete(base.id)


def test_registration_outcomes_from_the_trunk_instances(emulator):
    api = cloud(emulator)
    good = TrunkBaseApi(api).create(spec("cli-cloud-reg-ok"))
    unreachable = TrunkBaseApi(api).create(spec("cli-cloud-reg-host", host="sip.carrier.invalid"))
    rejected = TrunkBaseApi(api).create(spec("cli-cloud-reg-pw", password="wrong-password"))
    ok = settled(api, good.id)
    assert ok.status == "registered" and len(ok.instances) == 2 and ok.reason is None
    host = settled(api, unreachable.id)
    assert host.status == "failed" and "unreachable" in (host.reason or "")
    pw = settled(api, rejected.id)
    assert pw.status == "failed" and "rejected credentials" in (pw.reason or "")
    assert "wrong-password" not in (pw.reason or "")
    disabled_spec = spec("cli-cloud-reg-off")
    disabled_spec.properties["trunk_enabled"] = False
    disabled = TrunkBaseApi(api).create(disabled_spec)
    time.sleep(0.6)  # past the registration delay
    off = roll_up(TrunkInstancesApi(api).trunks(disabled.id))
    assert off.status == "unknown" and "disabled" in (off.reason or "")
    api.stats.reset()
    TrunkInstancesApi(api).trunks(good.id)
    assert endpoint_calls(api) == {"GET /api/v2/telephony/providers/edges/trunks": 1}
    for base in (good, unreachable, rejected, disabled):
        TrunkBaseApi(api).delete(base.id)


def test_audit_trail_of_a_base(emulator):
    api = cloud(emulator)
    base = TrunkBaseApi(api).create(spec("cli-cloud-audit"))
    changed = spec("cli-cloud-audit", password="another-pw-5678")
    TrunkBaseApi(api).update(base.id, changed, version=base.version)
    events = TrunkInstancesApi(api).audit_events(base.id)
    assert [e.action for e in events] == ["Create", "Update"]
    assert all(e.actor == "client genesys-trunks-dev" for e in events)
    assert all(e.entity is not None and e.entity.id == base.id for e in events)
    assert all(e.event_date is not None for e in events)
    changes = {c.property: c for c in events[1].property_changes}
    assert "another-pw-5678" not in str(changes)
    assert [e.action for e in TrunkInstancesApi(api).audit_events(base.id, filters={"Action": "Update"})] == ["Update"]
    TrunkBaseApi(api).delete(base.id)


def test_the_newest_events_of_several_bases_from_one_query_are_each_ones_own_trail(emulator):
    """What a polling round reads for the bases it settles: each base's newest events, as its own query gives
    them, from one query of every trunk base's events (the emulator's, with other tests' bases in it too)."""
    api = cloud(emulator)
    bases = TrunkBaseApi(api)
    made = [bases.create(spec(f"cli-cloud-round-{i}")) for i in range(3)]
    busy = made[0]
    for i in range(KEPT_EVENTS + 2):  # more changes than an outcome keeps
        busy = bases.update(busy.id, spec("cli-cloud-round-0", description=f"revision {i}"), version=busy.version)
    trunks = TrunkInstancesApi(api)
    before = endpoint_calls(api).get(f"POST {AUDITS_REALTIME}", 0)
    trails = newest_events(trunks, [b.id for b in made], KEPT_EVENTS)
    assert endpoint_calls(api)[f"POST {AUDITS_REALTIME}"] == before + 1
    for base in made:
        own = trunks.audit_events(base.id)[-KEPT_EVENTS:]
        assert [e.id for e in trails[base.id]] == [e.id for e in own] != []
    assert len(trails[busy.id]) == KEPT_EVENTS and trails[busy.id][-1].action == "Update"
    assert [e.action for e in trails[made[1].id]] == ["Create"]
    for base in made:
        bases.delete(base.id)


def test_delete_while_in_use_is_retried_then_a_clear_error(emulator):
    api = cloud(emulator)
    base = TrunkBaseApi(api).create(spec("cli-cloud-inuse"))
    emulator.api("PUT", f"/_emulator/trunkbases/{base.id}/inuse", json={"seconds": 0.6})
    api.stats.reset()
    assert TrunkBaseApi(api).delete(base.id, in_use_seconds=10, interval=0.25) is True
    assert endpoint_calls(api)[f"DELETE {BASES}/{{id}}"] >= 2

    held = TrunkBaseApi(api).create(spec("cli-cloud-inuse-long"))
    emulator.api("PUT", f"/_emulator/trunkbases/{held.id}/inuse", json={"seconds": 60})
    with pytest.raises(InUseError) as info:
        TrunkBaseApi(api).delete(held.id, in_use_seconds=0.5, interval=0.25)
    assert "in use" in str(info.value) and held.id in str(info.value)
    emulator.api("PUT", f"/_emulator/trunkbases/{held.id}/inuse", json={"seconds": 0})
    assert TrunkBaseApi(api).delete(held.id) is True


def test_a_create_whose_reply_was_lost_is_found_by_name(emulator):
    api = cloud(emulator)
    TrunkBaseApi(api).get_template()  # token first
    emulator.set_faults(drop_after_write_rate=1.0)
    try:
        with pytest.raises(OutcomeUnknownError):
            TrunkBaseApi(api).create(spec("cli-cloud-dropped"))
    finally:
        emulator.clear_faults()
    landed = TrunkBaseApi(api).find_by_name("cli-cloud-dropped")
    assert landed is not None
    assert api.stats.calls[f"POST {BASES}"] == 1
    TrunkBaseApi(api).delete(landed.id)
