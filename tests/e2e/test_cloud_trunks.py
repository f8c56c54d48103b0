"""The cloud dialect end to end: the real pulumi CLI and providers against the emulator's Platform API, with
out-of-band edits made through the official SDK (PureCloudPlatformClientV2), as another tool or a person in
the Genesys admin UI would make them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from devtools.pulumi_cli import PulumiProject, change_summary
from devtools.trunks_project import REPO, SITE_INBOUND, SITE_MEDIA, cloud_trunk, copy_program
from tests.e2e.conftest import writes
from tests.emulator.cloud.helpers import byoc_base
from tests.emulator.cloud.sdk import connect

pytestmark = pytest.mark.e2e

BASES = "/api/v2/telephony/providers/edges/trunkbasesettings"
CODECS = "trunk_media_codec"
PASSWORD_KEY = "trunk_sip_authentication_credentials_password"


def base(emulator, base_id):
    return emulator.api("GET", f"{BASES}/{base_id}").json()


def instance(doc, key):
    return doc["properties"][key]["value"]["instance"]


def live_bases(emulator, name=None):
    params = {"pageSize": 100, **({"name": name} if name else {})}
    return [b for b in emulator.api("GET", BASES, params=params).json()["entities"] if b["state"] != "deleted"]


def audits(emulator, base_id):
    body = {
        "interval": "2020-01-01T00:00:00Z/2100-01-01T00:00:00Z",
        "serviceName": "Telephony",
        "filters": [{"property": "EntityId", "value": base_id}],
        "sort": [{"name": "Timestamp", "sortOrder": "ascending"}],
        "pageSize": 100,
    }
    return emulator.api("POST", "/api/v2/audits/query/realtime", json=body).json()["entities"]


def test_dev_cloud_stack_create_noop_destroy(emulator, tmp_path: Path):
    """The repository's own Pulumi.dev-cloud.yaml, pointed at this emulator."""
    workdir = tmp_path / "genesys-trunks"
    copy_program(workdir)
    stack_text = (REPO / "Pulumi.dev-cloud.yaml").read_text().replace("http://127.0.0.1:8787", emulator.url)
    (workdir / "Pulumi.dev-cloud.yaml").write_text(stack_text)
    config = yaml.safe_load(stack_text)["config"]
    configured = config["genesys-trunks:trunks"]
    routes = config["genesys-trunks:outboundRoutes"]
    project = PulumiProject(workdir=workdir, stack="dev-cloud", backend_dir=tmp_path / "state")
    project.init()
    try:
        emulator.reset_requests()
        project.up()
        created = writes(emulator.requests())
        kinds = sorted((r["method"], "route" if "/outboundroutes" in r["path"] else "base") for r in created)
        # Every trunk base posted; the site's default route taken over with one PUT, the other route posted.
        assert kinds == sorted([("POST", "base")] * len(configured) + [("PUT", "route"), ("POST", "route")])
        routes_out = project.outputs()["outboundRoutes"]
        assert sorted(routes_out) == sorted(r["name"] for r in routes)
        trunk_base = {name: t["trunkBaseId"] for name, t in project.outputs()["trunks"].items()}
        for route in routes:
            summary = routes_out[route["name"]]
            assert summary["trunkBaseIds"] == [trunk_base[t] for t in route["trunks"]]
            assert summary["takenOver"] is (route["name"] == "Default Outbound Route")
        out = project.outputs()["trunks"]
        assert sorted(out) == sorted(t["name"] for t in configured)
        for t in configured:
            summary = out[t["name"]]
            assert summary["registrationStatus"] == "registered", summary
            assert len(summary["trunkIds"]) == 2 and summary["registrationLatencySeconds"] is not None
            assert [e["type"] for e in summary["auditEvents"]] == ["TrunkBase:Create"]
            doc = base(emulator, summary["trunkBaseId"])
            assert doc["inboundSite"]["id"] == SITE_INBOUND and doc["trunkMetabase"]["id"] == (
                "external_sip_pcv_byoc_carrier.json"
            )
            assert summary["codecs"] == t["codecs"]
        a = base(emulator, out["carrier-a-byoc"]["trunkBaseId"])
        assert a["site"]["id"] == SITE_MEDIA
        assert instance(a, CODECS) == ["audio/pcmu", "audio/g729", "audio/opus"]
        assert instance(a, "trunk_transport_serverProxyList") == ["sip.carrier-a.example.com:5061"]
        assert instance(a, "trunk_transport_protocolVariant") == "tls"
        assert instance(a, "trunk_sip_authentication_credentials_username") == "trunk_user_01"
        assert instance(a, "trunk_sip_authentication_credentials_realm") == "carrier-a.example.com"
        assert instance(a, "trunk_maxDialTimeout") == "1m"
        assert instance(a, "trunk_media_dtmf_payload") == 101  # a template default the stack left out
        dr = base(emulator, out["dr-ip-acl"]["trunkBaseId"])
        assert instance(dr, "trunk_access_acl_allowList") == ["203.0.113.0/24"]

        exported = json.dumps(project.export())
        for password in ("carrier-a-dev-pass-01", "carrier-b-dev-pass-02", "dev-only-secret"):
            assert password not in exported

        # A second up changes nothing and writes nothing; a preview agrees.
        emulator.reset_requests()
        again = project.up()
        resources = 1 + 3 * len(configured) + len(routes)
        assert f"{resources} unchanged" in again.stdout, again.stdout
        assert change_summary(json.loads(project.preview("--json").stdout)) == {"same": resources}
        assert writes(emulator.requests()) == []
    finally:
        project.destroy()
    assert live_bases(emulator) == []
    default = emulator.api("GET", f"/api/v2/telephony/providers/edges/sites/{SITE_INBOUND}/outboundroutes").json()
    assert [(r["name"], r["externalTrunkBases"]) for r in default["entities"]] == [("Default Outbound Route", [])]


def test_every_update_keeps_the_password_and_a_rotated_one_reaches_the_org(emulator, new_project):
    """The emulator's PUT replaces the whole base (a password left out is cleared, and its carrier then refuses
    the trunk): an update of the codecs alone keeps the trunk registered, so the password went with it."""
    trunks = [cloud_trunk("cl-upd")]
    project = new_project(trunks, dialect="cloud")
    project.up()
    base_id = project.trunks_output()["cl-upd"]["trunkBaseId"]

    trunks[0]["codecs"] = ["G722", "G711a"]
    project.set_trunks(trunks)
    assert change_summary(project.preview_json()) == {"same": 2, "update": 2}
    emulator.reset_requests()
    project.up()
    assert [(r["method"], r["path"]) for r in writes(emulator.requests())] == [("PUT", f"{BASES}/{base_id}")]
    assert instance(base(emulator, base_id), CODECS) == ["audio/g722", "audio/pcma"]
    update = [a for a in audits(emulator, base_id) if a["action"] == "Update"][-1]
    assert PASSWORD_KEY not in {c["property"] for c in update.get("propertyChanges") or []}  # the same one
    assert project.trunks_output()["cl-upd"]["registrationStatus"] == "registered"

    trunks[0]["credentials"]["password"] = "a-rotated-carrier-pw"
    project.set_trunks(trunks)
    project.up()
    update = [a for a in audits(emulator, base_id) if a["action"] == "Update"][-1]
    assert PASSWORD_KEY in {c["property"] for c in update["propertyChanges"]}
    assert "a-rotated-carrier-pw" not in json.dumps(update)
    assert project.trunks_output()["cl-upd"]["registrationStatus"] == "registered"


def test_drift_made_through_the_sdk_is_found_by_refresh_and_corrected_by_up(emulator, new_project):
    trunks = [cloud_trunk("cl-drift", properties={"trunk_maxDialTimeout": "3m"})]
    project = new_project(trunks, dialect="cloud")
    project.up()
    base_id = project.trunks_output()["cl-drift"]["trunkBaseId"]

    sdk = connect(emulator)
    edited = sdk.telephony.get_telephony_providers_edges_trunkbasesetting(base_id, ignore_hidden=True)
    edited.properties[CODECS]["value"]["instance"] = ["audio/opus"]
    edited.properties["trunk_maxDialTimeout"]["value"]["instance"] = "45s"
    edited.properties["trunk_transport_protocolVariant"]["value"]["instance"] = "tcp"
    sdk.telephony.put_telephony_providers_edges_trunkbasesetting(base_id, edited)

    refreshed = project.refresh("--diff")
    assert "Opus" in refreshed.stdout and "45s" in refreshed.stdout, refreshed.stdout
    recorded = next(r for r in project.resources(":TrunkBase"))["outputs"]
    assert recorded["codecs"] == ["Opus"] and recorded["carrier"]["transport"] == "tcp"
    assert recorded["properties"] == {"trunk_maxDialTimeout": "45s"}
    assert change_summary(project.preview_json()).get("update") == 2  # the base, and its outcome again

    project.up()
    doc = base(emulator, base_id)
    assert instance(doc, CODECS) == ["audio/pcmu", "audio/g729"]
    assert instance(doc, "trunk_maxDialTimeout") == "3m"
    assert instance(doc, "trunk_transport_protocolVariant") == "udp"
    emulator.reset_requests()
    project.refresh()
    assert change_summary(project.preview_json()) == {"same": 4}
    assert writes(emulator.requests()) == []


def test_a_name_that_exists_fails_with_how_to_adopt_and_adopt_takes_it_over(emulator, new_project):
    sdk = connect(emulator)
    existing = sdk.telephony.post_telephony_providers_edges_trunkbasesettings(byoc_base("cl-adopt"))
    trunks = [cloud_trunk("cl-adopt")]
    project = new_project(trunks, dialect="cloud")

    refused = project.up(check=False)
    output = refused.stdout + refused.stderr
    assert refused.returncode != 0
    assert f"a trunk base named 'cl-adopt' already exists (id {existing.id})" in output, output
    assert "set `adopt: true` on the trunk" in output

    trunks[0]["adopt"] = True
    project.set_trunks(trunks)
    project.up()
    assert project.trunks_output()["cl-adopt"]["trunkBaseId"] == existing.id
    assert [b["id"] for b in live_bases(emulator, "cl-adopt")] == [existing.id]
    assert instance(base(emulator, existing.id), CODECS) == ["audio/pcmu", "audio/g729"]
    assert next(r for r in project.resources(":TrunkBase"))["outputs"]["adopted"] is True


def test_a_concurrent_edit_during_update_meets_a_409_and_the_stack_wins(emulator, new_project):
    trunks = [cloud_trunk("cl-409")]
    project = new_project(trunks, dialect="cloud")
    project.up()
    base_id = project.trunks_output()["cl-409"]["trunkBaseId"]

    # Someone edits the base after our last read: the state's version is stale now.
    sdk = connect(emulator)
    edited = sdk.telephony.get_telephony_providers_edges_trunkbasesetting(base_id, ignore_hidden=True)
    edited.description = "edited in the admin UI"
    sdk.telephony.put_telephony_providers_edges_trunkbasesetting(base_id, edited)

    trunks[0]["codecs"] = ["Opus"]
    project.set_trunks(trunks)
    emulator.reset_requests()
    project.up()
    calls = [(r["method"], r["status"]) for r in emulator.requests() if r["path"] == f"{BASES}/{base_id}"]
    assert calls[:3] == [("PUT", 409), ("GET", 200), ("PUT", 200)], calls
    assert instance(base(emulator, base_id), CODECS) == ["audio/opus"]


def test_a_failed_registration_is_reported_then_fixed(emulator, new_project):
    trunks = [cloud_trunk("cl-reg", carrier={"host": "sip.carrier.invalid"})]
    project = new_project(trunks, dialect="cloud")
    up = project.up()
    out = project.trunks_output()["cl-reg"]
    assert out["registrationStatus"] == "failed", out
    assert "sip.carrier.invalid" in out["registrationReason"]
    assert {i["status"] for i in out["instances"]} == {"failed"}
    assert "the carrier refused or did not answer" in up.stdout

    trunks[0]["carrier"]["host"] = "sip.carrier.example.com"
    project.set_trunks(trunks)
    project.up()
    out = project.trunks_output()["cl-reg"]
    assert out["registrationStatus"] == "registered" and out["registrationReason"] is None
    assert [e["type"] for e in out["auditEvents"]] == ["TrunkBase:Create", "TrunkBase:Update"]


def test_a_trunk_base_deleted_out_of_band_is_recreated(emulator, new_project):
    trunks = [cloud_trunk("cl-gone")]
    project = new_project(trunks, dialect="cloud")
    project.up()
    base_id = project.trunks_output()["cl-gone"]["trunkBaseId"]
    connect(emulator).telephony.delete_telephony_providers_edges_trunkbasesetting(base_id)
    project.refresh()
    assert project.resources(":TrunkBase") == []
    project.up()
    recreated = project.trunks_output()["cl-gone"]["trunkBaseId"]
    assert recreated != base_id and [b["id"] for b in live_bases(emulator, "cl-gone")] == [recreated]


def test_a_new_metabase_replaces_the_trunk_base_deleting_the_old_one_first(emulator, new_project):
    """Trunk base names are unique among live bases: the old base goes before the new one is made."""
    trunks = [cloud_trunk("cl-meta")]
    project = new_project(trunks, dialect="cloud")
    project.up()
    old_id = project.trunks_output()["cl-meta"]["trunkBaseId"]

    trunks[0]["trunkMetabaseId"] = "external_sip_pcv_byoc_pbx.json"
    project.set_trunks(trunks)
    assert change_summary(project.preview_json()).get("replace") == 1
    emulator.reset_requests()
    project.up()
    new_id = project.trunks_output()["cl-meta"]["trunkBaseId"]
    order = [(r["method"], r["path"]) for r in writes(emulator.requests())]
    assert order == [("DELETE", f"{BASES}/{old_id}"), ("POST", BASES)], order
    [live] = live_bases(emulator, "cl-meta")
    assert live["id"] == new_id != old_id and live["trunkMetabase"]["id"] == "external_sip_pcv_byoc_pbx.json"
