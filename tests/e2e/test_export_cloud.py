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

from devtools.trunks_project import TrunksProject
from tests.e2e.test_doctor import doctor
from tests.e2e.test_doctor_cloud import INBOUND_SITE, assert_read_only, cloud_trunk
from tests.e2e.test_export import password_of, run_export, set_passwords
from tests.emulator.cloud.helpers import BYOC, BYOC_PBX, MEDIA_SITE, PHONE, byoc_base, model, ref
from tests.emulator.cloud.sdk import Sdk, connect

pytestmark = pytest.mark.e2e
KEY = "genesys-trunks:trunks"
PREMISES_SITE = "5d1a7e0c-2b3f-4c5d-8e9f-0a1b2c3d4e03"

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
        "name": "o'brien :: two proxies",
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


def test_export_merge_refusal_and_passwords(emulator, new_project, sdk):
    made = {spec["name"]: make_base(sdk, spec).id for spec in ORG}
    in_stack = make_base(
        sdk, {"name": "cexp-in-stack", "props": {"trunk_transport_serverProxyList": ["s.example.com"]}}
    )
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
    project: TrunksProject = new_project([])
    project.write_config(
        {"genesys:dialect": "cloud", KEY: [cloud_trunk("cexp-in-stack", carrier={"host": "s.example.com"})]}
    )

    # The stack has a trunk: the export refuses, writes nothing and calls nothing.
    original = project.stack_file.read_bytes()
    emulator.reset_requests()
    refused = run_export(project)
    assert refused.returncode == 1, refused.stdout + refused.stderr
    assert "already has 1 trunk(s); nothing was written" in refused.stderr and "Traceback" not in refused.stderr
    assert project.stack_file.read_bytes() == original
    assert emulator.requests() == []

    # --merge adds the org's BYOC bases the stack does not have, after its own; only reads.
    merged = run_export(project, "--merge")
    assert merged.returncode == 0, merged.stdout + merged.stderr
    assert_reads_only(emulator.requests())
    text = project.stack_file.read_text(encoding="utf-8")
    listed = entries(project)
    assert [e["name"] for e in listed] == ["cexp-in-stack", *sorted(made, key=str.casefold)]
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
    two = by_name["o'brien :: two proxies"]
    assert "carrier" not in two
    assert two["properties"]["trunk_transport_serverProxyList"] == ["a.obrien.example.com", "b.obrien.example.com:5080"]
    assert re.search(rf"inboundSiteId: {INBOUND_SITE} +# Cloud BYOC Site", text)
    assert re.search(rf"siteId: {PREMISES_SITE} +# Premises HQ", text)
    assert re.search(rf"trunkMetabaseId: {BYOC_PBX} +# Generic BYOC PBX", text)
    assert re.search(rf"# trunk base {made['Yes']}", text)
    assert "cexp-deleted" not in text and "cexp-phone" not in text and phone.id not in text
    assert not any(password_of(n) in text for n in made) and "password" not in text
    out = merged.stdout
    assert "4 of the org's 5 BYOC trunk bases written to Pulumi.e2e.yaml" in out and "'cexp-in-stack'" in out
    assert "two proxies\": its proxy list ['a.obrien.example.com', 'b.obrien.example.com:5080'] does not fit" in out

    # The printed lines, run as printed, store each password encrypted at the printed path.
    paths = set_passwords(project, out)
    assert paths == [f"trunks[{i}].credentials.password" for i in range(1, 5)]
    for i, name in enumerate(sorted(made, key=str.casefold), start=1):
        got = project.run("config", "get", "--path", f"trunks[{i}].credentials.password", "--stack", project.stack)
        assert got.stdout.strip() == password_of(name)
    assert not any(password_of(n) in project.stack_file.read_text(encoding="utf-8") for n in made)

    # The doctor agrees with what the export wrote: every site, metabase, codec and property checks out.
    emulator.reset_requests()
    proc = doctor(project, "--json")
    assert_read_only(emulator.requests())
    report = json.loads(proc.stdout)
    assert [f for f in report["findings"] if f["level"] == "fail"] == [], report
    assert proc.returncode == 0

    # --include-deleted also takes the deleted base (printed, nothing written).
    printed = run_export(project, "--stdout", "--include-deleted", "--name", "cexp-*")
    assert printed.returncode == 0, printed.stderr
    names = [e["name"] for e in yaml.safe_load(printed.stdout)["config"][KEY]]
    assert names == ["cexp-deleted", "cexp-in-stack"]
    assert made["Yes"] != in_stack.id


def assert_reads_only(requests: list[dict]) -> None:
    calls = [(r["method"], r["path"]) for r in requests]
    assert calls and [c for c in calls if c[0] != "GET" and c[1] != "/oauth/token"] == []
