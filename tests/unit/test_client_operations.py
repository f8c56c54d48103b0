"""Operations: paths, payloads, paging, lookups, update-with-version, delete, webhooks, events, stats."""

from __future__ import annotations

import json

import httpx
import pydantic
import pytest

from entities.edge.api import EdgeApi, EdgeSpec
from entities.edge.catalogue import all_edge_groups, all_sip_profiles, read_edge_group, read_sip_profile
from entities.edge_registration.events import read_events
from entities.webhook.api import WebhookApi
from entities.webhook.settings import WebhookSpec
from genesys_api import (
    ClientSettings,
    GenesysClient,
    NotFoundError,
    VersionConflictError,
    close_shared_clients,
    shared_client,
)
from genesys_api.testing import client_for_tests, error_body, settings_for

EDGES = "/api/v2/telephony/providers/edges"
GROUP_ID = "3f1d2c4b-5a69-4e7f-8a1b-0c2d3e4f5a01"
PROFILE_ID = "9b8a7c6d-1e2f-4a3b-9c4d-5e6f7a8b9c01"
PASSWORD = "carrier-pass-123456"


def edge(edge_id: str = "e1", version: int = 1, **over) -> dict:
    base = {
        "id": edge_id,
        "selfUri": f"{EDGES}/{edge_id}",
        "version": version,
        "state": "active",
        "name": f"trunk-{edge_id}",
        "edgeGroupId": GROUP_ID,
        "edgeGroup": {"id": GROUP_ID, "selfUri": f"{EDGES}/edgegroups/{GROUP_ID}"},
        "sipProfileId": PROFILE_ID,
        "maxConcurrentSessions": 100,
        "codecs": ["G711u", "G729"],
        "registration": {"type": "REGISTER", "host": "sip.carrier.example.com", "port": 5060, "username": "u1"},
        "healthProbe": {"enabled": True, "intervalSeconds": 30},
        "registrationStatus": "registering",
        "registrationStatusReason": None,
        "registrationStatusChangedAt": "2026-11-28T13:00:00.000Z",
        "dateCreated": "2026-11-28T13:00:00.000Z",
        "dateModified": "2026-11-28T13:00:00.000Z",
        "someFutureField": {"ignored": True},
    }
    base.update(over)
    return base


def spec(password: str | None = PASSWORD) -> EdgeSpec:
    return EdgeSpec.model_validate(
        {
            "name": "trunk-e1",
            "edgeGroupId": GROUP_ID,
            "sipProfileId": PROFILE_ID,
            "maxConcurrentSessions": 100,
            "codecs": ["G711u", "G729"],
            "registration": {"host": "sip.carrier.example.com", "username": "u1", "password": password},
            "healthProbe": {"enabled": True, "intervalSeconds": 30},
        }
    )


def page(entities: list[dict], number: int, count: int, size: int = 100) -> dict:
    return {"entities": entities, "pageSize": size, "pageNumber": number, "total": 999, "pageCount": count}


def test_list_edges_follows_all_three_pages(router):
    pages = {
        "1": page([edge("a"), edge("b")], 1, 3),
        "2": page([edge("c"), edge("d")], 2, 3),
        "3": page([edge("e")], 3, 3),
    }
    route = router.get(EDGES).mock(
        side_effect=lambda request: httpx.Response(200, json=pages[request.url.params["pageNumber"]])
    )
    client = client_for_tests()
    assert [e.id for e in EdgeApi(client).list(edge_group_id=GROUP_ID, name="trunk")] == ["a", "b", "c", "d", "e"]
    assert route.call_count == 3
    params = [dict(c.request.url.params) for c in route.calls]
    assert [p["pageNumber"] for p in params] == ["1", "2", "3"]
    assert all(p["edgeGroupId"] == GROUP_ID and p["name"] == "trunk" and p["pageSize"] == "100" for p in params)
    assert client.stats.calls[f"GET {EDGES}"] == 3


def test_paging_without_page_count_stops_on_a_short_page(router):
    replies = [
        {"entities": [edge("a"), edge("b")]},
        {"entities": [edge("c")]},
    ]
    route = router.get(EDGES).mock(side_effect=[httpx.Response(200, json=r) for r in replies])
    client = client_for_tests(page_size=2)
    assert [e.id for e in EdgeApi(client).list()] == ["a", "b", "c"]
    assert route.call_count == 2


def test_read_model_parses_the_wire_shape(router):
    router.get(f"{EDGES}/e1").mock(return_value=httpx.Response(200, json=edge()))
    got = EdgeApi(client_for_tests()).get("e1")
    assert got.edge_group_id == GROUP_ID and got.group_id == GROUP_ID
    assert got.registration is not None
    assert got.registration.host == "sip.carrier.example.com" and got.registration.port == 5060
    assert got.health_probe is not None and got.health_probe.interval_seconds == 30
    assert got.registration_status == "registering" and got.version == 1
    assert got.date_created is not None and got.date_created.year == 2026


def test_get_missing_edge_raises(router):
    router.get(f"{EDGES}/gone").mock(return_value=httpx.Response(404, json=error_body(404, "not.found", "gone")))
    client = client_for_tests()
    with pytest.raises(NotFoundError):
        EdgeApi(client).get("gone")


def test_ids_cannot_escape_their_path_segment(router):
    route = router.get(url__regex=rf"{EDGES}/.+").mock(return_value=httpx.Response(200, json=edge()))
    EdgeApi(client_for_tests()).get("../webhooks?x=1")
    assert route.calls.last.request.url.raw_path.decode() == f"{EDGES}/..%2Fwebhooks%3Fx%3D1"


def test_create_edge_sends_camel_case_and_the_password(router):
    post = router.post(EDGES).mock(return_value=httpx.Response(201, json=edge()))
    created = EdgeApi(client_for_tests()).create(spec())
    body = json.loads(post.calls.last.request.content)
    assert body == {
        "name": "trunk-e1",
        "edgeGroupId": GROUP_ID,
        "sipProfileId": PROFILE_ID,
        "maxConcurrentSessions": 100,
        "codecs": ["G711u", "G729"],
        "registration": {
            "type": "REGISTER",
            "host": "sip.carrier.example.com",
            "port": 5060,
            "username": "u1",
            "password": PASSWORD,
        },
        "healthProbe": {"enabled": True, "intervalSeconds": 30},
    }
    assert created.id == "e1"


def test_find_edge_by_registration(router):
    router.get(EDGES).mock(
        return_value=httpx.Response(
            200,
            json=page(
                [
                    edge("x", registration={"type": "REGISTER", "host": "other.example", "username": "u1"}),
                    edge("y", registration={"type": "REGISTER", "host": "SIP.Carrier.Example.com", "username": "u1"}),
                ],
                1,
                1,
            ),
        )
    )
    client = client_for_tests()
    found = EdgeApi(client).find_by_registration(GROUP_ID, "sip.carrier.example.com", "u1")
    assert found is not None and found.id == "y"
    assert EdgeApi(client).find_by_registration(GROUP_ID, "sip.carrier.example.com", "u2") is None


def test_update_edge_gets_the_version_and_puts_it(router):
    router.get(f"{EDGES}/e1").mock(return_value=httpx.Response(200, json=edge(version=4)))
    put = router.put(f"{EDGES}/e1").mock(return_value=httpx.Response(200, json=edge(version=5)))
    updated = EdgeApi(client_for_tests()).update("e1", spec(password=None))
    body = json.loads(put.calls.last.request.content)
    assert body["version"] == 4
    assert "password" not in body["registration"]  # kept by the server
    assert updated.version == 5


def test_update_edge_retries_a_version_conflict(router):
    get = router.get(f"{EDGES}/e1").mock(side_effect=[httpx.Response(200, json=edge(version=v)) for v in (1, 2)])
    stale = httpx.Response(409, json=error_body(409, "version.mismatch", "The version number ... must match"))
    put = router.put(f"{EDGES}/e1").mock(side_effect=[stale, httpx.Response(200, json=edge(version=3))])
    client = client_for_tests()
    assert EdgeApi(client).update("e1", spec()).version == 3
    assert get.call_count == 2 and put.call_count == 2
    assert [json.loads(c.request.content)["version"] for c in put.calls] == [1, 2]
    assert client.stats.version_conflicts == 1


def test_update_edge_gives_up_after_a_few_conflicts(router):
    router.get(f"{EDGES}/e1").mock(return_value=httpx.Response(200, json=edge(version=1)))
    stale = httpx.Response(409, json=error_body(409, "version.mismatch", "stale"))
    put = router.put(f"{EDGES}/e1").mock(return_value=stale)
    with pytest.raises(VersionConflictError):
        EdgeApi(client_for_tests(version_conflict_retries=2)).update("e1", spec())
    assert put.call_count == 3


def test_delete_edge_true_then_false_when_gone(router):
    router.delete(f"{EDGES}/e1").mock(
        side_effect=[httpx.Response(204), httpx.Response(404, json=error_body(404, "not.found", "gone"))]
    )
    client = client_for_tests()
    assert EdgeApi(client).delete("e1") is True
    assert EdgeApi(client).delete("e1") is False


def test_sip_profiles_and_edge_groups(router):
    router.get("/api/v2/telephony/providers/sipprofiles").mock(
        return_value=httpx.Response(
            200, json=page([{"id": PROFILE_ID, "name": "Carrier Standard", "codecs": ["G711u"]}], 1, 1)
        )
    )
    router.get(f"/api/v2/telephony/providers/sipprofiles/{PROFILE_ID}").mock(
        return_value=httpx.Response(200, json={"id": PROFILE_ID, "name": "Carrier Standard", "codecs": ["G711u"]})
    )
    router.get(f"{EDGES}/edgegroups").mock(
        return_value=httpx.Response(200, json=page([{"id": GROUP_ID, "name": "Primary BYOC Group"}], 1, 1))
    )
    router.get(f"{EDGES}/edgegroups/{GROUP_ID}").mock(
        return_value=httpx.Response(200, json={"id": GROUP_ID, "name": "Primary BYOC Group"})
    )
    client = client_for_tests()
    assert [p.codecs for p in all_sip_profiles(client)] == [["G711u"]]
    assert read_sip_profile(client, PROFILE_ID).name == "Carrier Standard"
    assert [g.name for g in all_edge_groups(client)] == ["Primary BYOC Group"]
    assert read_edge_group(client, GROUP_ID).id == GROUP_ID


def test_webhook_lifecycle(router):
    hook = {
        "id": "w1",
        "version": 1,
        "name": "Trunk-Status-Monitor",
        "apiVersion": "v2",
        "eventType": ["telephony:edge:status:changed"],
        "filterCriteria": "",
        "targetUri": "http://127.0.0.1:9000/hook",
        "headers": {"X-Genesys-Event": "true"},
        "enabled": True,
    }
    post = router.post("/api/v2/webhooks").mock(return_value=httpx.Response(201, json=hook))
    router.get("/api/v2/webhooks").mock(return_value=httpx.Response(200, json=page([hook], 1, 1)))
    router.get("/api/v2/webhooks/w1").mock(return_value=httpx.Response(200, json=hook))
    put = router.put("/api/v2/webhooks/w1").mock(return_value=httpx.Response(200, json={**hook, "version": 2}))
    router.delete("/api/v2/webhooks/w1").mock(return_value=httpx.Response(204))
    client = client_for_tests()
    desired = WebhookSpec(
        name="Trunk-Status-Monitor",
        event_type=["telephony:edge:status:changed"],
        target_uri="http://127.0.0.1:9000/hook",
        headers={"X-Genesys-Event": "true"},
    )
    assert WebhookApi(client).create(desired).id == "w1"
    assert json.loads(post.calls.last.request.content) == {
        "name": "Trunk-Status-Monitor",
        "apiVersion": "v2",
        "eventType": ["telephony:edge:status:changed"],
        "filterCriteria": "",
        "targetUri": "http://127.0.0.1:9000/hook",
        "headers": {"X-Genesys-Event": "true"},
        "enabled": True,
    }
    assert [w.id for w in WebhookApi(client).list()] == ["w1"]
    assert WebhookApi(client).get("w1").target_uri == "http://127.0.0.1:9000/hook"
    assert WebhookApi(client).update("w1", desired).version == 2
    assert json.loads(put.calls.last.request.content)["version"] == 1
    assert WebhookApi(client).delete("w1") is True


def test_query_events_builds_the_filter(router):
    event = {
        "id": "ev1",
        "eventType": "telephony:edge:registration:success",
        "resourceId": "e1",
        "resourceType": "edge",
        "timestamp": "2026-11-28T13:00:01.000Z",
        "actor": {"clientId": "genesys-trunks-dev"},
        "details": {"status": "registered", "previousStatus": "registering", "reason": None},
    }
    route = router.post("/api/v2/analytics/events/query").mock(
        return_value=httpx.Response(200, json={"events": [event]})
    )
    events = read_events(client_for_tests(), ["e1", "e2"], ["telephony:edge:registration:success"])
    assert json.loads(route.calls.last.request.content) == {
        "type": "events",
        "filter": "resourceIds:[e1,e2] AND eventTypes:[telephony:edge:registration:success]",
    }
    assert events[0].event_type == "telephony:edge:registration:success"
    assert events[0].actor is not None and events[0].actor.client_id == "genesys-trunks-dev"
    assert events[0].details["status"] == "registered"


def test_stats_count_calls_by_template(router):
    router.get(url__regex=rf"{EDGES}/e\d").mock(return_value=httpx.Response(200, json=edge()))
    client = client_for_tests()
    for i in range(3):
        EdgeApi(client).get(f"e{i}")
    snap = client.stats.snapshot()
    assert snap["calls"] == {"POST /oauth/token": 1, f"GET {EDGES}/{{id}}": 3}
    assert snap["token_fetches"] == 1 and snap["retries"] == 0 and snap["rate_limited"] == 0
    json.dumps(snap)


@pytest.mark.parametrize(
    "change,field",
    [
        ({"codecs": ["G722"]}, "codecs"),
        ({"codecs": ["G711u", "G711u"]}, "codecs"),
        ({"maxConcurrentSessions": 2001}, "maxConcurrentSessions"),
        ({"registration": {"host": "sip://x", "username": "u"}}, "registration"),
        ({"registration": {"host": "x.example:5060", "username": "u"}}, "registration"),
        ({"surprise": 1}, "surprise"),
    ],
)
def test_edge_spec_rejects_bad_input_before_any_call(change, field):
    data = {
        "name": "t",
        "edgeGroupId": GROUP_ID,
        "sipProfileId": PROFILE_ID,
        "maxConcurrentSessions": 1,
        "codecs": ["G711u"],
        "registration": {"host": "sip.example.com", "username": "u"},
    }
    data.update(change)
    with pytest.raises(pydantic.ValidationError) as info:
        EdgeSpec.model_validate(data)
    assert field in str(info.value)


def test_shared_client_is_one_per_settings():
    try:
        a = shared_client(settings_for())
        b = shared_client(settings_for())
        c = shared_client(settings_for(client_id="other"))
        assert a is b and a is not c
        assert isinstance(a, GenesysClient)
        assert a.auth is b.auth and a.pacer is b.pacer
    finally:
        close_shared_clients()


def test_client_is_cheap_and_lazy():
    client = GenesysClient(
        ClientSettings.model_validate({"api_url": "http://x.test", "client_id": "i", "client_secret": "hush-hush"})
    )
    assert client._http_client is None  # no pool until the first call
    assert "hush-hush" not in repr(client) and "hush-hush" not in repr(client.auth)
    client.close()
