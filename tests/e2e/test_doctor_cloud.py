"""`python -m doctor` on a stack in the cloud dialect against the running emulator's Platform API: what it
finds, its exit status, and from the emulator's request log that it wrote nothing."""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

import pytest

from devtools.trunks_project import DEV_CLIENT_SECRET, TrunksProject
from devtools.trunks_project import cloud_trunk as devtools_cloud_trunk
from tests.e2e.test_doctor import by_level, doctor, finding
from tests.emulator.cloud.helpers import MEDIA_SITE, PASSWORD, byoc_base, unique
from tests.emulator.cloud.sdk import Sdk, connect

pytestmark = pytest.mark.e2e
INBOUND_SITE = "5d1a7e0c-2b3f-4c5d-8e9f-0a1b2c3d4e01"
BASES = "/api/v2/telephony/providers/edges/trunkbasesettings"
AUDITS = "/api/v2/audits/query/realtime"
TRUNK_PASSWORD = "-s3cret"  # every test trunk's password ends so
#: The writes of the program: named, never sent.
ROUTES = "/api/v2/telephony/providers/edges/sites/{id}/outboundroutes"
UNCHECKABLE = {
    f"POST {BASES} [up]",
    f"PUT {BASES}/{{id}} [up]",
    f"DELETE {BASES}/{{id}} [up, destroy]",
    f"POST {ROUTES} [up]",
    f"PUT {ROUTES}/{{id}} [up, destroy]",
    f"DELETE {ROUTES}/{{id}} [up, destroy]",
}


def cloud_trunk(name: str, **over: Any) -> dict[str, Any]:
    """The tests' BYOC trunk with a carrier port and a realm."""
    return devtools_cloud_trunk(name, **{"carrier": {"port": 5060}, "credentials": {"realm": "example.com"}, **over})


@pytest.fixture
def cloud_project(new_project):
    """A stack in the cloud dialect with the given trunks (each password a secret)."""

    def make(trunks: list[dict[str, Any]]) -> TrunksProject:
        return new_project(trunks, dialect="cloud")

    return make


@pytest.fixture(scope="module")
def sdk(emulator) -> Sdk:
    return connect(emulator)


def diagnose(emulator, project: TrunksProject, *args: str) -> tuple[int, dict[str, Any]]:
    emulator.reset_requests()
    proc = doctor(project, "--json", *args)
    assert_read_only(emulator.requests())
    for secret in (DEV_CLIENT_SECRET, TRUNK_PASSWORD, PASSWORD, "telephony-secret"):
        assert secret not in proc.stdout + proc.stderr
    assert proc.stderr == "", proc.stderr
    report = json.loads(proc.stdout)
    assert report["exitStatus"] == proc.returncode
    return proc.returncode, report


def assert_read_only(requests: list[dict]) -> None:
    """GETs, one token and at most one realtime audit query (a read); each sent once."""
    calls = [(r["method"], r["path"] + (f"?{r['query']}" if r["query"] else "")) for r in requests]
    assert calls
    writes = [c for c in calls if c[0] != "GET" and c[1] not in ("/oauth/token", AUDITS)]
    assert writes == []
    assert calls.count(("POST", "/oauth/token")) == 1 and calls.count(("POST", AUDITS)) <= 1
    assert [c for c, n in Counter(calls).items() if n > 1] == []


def test_a_healthy_cloud_stack_is_all_ok_and_learns_the_unknowns(emulator, cloud_project, sdk, tmp_path):
    ours = sdk.telephony.post_telephony_providers_edges_trunkbasesettings(
        byoc_base(unique("cdoc-ours"), trunk_transport_serverProxyList=["sip.carrier.example.com:5060"])
    )
    project = cloud_project(
        [
            cloud_trunk(ours.name),
            cloud_trunk(
                "cdoc-b",
                siteId=MEDIA_SITE,
                codecs=["Opus", "G722"],
                properties={"trunk_maxDialTimeout": "3m", "trunk_media_dtmf_method": "In-band Audio"},
            ),
        ]
    )
    out = tmp_path / "template.json"

    status, report = diagnose(emulator, project, "--template-out", str(out))

    assert status == 0, report
    assert by_level(report, "fail") == [] and by_level(report, "warn") == [], report
    assert report["dialect"] == "cloud"
    endpoint = finding(report, "connection", "endpoint")["message"]
    assert "dialect cloud: genesys:dialect is 'cloud'" in endpoint
    permissions = [f for f in report["findings"] if f["section"] == "permissions"]
    assert {f["subject"] for f in permissions if f["level"] == "info"} == UNCHECKABLE
    assert all("scope telephony" in f["message"] for f in permissions if f["level"] == "info")
    audit = finding(report, "permissions", f"POST {AUDITS} [up, refresh]")
    assert audit["level"] == "ok" and "audits:readonly" in audit["message"]
    assert finding(report, "catalogue", f"site {INBOUND_SITE}")["message"].startswith("'Cloud BYOC Site' exists")
    assert finding(report, "catalogue", f"site {MEDIA_SITE}")["message"].startswith("'Cloud Media EU' exists")
    assert finding(report, "catalogue", "trunk 'cdoc-b' properties")["level"] == "ok"
    metabase = finding(report, "catalogue", "trunk metabase external_sip_pcv_byoc_carrier.json")
    assert metabase["level"] == "ok" and "used by trunks[0]" in metabase["message"]

    password = finding(report, "unknowns", "password on GET of a trunk base")
    assert password["level"] == "ok"
    assert password["message"] == (
        f"absent: GET of trunk base {ours.name!r} ({ours.id}) returns trunk_sip_authentication_credentials_password "
        "without an instance (write-only)"
    )
    proxies = finding(report, "unknowns", "proxy list format of existing trunk bases")
    assert proxies["level"] == "ok" and "host:port x" in proxies["message"]
    instances = finding(report, "unknowns", "trunk instances per trunk base")
    assert instances["level"] == "ok" and "with 2" in instances["message"]
    topics = finding(report, "unknowns", "transports of the trunk notification topics")
    assert topics["message"] == (
        "v2.telephony.providers.edges.trunks.{id}: Websocket; v2.telephony.providers.edges.trunks.{id}.metrics: "
        "Websocket"
    )
    listed = finding(report, "unknowns", "properties on the trunk base list")
    assert listed["level"] == "ok"

    written = json.loads(out.read_text())
    keys = {row["key"]: row for row in written["templates"]["external_sip_pcv_byoc_carrier.json"]}
    assert keys["trunk_transport_protocolVariant"]["allowed"] == "udp | tcp | tls"
    assert (
        keys["trunk_media_dtmf_payload"]["allowed"] == "96..127"
        and keys["trunk_media_dtmf_payload"]["type"] == "integer"
    )
    assert "items: audio/opus | audio/pcmu" in keys["trunk_media_codec"]["allowed"]
    assert keys["trunk_media_codec"]["schema"]["items"]["enum"][-1] == "audio/g722"
    assert keys["trunk_transport_serverProxyList"]["schema"] == {
        "items": {"type": "string"},
        "uniqueItems": True,
        "required": True,
    }
    assert {s["name"] for s in written["sites"]} >= {"Cloud BYOC Site", "Premises HQ"}

    # The same run as a person reads it: the findings, then the template as a table.
    emulator.reset_requests()
    proc = doctor(project, "--template-out", str(out))
    assert_read_only(emulator.requests())
    assert proc.returncode == 0
    lines = proc.stdout.splitlines()
    start = lines.index(f"templates external_sip_pcv_byoc_carrier.json ({len(keys)})")
    assert lines[start + 1].split() == ["key", "type", "default", "allowed"]
    row = next(line for line in lines[start:] if line.startswith("trunk_transport_protocolVariant "))
    assert row.split() == ["trunk_transport_protocolVariant", "string", "udp", "udp", "|", "tcp", "|", "tls"]


def test_an_oauth_client_without_the_audits_scope_fails_in_the_orgs_own_words(emulator, cloud_project):
    project = cloud_project([cloud_trunk("cdoc-perm")])
    project.write_config(
        {"genesys:clientId": "genesys-trunks-telephony"}, [("genesys:clientSecret", "telephony-secret")]
    )

    status, report = diagnose(emulator, project)

    assert status == 1
    refused = finding(report, "permissions", f"POST {AUDITS} [up, refresh]")
    assert refused["level"] == "fail"
    assert "403 Missing the required OAuth scope audits or audits:readonly" in refused["message"]
    assert refused["fix"] == "give the OAuth client 'genesys-trunks-telephony' the scope audits:readonly (or audits)"
    assert [f["subject"] for f in by_level(report, "fail")] == [refused["subject"]]
    assert finding(report, "permissions", f"GET {BASES}/template [preview]")["level"] == "ok"


def test_the_readonly_client_learns_no_topics_and_is_told_why(emulator, cloud_project):
    project = cloud_project([cloud_trunk("cdoc-ro")])
    project.write_config({"genesys:clientId": "genesys-trunks-readonly"}, [("genesys:clientSecret", "readonly-secret")])

    status, report = diagnose(emulator, project)

    assert status == 0, report
    topics = finding(report, "unknowns", "transports of the trunk notification topics")
    assert topics["level"] == "warn" and "403 Missing the required OAuth scope notifications" in topics["message"]
    assert "scope notifications" in topics["fix"]


def test_an_unknown_site_and_a_bad_property_key_fail_naming_what_the_org_has(emulator, cloud_project):
    project = cloud_project(
        [
            cloud_trunk("cdoc-site", inboundSiteId="no-such-site"),
            cloud_trunk("cdoc-key", properties={"trunk_maxDialTimout": "2m", "trunk_media_dtmf_payload": 200}),
            cloud_trunk("cdoc-meta", trunkMetabaseId="no_such_metabase.json"),
        ]
    )

    status, report = diagnose(emulator, project)

    assert status == 1
    site = finding(report, "catalogue", "site no-such-site")
    assert site["level"] == "fail" and "does not exist (used by trunks[0] 'cdoc-site')" in site["message"]
    assert f"'Cloud BYOC Site' ({INBOUND_SITE})" in site["message"]
    assert site["fix"] == "set trunks[0].inboundSiteId to one of the sites listed"
    key = finding(report, "catalogue", "trunk 'cdoc-key' properties")
    assert key["level"] == "fail"
    assert (
        "trunks[1].properties.trunk_maxDialTimout is not a property of this trunk metabase; did you mean "
        "trunk_maxDialTimeout, " in key["message"]
    )
    assert "trunks[1].properties.trunk_media_dtmf_payload 200 is out of range; allowed: 96 to 127" in key["message"]
    metabase = finding(report, "catalogue", "trunk metabase no_such_metabase.json")
    assert (
        metabase["level"] == "fail"
        and "'Generic BYOC Carrier' (external_sip_pcv_byoc_carrier.json)" in metabase["message"]
    )
    assert [f for f in by_level(report, "fail") if f["section"] != "catalogue"] == []


def test_a_cloud_trunk_config_that_cannot_be_read_fails_and_the_rest_is_still_checked(emulator, cloud_project):
    project = cloud_project(
        [cloud_trunk("cdoc-bad", codecs=["G711u", "GSM"], sipProfileId="x", carrier={"transport": "sctp", "host": "h"})]
    )

    status, report = diagnose(emulator, project)

    assert status == 1
    config = finding(report, "config", "genesys-trunks:trunks")
    assert config["level"] == "fail"
    assert (
        "trunks[0].sipProfileId: is a setting of the seed dialect; Genesys Cloud has no SIP profiles"
        in config["message"]
    )
    assert "trunks[0].codecs[1]: Genesys Cloud does not offer GSM on trunks" in config["message"]
    assert "trunks[0].carrier.transport" in config["message"]
    assert finding(report, "permissions", f"GET {BASES}/template [preview]")["level"] == "ok"


def test_it_stays_within_the_rate_limit_and_warns_when_the_window_is_nearly_spent(emulator, cloud_project, sdk):
    sdk.telephony.post_telephony_providers_edges_trunkbasesettings(byoc_base(unique("cdoc-rate")))
    project = cloud_project([cloud_trunk("cdoc-rate")])
    # metabases, site, template, the base list, one base, the trunk instances, the audit query, the topics
    reads = 8
    before = emulator.settings()["rateLimitPerMinute"]
    emulator.settings(rate_limit_per_minute=reads)
    try:
        emulator.reset_rate_limits()
        status, report = diagnose(emulator, project)
        statuses = [r["status"] for r in emulator.requests()]
    finally:
        emulator.settings(rate_limit_per_minute=before)

    assert 429 not in statuses and len(statuses) == reads + 1  # and the token
    rate = finding(report, "connection", "rate limit")
    assert rate["level"] == "warn"
    assert rate["message"].startswith(f"inin-ratelimit-allowed {reads}, inin-ratelimit-count {reads}, ")
    assert f"the window is nearly spent ({reads} API read(s) this run, each once)" in rate["message"]
    assert status == 0


def test_routes_a_classification_the_site_lacks_fails_and_one_an_org_route_carries_warns(emulator, cloud_project):
    made = emulator.api(
        "POST",
        f"/api/v2/telephony/providers/edges/sites/{MEDIA_SITE}/outboundroutes",
        json={"name": unique("cdoc-org-national"), "classificationTypes": ["National"]},
    )
    assert made.status_code in (200, 201), made.text
    org_route = made.json()
    project = cloud_project([cloud_trunk("cdoc-route")])
    route = {"name": "Carrier national", "siteId": MEDIA_SITE, "trunks": ["cdoc-route"]}
    project.set_routes([{**route, "classificationTypes": ["National", "Premium"]}])
    try:
        status, report = diagnose(emulator, project)
    finally:
        emulator.api("DELETE", f"/api/v2/telephony/providers/edges/sites/{MEDIA_SITE}/outboundroutes/{org_route['id']}")

    assert status == 1
    assert finding(report, "config", "genesys-trunks:outboundRoutes")["level"] == "ok"
    kinds = finding(report, "catalogue", f"site {MEDIA_SITE} classifications")
    assert kinds["level"] == "ok" and "National" in kinds["message"]
    ours = [f for f in report["findings"] if f["subject"] == "outbound route 'Carrier national'"]
    assert sorted(f["level"] for f in ours) == ["fail", "warn", "warn"], ours
    failed = next(f for f in ours if f["level"] == "fail")
    assert "classificationTypes[1] 'Premium' not a classification of site" in failed["message"]
    assert failed["fix"].startswith("set outboundRoutes[0].classificationTypes to some of: Emergency")
    shared = {f["message"].split(" with route ")[1].split(" (")[0] for f in ours if f["level"] == "warn"}
    assert shared == {repr(org_route["name"]), "'Default Outbound Route'"}
    listing = finding(report, "permissions", f"GET {ROUTES} [preview, up]")
    assert listing["level"] == "ok"
