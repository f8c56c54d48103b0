"""Taking existing edges and webhooks over: looked up before any POST, in listings read once per provider
process, and written once (an edge, for its write-only password) or only when a setting differs (a webhook)."""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from entities.edge import EdgeProvider
from entities.webhook import WebhookProvider
from genesys_api.testing import error_body
from lifecycle import created_here
from lifecycle.errors import ProviderError
from tests.support.results import outs_of
from tests.unit.provider_fixtures import (
    EDGES,
    GROUP,
    PASSWORD,
    PROFILE,
    PROFILES,
    WEBHOOKS,
    edge_entity,
    edge_inputs,
    page,
)
from tests.unit.test_provider_webhook import webhook_entity, webhook_inputs

edges = EdgeProvider()
webhooks = WebhookProvider()


@pytest.fixture(autouse=True)
def _fresh_process():
    created_here.forget_all()
    yield
    created_here.forget_all()


def user(i: int) -> str:
    return f"user-{i}"


def trunk(api, i: int = 0, **over):
    """A checked trunk registering as user-i (the catalogue read mocked)."""
    api.get(f"{PROFILES}/{PROFILE}").respond(200, json={"id": PROFILE, "name": "P", "codecs": ["G711u", "G729"]})
    registration = {"host": "sip.carrier.example.com", "username": user(i)}
    result = edges.check({}, {"__provider": "p", **edge_inputs(name=f"trunk-{i}", registration=registration, **over)})
    assert result.failures == [], [f.reason for f in result.failures]
    return {"__provider": "p", **result.inputs}


def existing(i: int, version: int = 1, **over):
    registration = {"type": "REGISTER", "host": "SIP.carrier.example.com", "port": 5060, "username": user(i)}
    return edge_entity(f"e{i}", version=version, name=f"trunk-{i}", registration=registration, **over)


def put_echo(request: httpx.Request) -> httpx.Response:
    """A PUT's reply: the edge with the next version."""
    edge_id = request.url.path.rsplit("/", 1)[1]
    body = json.loads(request.content)
    return httpx.Response(200, json=existing(int(edge_id[1:]), version=body["version"] + 1))


# -- edges ---------------------------------------------------------------------------------------


def test_adopt_looks_first_and_writes_one_put_with_the_password_at_the_listed_version(api):
    post = api.post(EDGES).respond(201, json=edge_entity())
    listed = api.get(EDGES, params={"edgeGroupId": GROUP}).respond(200, json=page(existing(0, version=3)))
    get = api.get(f"{EDGES}/e0").respond(200, json=existing(0, version=3))
    put = api.put(f"{EDGES}/e0").mock(side_effect=put_echo)
    result = edges.create(trunk(api, adopt=True))
    assert result.id == "e0" and outs_of(result)["adopted"] is True and outs_of(result)["version"] == 4
    assert post.call_count == 0 and get.call_count == 0 and listed.call_count == 1 and put.call_count == 1
    body = json.loads(put.calls[0].request.content)
    assert body["version"] == 3 and body["registration"]["password"] == PASSWORD


def test_concurrent_adopts_share_one_listing_of_the_group(api):
    listed = api.get(EDGES, params={"edgeGroupId": GROUP}).respond(200, json=page(*(existing(i) for i in range(32))))
    put = api.put(url__regex=rf"{EDGES}/e\d+$").mock(side_effect=put_echo)
    post = api.post(EDGES).respond(201, json=edge_entity())
    props = [trunk(api, i, adopt=True) for i in range(32)]
    with ThreadPoolExecutor(32) as pool:
        results = list(pool.map(edges.create, props))
    assert [r.id for r in results] == [f"e{i}" for i in range(32)]
    assert listed.call_count == 1 and put.call_count == 32 and post.call_count == 0


def test_adopt_finds_an_edge_made_after_the_listing_was_read_before_posting(api):
    listed = api.get(EDGES, params={"edgeGroupId": GROUP}).mock(
        side_effect=[
            httpx.Response(200, json=page(existing(0))),
            httpx.Response(200, json=page(existing(0), existing(1))),
        ]
    )
    api.put(url__regex=rf"{EDGES}/e\d+$").mock(side_effect=put_echo)
    post = api.post(EDGES).respond(201, json=edge_entity())
    assert edges.create(trunk(api, 0, adopt=True)).id == "e0"
    assert edges.create(trunk(api, 1, adopt=True)).id == "e1"  # made meanwhile, by someone else
    assert listed.call_count == 2 and post.call_count == 0


def test_adopt_finds_an_edge_this_process_created_without_another_listing(api):
    listed = api.get(EDGES, params={"edgeGroupId": GROUP}).respond(200, json=page(existing(0)))
    api.put(url__regex=rf"{EDGES}/e\d+$").mock(side_effect=put_echo)
    post = api.post(EDGES).respond(201, json=existing(7))
    edges.create(trunk(api, 0, adopt=True))
    assert outs_of(edges.create(trunk(api, 7)))["adopted"] is False  # created here, after the listing
    assert edges.create(trunk(api, 7, adopt=True)).id == "e7"
    assert listed.call_count == 1 and post.call_count == 1


def test_adopt_with_nothing_to_take_over_creates_after_one_listing(api):
    listed = api.get(EDGES, params={"edgeGroupId": GROUP}).respond(200, json=page(existing(1)))
    post = api.post(EDGES).respond(201, json=existing(0))
    result = edges.create(trunk(api, 0, adopt=True))
    assert result.id == "e0" and outs_of(result)["adopted"] is False
    assert listed.call_count == 1 and post.call_count == 1  # the listing was read for this look-up: no second


def test_adopt_whose_edge_appears_between_the_look_up_and_the_post_is_taken_over(api):
    api.get(EDGES, params={"edgeGroupId": GROUP}).mock(
        side_effect=[httpx.Response(200, json=page()), httpx.Response(200, json=page(existing(0, version=2)))]
    )
    api.post(EDGES).respond(409, json=error_body(409, "general.conflict", "exists"))
    put = api.put(f"{EDGES}/e0").mock(side_effect=put_echo)
    result = edges.create(trunk(api, 0, adopt=True))
    assert result.id == "e0" and outs_of(result)["adopted"] is True
    assert json.loads(put.calls[0].request.content)["version"] == 2


def test_without_adopt_the_post_comes_first_and_a_duplicate_says_how_to_adopt(api):
    order: list[str] = []

    def on_post(_request: httpx.Request) -> httpx.Response:
        order.append("POST")
        return httpx.Response(409, json=error_body(409, "conflict", "exists"))

    def on_get(_request: httpx.Request) -> httpx.Response:
        order.append("GET")
        return httpx.Response(200, json=page(existing(0)))

    api.post(EDGES).mock(side_effect=on_post)
    api.get(EDGES).mock(side_effect=on_get)
    put = api.put(f"{EDGES}/e0").respond(200, json=existing(0))
    with pytest.raises(ProviderError) as info:
        edges.create(trunk(api, 0))
    assert order == ["POST", "GET"] and put.call_count == 0
    assert "adopt: true" in str(info.value) and "e0" in str(info.value)


def test_an_adopt_that_loses_its_version_race_rereads_and_puts_again(api):
    api.get(EDGES, params={"edgeGroupId": GROUP}).respond(200, json=page(existing(0, version=1)))
    api.get(f"{EDGES}/e0").respond(200, json=existing(0, version=2))
    put = api.put(f"{EDGES}/e0").mock(
        side_effect=[httpx.Response(409, json=error_body(409, "version.mismatch", "stale")), put_echo]
    )
    assert outs_of(edges.create(trunk(api, 0, adopt=True)))["version"] == 3
    assert [json.loads(c.request.content)["version"] for c in put.calls] == [1, 2]


def test_a_deleted_edge_is_not_adopted_from_the_listing(api):
    listed = api.get(EDGES, params={"edgeGroupId": GROUP}).mock(
        side_effect=[
            httpx.Response(200, json=page(existing(0), existing(1))),
            httpx.Response(200, json=page(existing(1))),
        ]
    )
    api.put(url__regex=rf"{EDGES}/e\d+$").mock(side_effect=put_echo)
    api.delete(f"{EDGES}/e0").respond(204)
    post = api.post(EDGES).respond(201, json=existing(0, id="e9"))
    edges.create(trunk(api, 1, adopt=True))
    edges.delete("e0", {})
    assert outs_of(edges.create(trunk(api, 0, adopt=True)))["adopted"] is False
    assert listed.call_count == 2 and post.call_count == 1


def test_an_edge_deleted_after_it_was_listed_is_created_again(api):
    api.get(EDGES, params={"edgeGroupId": GROUP}).respond(200, json=page(existing(0)))
    put = api.put(f"{EDGES}/e0").respond(404, json=error_body(404, "not.found", "gone"))
    post = api.post(EDGES).respond(201, json=existing(0, id="e9"))
    result = edges.create(trunk(api, 0, adopt=True))
    assert result.id == "e9" and outs_of(result)["adopted"] is False
    assert put.call_count == 1 and post.call_count == 1


# -- webhooks ------------------------------------------------------------------------------------


def checked_webhook(**over):
    return {"__provider": "p", **webhooks.check({}, {"__provider": "p", **webhook_inputs(**over)}).inputs}


def test_a_webhook_already_as_desired_is_taken_over_without_a_write(api):
    listed = api.get(WEBHOOKS).respond(200, json=page(webhook_entity("w1", version=4)))
    put = api.put(f"{WEBHOOKS}/w1").respond(200, json=webhook_entity("w1", version=5))
    post = api.post(WEBHOOKS).respond(201, json=webhook_entity("new"))
    result = webhooks.create(checked_webhook())
    assert result.id == "w1" and outs_of(result)["version"] == 4
    assert listed.call_count == 1 and put.call_count == 0 and post.call_count == 0


def test_a_webhook_that_differs_is_put_once_at_the_listed_version(api):
    api.get(WEBHOOKS).respond(200, json=page(webhook_entity("w1", version=4)))
    get = api.get(f"{WEBHOOKS}/w1").respond(200, json=webhook_entity("w1", version=4))
    put = api.put(f"{WEBHOOKS}/w1").respond(200, json=webhook_entity("w1", version=5, description="ours"))
    result = webhooks.create(checked_webhook(description="ours"))
    assert result.id == "w1" and outs_of(result)["version"] == 5
    assert get.call_count == 0 and put.call_count == 1
    body = json.loads(put.calls[0].request.content)
    assert body["version"] == 4 and body["description"] == "ours"


def test_a_changed_header_is_a_difference(api):
    api.get(WEBHOOKS).respond(200, json=page(webhook_entity("w1", headers={"Authorization": "Bearer old"})))
    put = api.put(f"{WEBHOOKS}/w1").respond(200, json=webhook_entity("w1", version=2))
    webhooks.create(checked_webhook())
    assert put.call_count == 1


def test_webhooks_of_many_trunks_share_one_listing(api):
    hooks = [webhook_entity(f"w{i}", filterCriteria=f"resourceIds:[e{i}]") for i in range(8)]
    listed = api.get(WEBHOOKS).respond(200, json=page(*hooks))
    with ThreadPoolExecutor(8) as pool:
        results = list(
            pool.map(lambda i: webhooks.create(checked_webhook(filterCriteria=f"resourceIds:[e{i}]")), range(8))
        )
    assert [r.id for r in results] == [f"w{i}" for i in range(8)] and listed.call_count == 1


def test_a_webhook_deleted_after_it_was_listed_is_created_again(api):
    api.get(WEBHOOKS).respond(200, json=page(webhook_entity("w1")))
    put = api.put(f"{WEBHOOKS}/w1").respond(404, json=error_body(404, "not.found", "gone"))
    post = api.post(WEBHOOKS).respond(201, json=webhook_entity("w2", description="ours"))
    assert webhooks.create(checked_webhook(description="ours")).id == "w2"
    assert put.call_count == 1 and post.call_count == 1
