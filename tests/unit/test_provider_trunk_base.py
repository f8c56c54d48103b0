"""The TrunkBase provider and the cloud trunk schema against a respx-mocked Platform API."""

from __future__ import annotations

import json
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
import pytest
from pulumi.output import Unknown

from components import CLOUD_TRUNKS
from entities.trunk_base import TrunkBaseInputs, TrunkBaseProvider, settings_from_base
from entities.trunk_base.models import TrunkBase
from entities.trunk_base_registration import TrunkBaseOutcomeProvider, TrunkInstanceWatcher, outcome_report
from entities.trunk_base_registration.models import Trunk
from entities.trunk_base_registration.status import roll_up
from genesys_api import configured_dialect
from lifecycle import client_access
from lifecycle.config import ConfigError
from lifecycle.errors import ProviderError
from tests.support.results import outs_of
from tests.support.stack_config import parse_entries
from tests.unit.cloud_fixtures import (
    AUDITS,
    BASE_ID,
    BASES,
    PASSWORD,
    SITE_ID,
    SITES,
    TEMPLATE,
    TRUNKS,
    audit,
    base,
    error,
    listing,
    template,
    trunk,
)

MEDIA_SITE = "5d1a7e0c-2b3f-4c5d-8e9f-0a1b2c3d4e02"
REFUSED = {
    "proxyAddress": "sip.carrier.example.com",
    "registerState": False,
    "errorInfo": {"text": "401 Unauthorized", "code": "sip.register.failed"},
}


def inputs(**over: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "name": "Carrier-A",
        "inboundSiteId": SITE_ID,
        "codecs": ["G711u", "G722"],
        "carrier": {"host": "sip.carrier.example.com", "port": 5061, "transport": "tls"},
        "credentials": {"username": "acct-a", "realm": "carrier.example.com"},
        "credentialsPassword": PASSWORD,
        "properties": {"trunk_maxDialTimeout": "1m"},
    }
    values.update(over)
    return values


@pytest.fixture
def cloud(api):
    api.get(TEMPLATE, name="template").respond(200, json=template())
    api.get(f"{SITES}/{SITE_ID}", name="site").respond(200, json={"id": SITE_ID, "name": "Cloud BYOC Site"})
    api.get(f"{SITES}/{MEDIA_SITE}", name="media").respond(404, json=error(404, "not found", "not.found"))
    api.get(SITES, name="sites").respond(200, json=listing([{"id": SITE_ID, "name": "Cloud BYOC Site"}]))
    return api


def checked(provider: TrunkBaseProvider, news: dict[str, Any], olds: dict[str, Any] | None = None):
    return provider.check(olds or {}, news)


def test_check_reads_the_template_and_each_site_once_and_names_the_paths(cloud):
    provider = TrunkBaseProvider()
    good = checked(provider, inputs())
    assert good.failures == []
    assert good.inputs["carrier"] == {"host": "sip.carrier.example.com", "port": 5061, "transport": "tls"}
    bad = checked(
        provider,
        inputs(
            name="Carrier-B",
            siteId=MEDIA_SITE,
            properties={"trunk_maxDialTimout": "1m", "trunk_media_dtmf_payload": 200.0},
        ),
    )
    reasons = [f"{f.property}: {f.reason}" for f in bad.failures]
    assert reasons == [
        "properties: trunk 'Carrier-B': properties.trunk_maxDialTimout is not a property of this trunk metabase; "
        "did you mean trunk_maxDialTimeout, trunk_media_codec, trunk_enabled?",
        "properties: trunk 'Carrier-B': properties.trunk_media_dtmf_payload 200 is out of range; allowed: 96 to 127",
        f"siteId: trunk 'Carrier-B': siteId {MEDIA_SITE!r} is not a site of the org; it has: 'Cloud BYOC Site' "
        f"({SITE_ID})",
    ], reasons
    assert PASSWORD not in json.dumps([f.reason for f in bad.failures])
    assert cloud.routes["template"].call_count == 1 and cloud.routes["site"].call_count == 1


def test_check_reads_the_site_beside_the_template_not_after_it(cloud):
    """At a real org's latency, a read after the other adds its round trip to every first preview."""
    site_read = threading.Event()

    def template_once_the_site_is_asked(request: httpx.Request) -> httpx.Response:
        assert site_read.wait(5), "the site was read only after the template"
        return httpx.Response(200, json=template())

    def site(request: httpx.Request) -> httpx.Response:
        site_read.set()
        return httpx.Response(200, json={"id": SITE_ID, "name": "Cloud BYOC Site"})

    cloud.routes["template"].side_effect = template_once_the_site_is_asked
    cloud.routes["site"].side_effect = site
    assert checked(TrunkBaseProvider(), inputs()).failures == []
    assert cloud.routes["template"].call_count == 1 and cloud.routes["site"].call_count == 1


def test_whole_numbers_from_the_engine_pass_an_integer_property(cloud):
    result = checked(TrunkBaseProvider(), inputs(properties={"trunk_media_dtmf_payload": 101.0}))
    assert result.failures == [] and result.inputs["properties"] == {"trunk_media_dtmf_payload": 101}


def test_create_posts_template_defaults_and_the_mapped_settings(cloud):
    posted: list[dict[str, Any]] = []

    def create(request: httpx.Request) -> httpx.Response:
        posted.append(json.loads(request.content))
        return httpx.Response(200, json=base())

    cloud.post(BASES, name="create").mock(side_effect=create)
    provider = TrunkBaseProvider()
    result = provider.create(checked(provider, inputs()).inputs)
    body = posted[0]
    values = {k: v["value"]["instance"] for k, v in body["properties"].items()}
    assert values["trunk_media_codec"] == ["audio/pcmu", "audio/g722"]
    assert values["trunk_transport_serverProxyList"] == ["sip.carrier.example.com:5061"]
    assert values["trunk_transport_protocolVariant"] == "tls"
    assert values["trunk_sip_authentication_credentials_password"] == PASSWORD
    assert values["trunk_maxDialTimeout"] == "1m" and values["trunk_media_dtmf_payload"] == 101
    assert (
        body["inboundSite"] == {"id": SITE_ID} and body["trunkMetabase"]["id"] == "external_sip_pcv_byoc_carrier.json"
    )
    assert result.id == BASE_ID and outs_of(result)["adopted"] is False


def base_id(i: int) -> str:
    return f"b7a1c2d3-0000-4000-8000-{i:012d}"


def put_echo(request: httpx.Request) -> httpx.Response:
    """A PUT's reply: the base with the next version."""
    body = json.loads(request.content)
    return httpx.Response(200, json=base(request.url.path.rsplit("/", 1)[1], body["name"], body["version"] + 1))


def test_without_adopt_the_post_comes_first_and_a_taken_name_says_how_to_adopt(cloud):
    order: list[str] = []

    def on_post(_request: httpx.Request) -> httpx.Response:
        order.append("POST")
        return httpx.Response(400, json=error(400, "Trunk base name already in use"))

    def on_get(_request: httpx.Request) -> httpx.Response:
        order.append("GET")
        return httpx.Response(200, json=listing([base(version=4)]))

    cloud.post(BASES, name="create").mock(side_effect=on_post)
    cloud.get(BASES, name="list").mock(side_effect=on_get)
    put = cloud.put(f"{BASES}/{BASE_ID}", name="put").mock(side_effect=put_echo)
    provider = TrunkBaseProvider()
    with pytest.raises(ProviderError, match="set `adopt: true` on the trunk") as info:
        provider.create(checked(provider, inputs()).inputs)
    assert order == ["POST", "GET"] and put.call_count == 0 and BASE_ID in str(info.value)


def test_adopt_looks_first_and_writes_one_put_with_the_password_at_the_listed_version(cloud):
    post = cloud.post(BASES, name="create").respond(200, json=base(base_id(9)))
    listed = cloud.get(BASES, name="list").respond(200, json=listing([base(name="CARRIER-a", version=4)]))
    get = cloud.get(f"{BASES}/{BASE_ID}", name="get").respond(200, json=base(version=4))
    put = cloud.put(f"{BASES}/{BASE_ID}", name="put").mock(side_effect=put_echo)
    provider = TrunkBaseProvider()
    adopted = provider.create(checked(provider, inputs(adopt=True)).inputs)
    assert adopted.id == BASE_ID and outs_of(adopted)["adopted"] is True and outs_of(adopted)["version"] == 5
    assert post.call_count == 0 and get.call_count == 0 and listed.call_count == 1 and put.call_count == 1
    body = json.loads(put.calls[0].request.content)
    assert body["version"] == 4
    assert body["properties"]["trunk_sip_authentication_credentials_password"]["value"]["instance"] == PASSWORD


def test_concurrent_adopts_share_one_listing_of_the_bases(cloud):
    listed = cloud.get(BASES, name="list").respond(
        200, json=listing([base(base_id(i), f"Carrier-{i}") for i in range(16)])
    )
    put = cloud.put(url__regex=rf"{BASES}/b7a1c2d3-[0-9a-f-]+$", name="put").mock(side_effect=put_echo)
    post = cloud.post(BASES, name="create").respond(200, json=base(base_id(99)))
    provider = TrunkBaseProvider()
    props = [checked(provider, inputs(name=f"Carrier-{i}", adopt=True)).inputs for i in range(16)]
    with ThreadPoolExecutor(16) as pool:
        results = list(pool.map(provider.create, props))
    assert [r.id for r in results] == [base_id(i) for i in range(16)]
    assert listed.call_count == 1 and put.call_count == 16 and post.call_count == 0


def test_adopt_finds_a_base_made_after_the_listing_was_read_before_posting(cloud):
    listed = cloud.get(BASES, name="list").mock(
        side_effect=[
            httpx.Response(200, json=listing([base(base_id(0), "Carrier-0")])),
            httpx.Response(200, json=listing([base(base_id(0), "Carrier-0"), base(base_id(1), "Carrier-1")])),
        ]
    )
    cloud.put(url__regex=rf"{BASES}/b7a1c2d3-[0-9a-f-]+$", name="put").mock(side_effect=put_echo)
    post = cloud.post(BASES, name="create").respond(200, json=base(base_id(99)))
    provider = TrunkBaseProvider()
    assert provider.create(checked(provider, inputs(name="Carrier-0", adopt=True)).inputs).id == base_id(0)
    assert provider.create(checked(provider, inputs(name="Carrier-1", adopt=True)).inputs).id == base_id(1)
    assert listed.call_count == 2 and post.call_count == 0


def test_adopt_with_nothing_to_take_over_posts_after_one_listing_and_records_the_base(cloud):
    listed = cloud.get(BASES, name="list").respond(200, json=listing([base(base_id(1), "Carrier-1")]))
    post = cloud.post(BASES, name="create").respond(200, json=base(base_id(2), "Carrier-2"))
    put = cloud.put(url__regex=rf"{BASES}/b7a1c2d3-[0-9a-f-]+$", name="put").mock(side_effect=put_echo)
    provider = TrunkBaseProvider()
    created = provider.create(checked(provider, inputs(name="Carrier-2", adopt=True)).inputs)
    assert created.id == base_id(2) and outs_of(created)["adopted"] is False
    assert listed.call_count == 1 and post.call_count == 1  # read for this look-up: no second read
    again = provider.create(checked(provider, inputs(name="Carrier-2", adopt=True)).inputs)
    assert again.id == base_id(2) and outs_of(again)["adopted"] is True  # created here: found without a listing
    assert listed.call_count == 1 and post.call_count == 1 and put.call_count == 1


def test_a_base_deleted_after_it_was_listed_is_created_again(cloud):
    cloud.get(BASES, name="list").respond(200, json=listing([base(version=4)]))
    put = cloud.put(f"{BASES}/{BASE_ID}", name="put").respond(404, json=error(404, "not found", "not.found"))
    post = cloud.post(BASES, name="create").respond(200, json=base(base_id(9)))
    provider = TrunkBaseProvider()
    created = provider.create(checked(provider, inputs(adopt=True)).inputs)
    assert created.id == base_id(9) and outs_of(created)["adopted"] is False
    assert put.call_count == 1 and post.call_count == 1


def test_every_update_sends_the_password_from_the_state(cloud):
    """A PUT replaces the whole base: one that left the password out could clear it, so every PUT has it."""
    put = cloud.put(f"{BASES}/{BASE_ID}", name="put").respond(200, json=base(version=3))
    provider = TrunkBaseProvider()
    olds = {**checked(provider, inputs()).inputs, "version": 2.0}
    provider.update(BASE_ID, olds, checked(provider, inputs(codecs=["Opus"])).inputs)
    body = json.loads(put.calls.last.request.content)
    assert body["version"] == 2
    assert body["properties"]["trunk_sip_authentication_credentials_password"]["value"]["instance"] == PASSWORD
    provider.update(BASE_ID, olds, checked(provider, inputs(credentialsPassword="a-new-password")).inputs)
    body = json.loads(put.calls.last.request.content)
    assert body["properties"]["trunk_sip_authentication_credentials_password"]["value"]["instance"] == "a-new-password"


def test_refresh_reads_the_settings_back_without_the_password(cloud):
    stored = base(
        trunk_media_codec=["audio/pcmu", "audio/g722"],
        trunk_transport_serverProxyList=["sip.carrier.example.com:5061"],
        trunk_transport_protocolVariant="tls",
        trunk_sip_authentication_credentials_username="acct-a",
        trunk_sip_authentication_credentials_realm="carrier.example.com",
        trunk_maxDialTimeout="45s",  # changed in the org since the last up
    )
    cloud.get(f"{BASES}/{BASE_ID}", name="get").respond(200, json=stored)
    provider = TrunkBaseProvider()
    props = checked(provider, inputs()).inputs
    assert props["properties"]["trunk_maxDialTimeout"] == "1m"
    read = provider.read(BASE_ID, {**props, "version": 1})
    assert read.inputs == {**props, "properties": {**props["properties"], "trunk_maxDialTimeout": "45s"}}
    assert outs_of(read)["credentialsPassword"] == PASSWORD  # as the state had it, never the API's mask


def test_settings_from_base_show_an_out_of_band_codec_by_its_mime_type():
    doc = base(trunk_media_codec=["audio/pcmu", "audio/amr"], trunk_transport_serverProxyList=["[2001:db8::1]"])
    settings = settings_from_base(TrunkBase.model_validate(doc), [])
    assert settings["codecs"] == ["G711u", "audio/amr"]
    assert settings["carrier"] == {"host": "2001:db8::1", "port": None, "transport": "udp"}
    assert settings["credentials"] is None


def test_delete_of_a_base_already_gone_is_done(cloud):
    route = cloud.delete(f"{BASES}/{BASE_ID}").respond(404, json=error(404, "gone", "not.found"))
    TrunkBaseProvider().delete(BASE_ID, {})
    assert route.call_count == 1


def test_the_outcome_waits_while_registering_then_reports_each_instance(api):
    replies = iter(
        [
            listing([]),  # the platform has not made the instances yet
            listing([trunk("t1", connected=False), trunk("t2", connected=False)]),
            listing([trunk("t1"), trunk("t2", connected=False, registers=[REFUSED])]),
        ]
    )
    route = api.get(TRUNKS).mock(side_effect=lambda _request: httpx.Response(200, json=next(replies)))
    audits = api.post(AUDITS).respond(200, json=listing([audit("a1", BASE_ID, "Create")], size=500))
    watcher = TrunkInstanceWatcher(client_access.client(), sleep=lambda _s: None)
    reading = watcher.wait(BASE_ID, 10)
    report = outcome_report(reading.status, reading.events, None, 10)
    assert report["status"] == "failed" and "401 Unauthorized" in report["outcome"]["reason"]
    assert [(i["trunkId"], i["status"]) for i in report["instances"]] == [("t1", "registered"), ("t2", "failed")]
    assert route.call_count == 3 and route.calls.last.request.url.params["trunkBase.id"] == BASE_ID
    assert audits.call_count == 1 and [e["type"] for e in report["events"]] == ["TrunkBase:Create"]


def test_many_waiting_bases_share_one_list_of_every_external_instance(api):
    bases = [f"b{i}" for i in range(5)]
    every = [trunk(f"t-{b}", trunkBase={"id": b, "name": b}) for b in bases]
    reply = listing([*every, trunk("t-other", trunkBase={"id": "x"})])
    first = threading.Event()

    def answer(_request: httpx.Request) -> httpx.Response:
        # The first round's reply comes late, so every base has joined the waiting before the next round,
        # however slowly the threads start on a loaded machine.
        if not first.is_set():
            first.set()
            time.sleep(0.5)
        return httpx.Response(200, json=reply)

    route = api.get(TRUNKS).mock(side_effect=answer)
    created = [audit(f"a-{b}", b, "Create") for b in reversed(bases)]  # newest first
    audits = api.post(AUDITS).respond(200, json=listing([audit("a-x", "x", "Update"), *created], size=500))
    ticks = iter(range(1000))
    watcher = TrunkInstanceWatcher(client_access.client(), sleep=lambda _s: time.sleep(0.01), clock=lambda: next(ticks))
    together = threading.Barrier(len(bases))

    def wait(base_id: str) -> Any:
        together.wait()
        return watcher.wait(base_id, 100)

    with ThreadPoolExecutor(len(bases)) as pool:
        readings = list(pool.map(wait, bases))
    assert [r.status.trunk_ids for r in readings] == [[f"t-{b}"] for b in bases]
    assert all(r.status.status == "registered" for r in readings)
    assert route.call_count < len(bases) and "trunkBase.id" not in route.calls.last.request.url.params
    assert route.calls.last.request.url.params["trunkType"] == "EXTERNAL"
    assert [[e.id for e in r.events] for r in readings] == [[f"a-{b}"] for b in bases]
    assert audits.call_count <= route.call_count  # one audit query at most per round


def test_an_instance_that_never_settles_is_registering_at_the_deadline(api):
    api.get(TRUNKS).respond(200, json=listing([trunk("t1", connected=False)]))
    api.post(AUDITS).respond(200, json=listing([], size=500))
    ticks = iter(range(1000))
    watcher = TrunkInstanceWatcher(client_access.client(), sleep=lambda _s: None, clock=lambda: next(ticks))
    report = outcome_report(watcher.wait(BASE_ID, 5).status, [], None, 5)
    assert report["status"] == "registering" and "no registration outcome within 5 s" in report["outcome"]["reason"]
    assert roll_up([Trunk.model_validate(trunk("t3"))]).status == "registered"


# ---------------------------------------------------------------------------------------------- the config


def test_the_config_refuses_the_seed_settings_by_path_and_gsm():
    raw = [
        {
            "name": "c1",
            "inboundSiteId": SITE_ID,
            "carrier": {"host": "sip.example.com"},
            "codecs": ["G711u", "GSM"],
            "edgeGroupId": "g",
            "webhook": {"targetUri": "https://hooks.example.com"},
        }
    ]
    with pytest.raises(ConfigError) as exc:
        parse_entries(raw, CLOUD_TRUNKS)
    text = str(exc.value)
    assert "trunks[0].codecs[1]: Genesys Cloud does not offer GSM" in text
    assert "trunks[0].edgeGroupId: is a setting of the seed dialect" in text
    assert "trunks[0].webhook: has no counterpart in the Platform API" in text


def test_the_config_takes_settings_from_other_stacks():
    raw = [
        {"name": "c1", "fromStacks": {p: {"stack": "o/p/s", "output": "x"} for p in ("inboundSiteId", "carrier.host")}}
    ]
    trunk = parse_entries(raw, CLOUD_TRUNKS)[0]
    assert trunk.trunk_base_inputs()["inboundSiteId"] is None and "carrier" not in trunk.trunk_base_inputs()
    with pytest.raises(ConfigError, match=r"trunks\[0\]: carrier.host is required"):
        parse_entries([{"name": "c1", "inboundSiteId": SITE_ID}], CLOUD_TRUNKS)


def test_inputs_need_a_password_with_credentials():
    with pytest.raises(ValueError, match="credentials.password is required"):
        TrunkBaseInputs.model_validate(inputs(credentialsPassword=None))


@pytest.mark.parametrize(
    ("config", "env", "dialect"),
    [
        ({"genesys:region": "eu-west-1"}, {}, "cloud"),
        ({"genesys:apiUrl": "http://127.0.0.1:8787"}, {}, "seed"),
        ({"genesys:apiUrl": "http://127.0.0.1:8787", "genesys:dialect": "cloud"}, {}, "cloud"),
        ({}, {"GENESYSCLOUD_REGION": "us-east-1"}, "cloud"),
        ({"genesys:apiUrl": "http://127.0.0.1:8787"}, {"GENESYSCLOUD_REGION": "us-east-1"}, "seed"),
        ({}, {}, "seed"),
    ],
)
def test_the_program_resolves_the_dialect_as_the_client_does(config, env, dialect):
    assert configured_dialect(config.get, env) == dialect


def test_a_new_metabase_replaces_the_base_deleting_the_old_one_first():
    provider = TrunkBaseProvider()
    olds = inputs(trunkMetabaseId="external_sip_pcv_byoc_carrier.json")
    diff = provider.diff(BASE_ID, olds, inputs(trunkMetabaseId="external_sip_pcv_byoc_pbx.json"))
    assert diff.replaces == ["trunkMetabaseId"] and diff.delete_before_replace is True
    same_metabase = inputs(codecs=["Opus"], trunkMetabaseId="external_sip_pcv_byoc_carrier.json")
    assert provider.diff(BASE_ID, olds, same_metabase).delete_before_replace is False


def test_a_metabase_that_is_not_byoc_fails_before_any_read(cloud):
    result = checked(TrunkBaseProvider(), inputs(trunkMetabaseId="phone_connections_cdm.json"))
    assert [f.property for f in result.failures] == ["trunkMetabaseId"]
    assert "'phone_connections_cdm.json' is not a BYOC metabase" in result.failures[0].reason
    assert cloud.routes["template"].call_count == 0


def test_a_base_write_is_a_new_outcome_a_timeout_alone_is_not_and_an_unknown_one_is_read_again():
    outcome = TrunkBaseOutcomeProvider()
    wait = {"trunk": "t1", "trunkBaseId": BASE_ID, "trunkBaseVersion": 1, "timeoutSeconds": 60}
    known = {**wait, "status": "registered"}
    assert outcome.diff("o1", known, wait).changes is False
    assert outcome.diff("o1", known, {**wait, "timeoutSeconds": 5}).changes is False
    assert outcome.diff("o1", known, {**wait, "trunkBaseVersion": 2}).changes is True
    assert outcome.diff("o1", known, {**wait, "trunkBaseVersion": Unknown()}).changes is True
    assert outcome.diff("o1", {**wait, "status": "unknown"}, wait).changes is True
