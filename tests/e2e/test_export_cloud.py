"""`python -m exporter` in the cloud dialect against the running emulator: the org's BYOC trunk bases, made
with the official SDK, written into the stack file in the cloud trunk's config names; never overwriting,
reading only; the passwords set with the printed lines; and the doctor agreeing with what was written."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
import yaml
from PureCloudPlatformClientV2 import models

from devtools.pulumi_cli import change_summary
from devtools.trunks_project import TrunksProject, cloud_trunk
from tests.e2e.conftest import assert_adoption_said, writes
from tests.e2e.test_doctor import doctor
from tests.e2e.test_doctor_cloud import BASES, INBOUND_SITE, assert_read_only
from tests.e2e.test_export import password_of, run_export, set_passwords
from tests.emulator.cloud.helpers import BYOC, BYOC_PBX, MEDIA_SITE, PHONE, byoc_base, model, ref
from tests.emulator.cloud.sdk import Sdk, connect

pytestmark = pytest.mark.e2e
KEY = "genesys-trunks:trunks"
PREMISES_SITE = "5d1a7e0c-2b3f-4c5d-8e9f-0a1b2c3d4e03"
PASSWORD_KEY = "trunk_sip_authentication_credentials_password"
TWO_PROXIES = "o'brien :: two proxies"

#: Trunk bases made by hand: odd names, every site, both BYOC metabases, settings off their defaults.
ORG: list[dict[str, Any]] = [
    {
        "name": 'Carrier "A": Zürich',
        "site": MEDIA_SITE,
        "props": {
            "trunk_transport_serverProxyList": ["sip.zurich.example.com:5070"],
            "trunk_transport_protocolVariant": "tls",
            "trunk_media_codec": ["audio/g722", "audio/pcma"],
            "trunk_sip_authentication_credentials_realm": "zurich.example.com",
            "trunk_maxDialTimeout": "90s",
        },
    },
    {
        "name": "東京: trunk ünïcode",
        "site": PREMISES_SITE,
        "metabase": BYOC_PBX,
        "props": {
            "trunk_transport_serverProxyList": ["203.0.113.20"],
            "trunk_transport_protocolVariant": "udp",
            "trunk_media_dtmf_method": "In-band Audio",
        },
    },
    {
        "name": "Yes",
        "props": {
            "trunk_transport_serverProxyList": ["sip.yes.example.com:5060"],
            "trunk_transport_protocolVariant": "tcp",
            "trunk_media_codec": ["audio/opus", "audio/pcmu", "audio/g729"],
            "trunk_outboundIdentity_callingName": "Yes Carrier",
        },
    },
    {
        "name": TWO_PROXIES,
        "props": {
            "trunk_transport_serverProxyList": ["a.obrien.example.com", "b.obrien.example.com:5080"],
            "trunk_transport_protocolVariant": "udp",
        },
    },
]


@pytest.fixture(scope="module")
def sdk(emulator) -> Sdk:
    return connect(emulator)


def make_base(sdk: Sdk, spec: dict[str, Any]) -> models.TrunkBase:
    props = {
        "trunk_sip_authentication_credentials_username": f"acct-{len(spec['name'])}",
        "trunk_sip_authentication_credentials_password": password_of(spec["name"]),
        **spec["props"],
    }
    body = byoc_base(spec["name"], metabase=spec.get("metabase", BYOC), site=spec.get("site"), **props)
    return sdk.telephony.post_telephony_providers_edges_trunkbasesettings(body)


def entries(project: TrunksProject) -> list[dict[str, Any]]:
    return yaml.safe_load(project.stack_file.read_text(encoding="utf-8"))["config"][KEY]


def org_bases(emulator) -> dict[str, dict[str, Any]]:
    listing = emulator.api("GET", BASES, params={"pageSize": 100, "expand": "properties"}).json()["entities"]
    return {b["id"]: b for b in listing if b["state"] != "deleted"}


def settings(base: dict[str, Any]) -> dict[str, Any]:
    """What a user configures on a base: its sites, metabase, description and every property's instance (the
    password, which a read never returns, aside)."""
    props = {k: v["value"].get("instance") for k, v in base["properties"].items() if k != PASSWORD_KEY}
    refs = {k: (base.get(k) or {}).get("id") for k in ("inboundSite", "site", "trunkMetabase")}
    return {"name": base["name"], "description": base.get("description"), **refs, **props}


def test_export_merge_set_passwords_and_take_over(emulator, new_project, sdk):
    project: TrunksProject = new_project([cloud_trunk("cexp-in-stack")], dialect="cloud")
    project.up()
    in_stack_id = project.trunks_output()["cexp-in-stack"]["trunkBaseId"]
    made = {spec["name"]: make_base(sdk, spec).id for spec in ORG}
    exported = sorted((n for n in made if n != TWO_PROXIES), key=str.casefold)
    gone = make_base(sdk, {"name": "cexp-deleted", "props": {"trunk_transport_serverProxyList": ["g.example.com"]}})
    sdk.telephony.delete_telephony_providers_edges_trunkbasesetting(gone.id)
    phone = sdk.telephony.post_telephony_providers_edges_trunkbasesettings(
        model(
            models.TrunkBase,
            name="cexp-phone",
            state="active",
            trunk_type="PHONE",
            managed=False,
            trunk_metabase=ref(PHONE),
        )
    )
    before = org_bases(emulator)

    # The stack has a trunk: the export refuses, writes nothing and calls nothing.
    original = project.stack_file.read_bytes()
    emulator.reset_requests()
    refused = run_export(project)
    assert refused.returncode == 1, refused.stdout + refused.stderr
    assert "already has 1 trunk(s); nothing was written" in refused.stderr and "Traceback" not in refused.stderr
    assert project.stack_file.read_bytes() == original
    assert emulator.requests() == []

    # --merge adds the org's BYOC bases the stack does not have, after its own; it only reads.
    merged = run_export(project, "--merge")
    assert merged.returncode == 0, merged.stdout + merged.stderr
    assert_reads_only(emulator.requests())
    text = project.stack_file.read_text(encoding="utf-8")
    listed = entries(project)
    assert listed[0] == yaml.safe_load(original)["config"][KEY][0]
    assert [e["name"] for e in listed] == ["cexp-in-stack", *exported]
    by_name = {e["name"]: e for e in listed[1:]}
    assert by_name['Carrier "A": Zürich'] == {
        "name": 'Carrier "A": Zürich',
        "inboundSiteId": INBOUND_SITE,
        "siteId": MEDIA_SITE,
        "trunkMetabaseId": BYOC,
        "codecs": ["G722", "G711a"],
        "carrier": {"host": "sip.zurich.example.com", "port": 5070, "transport": "tls"},
        "credentials": {"username": "acct-19", "realm": "zurich.example.com"},
        "properties": {"trunk_maxDialTimeout": "90s"},
        "adopt": True,
    }
    tokyo = by_name["東京: trunk ünïcode"]
    assert tokyo["trunkMetabaseId"] == BYOC_PBX and tokyo["siteId"] == PREMISES_SITE
    assert tokyo["carrier"] == {"host": "203.0.113.20", "transport": "udp"} and "codecs" in tokyo
    assert tokyo["properties"] == {"trunk_media_dtmf_method": "In-band Audio"}
    assert by_name["Yes"]["codecs"] == ["Opus", "G711u", "G729"]
    assert by_name["Yes"]["properties"] == {"trunk_outboundIdentity_callingName": "Yes Carrier"}
    assert re.search(r"- name: 'Yes' +# trunk base ", text)  # quoted: YAML 1.1 readers would take it for true
    assert re.search(rf"inboundSiteId: {INBOUND_SITE} +# Cloud BYOC Site", text)
    assert re.search(rf"siteId: {PREMISES_SITE} +# Premises HQ", text)
    assert re.search(rf"trunkMetabaseId: {BYOC_PBX} +# Generic BYOC PBX", text)
    assert re.search(rf"# trunk base {made['Yes']}", text)
    assert "cexp-deleted" not in text and "cexp-phone" not in text and phone.id not in text
    assert not any(password_of(n) in text for n in made)
    out = merged.stdout
    assert "3 of the org's 5 BYOC trunk bases written to Pulumi.e2e.yaml" in out and "'cexp-in-stack'" in out
    assert (
        f"not exported: \"{TWO_PROXIES}\" ({made[TWO_PROXIES]}): its proxy list ['a.obrien.example.com', "
        "'b.obrien.example.com:5080'] does not fit a trunk's carrier" in out
    )

    # Until the passwords are set, preview fails naming each one, and writes nothing.
    emulator.reset_requests()
    failed = project.preview(check=False)
    assert failed.returncode != 0
    for i in (1, 2, 3):
        assert f"trunks[{i}].credentials.password" in failed.stdout + failed.stderr
    assert [r for r in emulator.requests() if r["method"] != "GET" and r["path"] != "/oauth/token"] == []

    # The printed lines, run as printed, store each password encrypted at the printed path.
    paths = set_passwords(project, out)
    assert paths == [f"trunks[{i}].credentials.password" for i in (1, 2, 3)]
    got = project.run("config", "get", "--path", "trunks[1].credentials.password", "--stack", project.stack)
    assert got.stdout.strip() == password_of(exported[0])
    assert not any(password_of(n) in project.stack_file.read_text(encoding="utf-8") for n in made)

    # The doctor agrees with what the export wrote: every site, metabase, codec and property checks out.
    emulator.reset_requests()
    proc = doctor(project, "--json")
    assert_read_only(emulator.requests())
    report = json.loads(proc.stdout)
    assert [f for f in report["findings"] if f["level"] == "fail"] == [] and proc.returncode == 0, report

    # The preview says which trunks take an existing base over.
    assert_adoption_said(project, exported, "cexp-in-stack", "trunk base with this name")

    # up takes every exported base over: looked up first, so no POST at all; one PUT each, nothing duplicated,
    # every id and setting kept.
    emulator.reset_requests()
    project.up()
    taken_over = emulator.requests()
    calls = sorted((r["method"], r["path"], r["status"]) for r in writes(taken_over))
    assert calls == sorted([("PUT", f"{BASES}/{made[name]}", 200) for name in exported]), calls
    # The org's bases listed once for all of them; none read one by one.
    gets = [r for r in taken_over if r["method"] == "GET" and r["path"].startswith(BASES)]
    assert [r["path"] for r in gets if r["path"] != f"{BASES}/template"] == [BASES], gets
    after = org_bases(emulator)
    assert set(after) == set(before)
    for base_id in before:
        assert settings(after[base_id]) == settings(before[base_id])
    outputs = project.trunks_output()
    assert {name: outputs[name]["trunkBaseId"] for name in exported} == {name: made[name] for name in exported}
    assert outputs["cexp-in-stack"]["trunkBaseId"] == in_stack_id

    # A second up changes nothing.
    emulator.reset_requests()
    again = project.up()
    assert "unchanged" in again.stdout and writes(emulator.requests()) == []
    assert set(change_summary(project.preview_json())) == {"same"}

    # --include-deleted also takes the deleted base (printed, nothing written).
    printed = run_export(project, "--stdout", "--include-deleted", "--name", "cexp-*")
    assert printed.returncode == 0, printed.stderr
    names = [e["name"] for e in yaml.safe_load(printed.stdout)["config"][KEY]]
    assert names == ["cexp-deleted", "cexp-in-stack"]


def assert_reads_only(requests: list[dict]) -> None:
    calls = [(r["method"], r["path"]) for r in requests]
    assert calls and [c for c in calls if c[0] != "GET" and c[1] != "/oauth/token"] == []
