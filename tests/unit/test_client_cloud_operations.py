"""Cloud dialect operations against respx: paths, queries, bodies, call counts and every error path."""

from __future__ import annotations

import json
import logging
import threading
import time
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
from pydantic import SecretStr

from entities.site import SiteApi, sites
from entities.trunk_base import (
    KEY_CODECS,
    KEY_PASSWORD,
    InUseError,
    NameTakenError,
    TrunkBaseApi,
    TrunkBaseSpec,
    TrunkBaseTemplate,
    carrier_properties,
    codecs_to_wire,
    credential_properties,
)
from entities.trunk_base import api as trunk_base_api
from entities.trunk_base_registration import TrunkInstancesApi, roll_up
from genesys_api import (
    GenesysApiError,
    GenesysClient,
    NotFoundError,
    OutcomeUnknownError,
    ValidationError,
    VersionConflictError,
)
from genesys_api.testing import FakeClock, client_for_tests, settings_for
from tests.unit.cloud_fixtures import (
    AUDITS,
    BASE_ID,
    BASES,
    METABASE,
    PASSWORD,
    SITE_ID,
    SITES,
    TEMPLATE,
    TRUNKS,
    base,
    error,
    listing,
    template,
    trunk,
)

SPEC = TrunkBaseSpec(
    name="Carrier-A",
    inbound_site_id=SITE_ID,
    description="primary carrier",
    properties={
        **carrier_properties("sip.carrier.example", 5060, "udp"),
        **credential_properties("acct", SecretStr(PASSWORD), "carrier.example"),
        KEY_CODECS: codecs_to_wire(["G711u", "G729"]),
    },
)
TEMPLATE_BASE = TrunkBaseTemplate.model_validate(template())
VERSION_400 = "The version 1 of the trunk base settings does not match the current version 2"
VERSION_409 = "The version number of the modified resource must match the version number in the database."


@pytest.fixture
def clock():
    return FakeClock()


@pytest.fixture
def api(clock):
    return client_for_tests(settings_for(dialect="cloud"), clock=clock)


def sent(route) -> dict:
    return json.loads(route.calls.last.request.content)


def calls(api: GenesysClient) -> dict[str, int]:
    """API calls sent, by endpoint (the one token fetch aside)."""
    return {k: v for k, v in api.stats.calls.items() if k != "POST /oauth/token"}


# ---------------------------------------------------------------------------------------------- catalog


def test_get_template_per_metabase(router, api):
    route = router.get(TEMPLATE).respond(200, json=template())
    got = TrunkBaseApi(api).get_template()
    assert route.calls.last.request.url.params["trunkMetabaseId"] == METABASE
    items = got.properties[KEY_CODECS].items
    assert items is not None and items["enum"][0] == "audio/opus"
    assert calls(api) == {f"GET {TEMPLATE}": 1}


def test_unknown_metabase_is_the_api_error(router, api):
    router.get(TEMPLATE).respond(404, json=error(404, "Trunk metabase not found", "not.found"))
    with pytest.raises(NotFoundError):
        TrunkBaseApi(api).get_template("nope.json")


def test_list_metabases_asks_for_external(router, api):
    route = router.get(f"{BASES}/availablemetabases").respond(
        200, json=listing([{"id": METABASE, "name": "Generic BYOC Carrier", "type": "EXTERNAL"}])
    )
    assert [m.id for m in TrunkBaseApi(api).list_metabases()] == [METABASE]
    assert route.calls.last.request.url.params["type"] == "EXTERNAL"


def test_get_and_find_site(router, api):
    router.get(f"{SITES}/{SITE_ID}").respond(
        200, json={"id": SITE_ID, "name": "Cloud BYOC Site", "mediaModel": "Cloud"}
    )
    router.get(f"{SITES}/gone").respond(404, json=error(404, "site not found", "not.found"))
    router.get(f"{SITES}/old").respond(200, json={"id": "old", "name": "Old", "state": "deleted"})
    assert SiteApi(api).get(SITE_ID).media_model == "Cloud"
    assert SiteApi(api).find("gone") is None
    assert SiteApi(api).find("old") is None
    with pytest.raises(NotFoundError):
        SiteApi(api).get("old")


def test_list_sites_filters_deleted_and_passes_the_name(router, api):
    route = router.get(SITES).respond(
        200, json=listing([{"id": "s1", "name": "A"}, {"id": "s2", "name": "B", "state": "deleted"}])
    )
    assert [s.id for s in SiteApi(api).list(name="A*")] == ["s1"]
    assert route.calls.last.request.url.params["name"] == "A*"


# ---------------------------------------------------------------------------------------------- create


def test_create_posts_the_whole_base_with_template_defaults_once(router, api):
    post = router.post(BASES).respond(200, json=base())
    created = TrunkBaseApi(api).create(SPEC, TEMPLATE_BASE)
    assert created.id == BASE_ID and created.version == 1
    body = sent(post)
    assert body["name"] == "Carrier-A" and body["state"] == "active"
    assert body["trunkType"] == "EXTERNAL" and body["managed"] is False
    assert body["trunkMetabase"] == {"id": METABASE}
    assert body["inboundSite"] == {"id": SITE_ID} and "site" not in body
    assert body["description"] == "primary carrier"
    props = body["properties"]
    assert props[KEY_CODECS] == {"value": {"instance": ["audio/pcmu", "audio/g729"]}}
    assert props["trunk_transport_serverProxyList"] == {"value": {"instance": ["sip.carrier.example:5060"]}}
    assert props[KEY_PASSWORD] == {"value": {"instance": PASSWORD}}
    assert props["trunk_maxDialTimeout"] == {"value": {"instance": "2m"}}  # a template default
    assert calls(api) == {f"POST {BASES}": 1}


def test_create_without_template_sends_only_the_spec(router, api):
    post = router.post(BASES).respond(200, json=base())
    TrunkBaseApi(api).create(SPEC.model_copy(update={"site_id": "media-1"}))
    body = sent(post)
    assert set(body["properties"]) == set(SPEC.properties)
    assert body["site"] == {"id": "media-1"}


def test_create_whose_reply_was_lost_is_not_posted_again_and_is_found_by_name(router, api):
    post = router.post(BASES).mock(side_effect=httpx.ReadTimeout("lost"))
    with pytest.raises(OutcomeUnknownError):
        TrunkBaseApi(api).create(SPEC, TEMPLATE_BASE)
    assert post.call_count == 1
    listed = router.get(BASES).respond(200, json=listing([base(name="carrier-a"), base("other", name="Carrier-A2")]))
    found = TrunkBaseApi(api).find_by_name("Carrier-A")
    assert found is not None and found.id == BASE_ID
    assert listed.calls.last.request.url.params["name"] == "Carrier-A"


def test_create_on_a_gateway_502_is_outcome_unknown(router, api):
    post = router.post(BASES).respond(502, json=error(502, "bad gateway", "bad.gateway"))
    with pytest.raises(OutcomeUnknownError):
        TrunkBaseApi(api).create(SPEC)
    assert post.call_count == 1


def test_refused_create_with_a_live_base_of_that_name_says_adopt(router, api):
    router.post(BASES).respond(
        400, json=error(400, "A trunk base with this name already exists", "general.bad.request")
    )
    router.get(BASES).respond(200, json=listing([base()]))
    with pytest.raises(NameTakenError) as info:
        TrunkBaseApi(api).create(SPEC, TEMPLATE_BASE)
    assert info.value.existing_id == BASE_ID
    assert "adopt" in str(info.value) and "'Carrier-A'" in str(info.value)
    assert calls(api) == {f"POST {BASES}": 1, f"GET {BASES}": 1}


def test_refused_create_without_such_a_base_is_the_api_error(router, api):
    router.post(BASES).respond(400, json=error(400, "inboundSite is required for external BYOC trunks"))
    router.get(BASES).respond(200, json=listing([base(state="deleted")]))
    with pytest.raises(ValidationError) as info:
        TrunkBaseApi(api).create(SPEC)
    assert not isinstance(info.value, NameTakenError)
    assert "inboundSite is required" in str(info.value)


def test_the_password_never_reaches_an_error(router, api):
    echo = error(400, f"value {PASSWORD} rejected for {KEY_PASSWORD}")
    echo["errors"] = [{"message": f"bad {PASSWORD}", "code": "invalid"}]
    router.post(BASES).respond(400, json=echo)
    router.get(BASES).respond(200, json=listing([]))
    with pytest.raises(ValidationError) as info:
        TrunkBaseApi(api).create(SPEC)
    assert PASSWORD not in str(info.value) and PASSWORD not in repr(info.value)
    assert all(PASSWORD not in e.message for e in info.value.errors)
    assert PASSWORD not in repr(SPEC)


# ---------------------------------------------------------------------------------------------- read


def test_get_sends_ignore_hidden_and_reads_properties(router, api):
    codecs: dict[str, Any] = {KEY_CODECS: ["audio/pcmu"]}
    route = router.get(f"{BASES}/{BASE_ID}").respond(200, json=base(**codecs))
    got = TrunkBaseApi(api).get(BASE_ID)
    assert route.calls.last.request.url.params["ignoreHidden"] == "true"
    assert got.instance(KEY_CODECS) == ["audio/pcmu"]
    assert got.inbound_site is not None and got.inbound_site.id == SITE_ID


def test_a_deleted_or_missing_base_is_gone(router, api):
    router.get(f"{BASES}/deleted").respond(200, json=base("deleted", state="deleted"))
    router.get(f"{BASES}/missing").respond(404, json=error(404, "not found", "not.found"))
    assert TrunkBaseApi(api).find("deleted") is None
    assert TrunkBaseApi(api).find("missing") is None
    with pytest.raises(NotFoundError):
        TrunkBaseApi(api).get("deleted")


def test_list_follows_pages_and_drops_deleted(router, api):
    route = router.get(BASES).mock(
        side_effect=[
            httpx.Response(200, json=listing([base("a", name="A"), base("b", state="deleted")], 1, 2)),
            httpx.Response(200, json=listing([base("c", name="C")], 2, 2)),
        ]
    )
    assert [b.id for b in TrunkBaseApi(api).list()] == ["a", "c"]
    assert [c.request.url.params["pageNumber"] for c in route.calls] == ["1", "2"]
    assert route.calls.last.request.url.params["pageSize"] == "100"


def test_find_by_name_with_a_star_lists_without_the_wildcard_filter(router, api):
    route = router.get(BASES).respond(200, json=listing([base(name="A*B"), base("x", name="AxB")]))
    found = TrunkBaseApi(api).find_by_name("A*B")
    assert found is not None and found.name == "A*B"
    assert "name" not in route.calls.last.request.url.params


# ---------------------------------------------------------------------------------------------- update


def test_update_with_the_known_version_is_one_put(router, api):
    put = router.put(f"{BASES}/{BASE_ID}").respond(200, json=base(version=4))
    assert TrunkBaseApi(api).update(BASE_ID, SPEC, version=3, template=TEMPLATE_BASE).version == 4
    body = sent(put)
    assert body["version"] == 3 and body["properties"][KEY_PASSWORD] == {"value": {"instance": PASSWORD}}
    assert calls(api) == {f"PUT {BASES}/{{id}}": 1}


def test_update_without_a_version_reads_it_first(router, api):
    router.get(f"{BASES}/{BASE_ID}").respond(200, json=base(version=7))
    put = router.put(f"{BASES}/{BASE_ID}").respond(200, json=base(version=8))
    TrunkBaseApi(api).update(BASE_ID, SPEC)
    assert sent(put)["version"] == 7


@pytest.mark.parametrize("status,message", [(409, VERSION_409), (400, VERSION_400)])
def test_version_mismatch_gets_and_puts_again(router, api, status, message):
    router.get(f"{BASES}/{BASE_ID}").respond(200, json=base(version=5))
    put = router.put(f"{BASES}/{BASE_ID}").mock(
        side_effect=[
            httpx.Response(status, json=error(status, message, "general.conflict")),
            httpx.Response(200, json=base(version=6)),
        ]
    )
    assert TrunkBaseApi(api).update(BASE_ID, SPEC, version=2).version == 6
    assert [json.loads(c.request.content)["version"] for c in put.calls] == [2, 5]
    assert calls(api) == {f"PUT {BASES}/{{id}}": 2, f"GET {BASES}/{{id}}": 1}
    assert api.stats.version_conflicts == 1


def test_version_mismatch_is_bounded(router, api):
    router.get(f"{BASES}/{BASE_ID}").respond(200, json=base(version=5))
    put = router.put(f"{BASES}/{BASE_ID}").respond(409, json=error(409, VERSION_409, "general.conflict"))
    with pytest.raises(VersionConflictError):
        TrunkBaseApi(api).update(BASE_ID, SPEC, version=1)
    assert put.call_count == api.version_conflict_retries + 1


def test_other_400_on_update_is_not_retried(router, api):
    put = router.put(f"{BASES}/{BASE_ID}").respond(400, json=error(400, "trunk_media_codec: invalid value"))
    with pytest.raises(ValidationError) as info:
        TrunkBaseApi(api).update(BASE_ID, SPEC, version=1)
    assert not isinstance(info.value, VersionConflictError)
    assert put.call_count == 1


def test_update_without_a_password_keeps_the_stored_one(router, api):
    put = router.put(f"{BASES}/{BASE_ID}").respond(200, json=base(version=2))
    no_password = SPEC.model_copy(
        update={"properties": {k: v for k, v in SPEC.properties.items() if k != KEY_PASSWORD}}
    )
    TrunkBaseApi(api).update(BASE_ID, no_password, version=1, template=TEMPLATE_BASE)
    assert KEY_PASSWORD not in sent(put)["properties"]


def test_update_of_a_deleted_base_is_not_found(router, api):
    router.get(f"{BASES}/{BASE_ID}").respond(200, json=base(state="deleted"))
    with pytest.raises(NotFoundError):
        TrunkBaseApi(api).update(BASE_ID, SPEC)


# ---------------------------------------------------------------------------------------------- delete


def test_delete_is_one_call_and_404_is_done(router, api):
    router.delete(f"{BASES}/{BASE_ID}").respond(204)
    router.delete(f"{BASES}/gone").respond(404, json=error(404, "not found", "not.found"))
    assert TrunkBaseApi(api).delete(BASE_ID) is True
    assert TrunkBaseApi(api).delete("gone") is False
    assert calls(api) == {f"DELETE {BASES}/{{id}}": 2}


def test_delete_in_use_is_retried_until_it_goes(router, api, clock):
    in_use = httpx.Response(400, json=error(400, "Trunk base settings is in use by an outbound route"))
    route = router.delete(f"{BASES}/{BASE_ID}").mock(side_effect=[in_use, in_use, httpx.Response(204)])
    assert TrunkBaseApi(api).delete(BASE_ID) is True
    assert route.call_count == 3
    assert clock.sleeps == [5.0, 5.0]


def test_delete_in_use_gives_up_after_the_bound_with_a_clear_error(router, api, clock):
    route = router.delete(f"{BASES}/{BASE_ID}").respond(
        400, json=error(400, "Trunk base settings is in use by an outbound route")
    )
    with pytest.raises(InUseError) as info:
        TrunkBaseApi(api).delete(BASE_ID, in_use_seconds=20, interval=5)
    text = str(info.value)
    assert "in use by an outbound route" in text and "remove it there" in text and BASE_ID in text
    assert route.call_count == 5 and clock.slept == 20  # at 0, 5, 10, 15 and 20 s


# ---------------------------------------------------------------------------------------------- instances


def test_registration_reads_the_instances_of_the_base(router, api):
    refused = {"proxyAddress": "sip.carrier.example", "registerState": False, "errorInfo": {"text": "403 Forbidden"}}
    route = router.get(TRUNKS).respond(
        200,
        json=listing([trunk("t1"), trunk("t2", registers=[refused]), trunk("t3", state="deleted")]),
    )
    status = roll_up(TrunkInstancesApi(api).trunks(BASE_ID))
    assert route.calls.last.request.url.params["trunkBase.id"] == BASE_ID
    assert status.status == "failed" and status.reason is not None and "403 Forbidden" in status.reason
    assert status.trunk_ids == ["t1", "t2"]
    assert calls(api) == {f"GET {TRUNKS}": 1}


def test_list_trunks_pages(router, api):
    router.get(TRUNKS).mock(
        side_effect=[
            httpx.Response(200, json=listing([trunk("t1")], 1, 2)),
            httpx.Response(200, json=listing([trunk("t2")], 2, 2)),
        ]
    )
    assert [t.id for t in TrunkInstancesApi(api).trunks(BASE_ID)] == ["t1", "t2"]


def test_trunk_instances_of_every_external_base(router, api):
    route = router.get(TRUNKS).mock(return_value=httpx.Response(200, json=listing([trunk("t1")])))
    assert [t.id for t in TrunkInstancesApi(api).trunks(trunk_type="EXTERNAL")] == ["t1"]
    params = route.calls.last.request.url.params
    assert params["trunkType"] == "EXTERNAL" and "trunkBase.id" not in params


def test_every_trunk_base_with_its_properties_deleted_ones_included(router, api):
    route = router.get(BASES).mock(
        side_effect=[
            httpx.Response(200, json=listing([base("b1")], 1, 2)),
            httpx.Response(200, json=listing([base("b2", state="deleted")], 2, 2)),
        ]
    )
    found = list(TrunkBaseApi(api).list_all(properties=True))
    assert [(b.id, b.state) for b in found] == [("b1", "active"), ("b2", "deleted")]
    assert found[0].properties and "********" not in repr(found[0].model_dump(exclude={"properties"}))
    params = route.calls.last.request.url.params
    assert params["expand"] == "properties" and params["ignoreHidden"] == "true" and params["pageNumber"] == "2"
    assert calls(api) == {f"GET {BASES}": 2}


# ---------------------------------------------------------------------------------------------- audits


AUDIT = {
    "id": "a1",
    "user": {"id": "u1", "name": "Ada Admin"},
    "serviceName": "Telephony",
    "eventDate": "2026-12-01T10:00:00.000Z",
    "action": "Update",
    "entity": {"id": BASE_ID, "name": "Carrier-A"},
    "entityType": "TrunkBase",
    "status": "SUCCESS",
    "propertyChanges": [{"property": "trunk_media_codec", "oldValues": ["audio/pcmu"], "newValues": ["audio/g729"]}],
}


def test_audits_realtime_query_for_one_base(router, api):
    by_client = {**AUDIT, "id": "a2", "user": None, "client": {"id": "oauth-1"}, "action": "Create"}
    route = router.post(AUDITS).respond(200, json=listing([by_client, AUDIT], size=500))
    since = datetime(2026, 11, 20, tzinfo=UTC)
    until = datetime(2026, 12, 1, 12, 0, 0, tzinfo=UTC)
    events = TrunkInstancesApi(api).audit_events(BASE_ID, since=since, until=until, filters={"Action": "Update"})
    body = sent(route)
    assert body["interval"] == "2026-11-20T00:00:00Z/2026-12-01T12:00:01Z"
    assert body["serviceName"] == "Telephony"
    assert body["filters"] == [
        {"property": "EntityType", "value": "TrunkBase"},
        {"property": "EntityId", "value": BASE_ID},
        {"property": "Action", "value": "Update"},
    ]
    assert body["sort"] == [{"name": "Timestamp", "sortOrder": "ascending"}]
    assert body["pageSize"] == 500 and body["pageNumber"] == 1
    assert [(e.action, e.actor) for e in events] == [("Create", "client oauth-1"), ("Update", "user Ada Admin")]
    assert events[1].property_changes[0].new_values == ["audio/g729"]


def test_audit_query_is_a_read_and_is_retried_on_a_gateway_error(router, api):
    route = router.post(AUDITS).mock(
        side_effect=[
            httpx.Response(504, json=error(504, "timeout", "gateway.timeout")),
            httpx.Response(200, json=listing([AUDIT])),
        ]
    )
    assert [e.id for e in TrunkInstancesApi(api).audit_events(BASE_ID)] == ["a1"]
    assert route.call_count == 2


def test_audit_default_window_is_fourteen_days(router, api):
    route = router.post(AUDITS).respond(200, json=listing([]))
    TrunkInstancesApi(api).audit_events(BASE_ID)
    start, end = (datetime.fromisoformat(p) for p in sent(route)["interval"].split("/"))
    assert 14 * 86400 <= (end - start).total_seconds() <= 14 * 86400 + 2


def test_forbidden_audits_name_the_error(router, api):
    router.post(AUDITS).respond(403, json=error(403, "Missing permission audits:audit:view", "missing.permissions"))
    with pytest.raises(GenesysApiError) as info:
        TrunkInstancesApi(api).audit_events(BASE_ID)
    assert info.value.status == 403 and "audits:audit:view" in str(info.value)


def test_no_password_in_any_log_line_of_a_create_update_and_refusal(router, api, caplog):
    caplog.set_level(logging.DEBUG)
    router.post(BASES).mock(
        side_effect=[
            httpx.Response(200, json=base()),
            httpx.Response(400, json=error(400, f"value {PASSWORD} rejected")),
        ]
    )
    router.get(BASES).respond(200, json=listing([]))
    router.put(f"{BASES}/{BASE_ID}").respond(409, json=error(409, VERSION_409, "general.conflict"))
    router.get(f"{BASES}/{BASE_ID}").respond(200, json=base(version=2))
    TrunkBaseApi(api).create(SPEC, TEMPLATE_BASE)
    with pytest.raises(ValidationError):
        TrunkBaseApi(api).create(SPEC)
    with pytest.raises(VersionConflictError):
        TrunkBaseApi(api).update(BASE_ID, SPEC, version=1)
    assert caplog.records and PASSWORD not in caplog.text
    assert PASSWORD not in repr(trunk_base_api.create_trunk_base(SPEC))


def test_template_and_site_are_read_once_per_client_even_from_eight_threads(router, api):
    started = threading.Barrier(8)

    def slow_template(request: httpx.Request) -> httpx.Response:
        time.sleep(0.05)  # keep the read in flight while the other threads arrive
        return httpx.Response(200, json=template())

    route = router.get(TEMPLATE).mock(side_effect=slow_template)
    site = router.get(f"{SITES}/{SITE_ID}").respond(200, json={"id": SITE_ID, "name": "Cloud BYOC Site"})
    router.get(f"{SITES}/missing").respond(404, json=error(404, "not found", "not.found"))
    got: list[object] = []

    def worker() -> None:
        started.wait()
        got.append(TrunkBaseApi(api).template())
        got.append(sites.find(api, SITE_ID))

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(5)
    assert len(got) == 16
    assert route.call_count == 1 and site.call_count == 1
    assert sites.find(api, "missing") is None and sites.find(api, "missing") is None
    assert calls(api)[f"GET {SITES}/{{id}}"] == 2


def test_a_failed_template_read_is_not_kept(router, api):
    route = router.get(TEMPLATE).mock(
        side_effect=[
            httpx.Response(403, json=error(403, "missing telephony", "missing.permissions")),
            httpx.Response(200, json=template()),
        ]
    )
    with pytest.raises(GenesysApiError):
        TrunkBaseApi(api).template()
    assert TrunkBaseApi(api).template().name == "Generic BYOC Carrier"
    assert route.call_count == 2


def test_a_password_given_as_plain_text_is_kept_out_of_errors_too(router, api):
    plain = SPEC.model_copy(update={"properties": {**SPEC.properties, KEY_PASSWORD: PASSWORD}})
    router.put(f"{BASES}/{BASE_ID}").respond(400, json=error(400, f"{KEY_PASSWORD}={PASSWORD} is too weak"))
    with pytest.raises(ValidationError) as info:
        TrunkBaseApi(api).update(BASE_ID, plain, version=1)
    assert PASSWORD not in str(info.value) and "***" in str(info.value)
