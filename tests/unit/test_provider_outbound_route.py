"""The OutboundRoute provider against a respx-mocked Platform API: preview's checks, the takeover of a site's
route, what is given back on delete, and a route an interrupted run left behind."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest
import respx
from pulumi.output import Unknown

from entities.outbound_route.provider import OutboundRouteProvider
from lifecycle.errors import ProviderError
from tests.support.results import outs_of
from tests.unit.cloud_fixtures import BASES, SITE_ID, SITES, base, error, listing

ROUTES = f"{SITES}/{SITE_ID}/outboundroutes"
DEFAULT_ID = "d0000000-0000-4000-8000-000000000001"
OURS = ["b7a1c2d3-0000-4000-8000-000000000001", "b7a1c2d3-0000-4000-8000-000000000002"]
ORG_BASE = "b7a1c2d3-0000-4000-8000-0000000000ff"


def route(route_id: str, name: str, kinds: list[str], bases: list[str], version: int = 1) -> dict[str, Any]:
    return {
        "id": route_id,
        "name": name,
        "version": version,
        "state": "active",
        "classificationTypes": kinds,
        "enabled": True,
        "distribution": "SEQUENTIAL",
        "externalTrunkBases": [{"id": b} for b in bases],
        "selfUri": f"{ROUTES}/{route_id}",
    }


DEFAULT = route(DEFAULT_ID, "Default Outbound Route", ["Emergency", "National", "Network", "International"], [ORG_BASE])


def inputs(name: str = "Default Outbound Route", **over: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "name": name,
        "siteId": SITE_ID,
        "classificationTypes": ["National", "International"],
        "trunkBaseIds": list(OURS),
        "distribution": "SEQUENTIAL",
        "enabled": True,
        "adopt": name == "Default Outbound Route",
        "siblings": [],
    }
    values.update(over)
    return values


def put_echo(request: httpx.Request) -> httpx.Response:
    body = json.loads(request.content)
    route_id = request.url.path.rsplit("/", 1)[1]
    kinds, bases = body["classificationTypes"], [b["id"] for b in body["externalTrunkBases"]]
    return httpx.Response(200, json=route(route_id, body["name"], kinds, bases, body["version"] + 1))


@pytest.fixture
def org(api: respx.MockRouter) -> respx.MockRouter:
    api.get(f"{SITES}/{SITE_ID}", name="site").respond(200, json={"id": SITE_ID, "name": "Cloud BYOC Site"})
    api.get(SITES, name="sites").respond(200, json=listing([{"id": SITE_ID, "name": "Cloud BYOC Site"}]))
    kinds = ["Emergency", "Extension", "National", "International", "Network"]
    api.get(f"{SITES}/{SITE_ID}/numberplans/classifications", name="kinds").respond(200, json=kinds)
    for i, base_id in enumerate(OURS):
        api.get(f"{BASES}/{base_id}").respond(200, json=base(base_id, f"carrier-{i}"))
    api.get(ROUTES, name="routes").respond(200, json=listing([DEFAULT]))
    api.put(f"{ROUTES}/{DEFAULT_ID}", name="put").mock(side_effect=put_echo)
    return api


def test_preview_names_an_unknown_classification_and_reads_each_thing_once(org):
    provider = OutboundRouteProvider()
    bad = provider.check({}, inputs(classificationTypes=["National", "Premium"]))
    assert [(f.property, f.reason) for f in bad.failures] == [
        (
            "classificationTypes",
            f"outbound route 'Default Outbound Route': classificationTypes[1] 'Premium' is not a classification of "
            f"site {SITE_ID}'s number plans; it has: Emergency, Extension, National, International, Network",
        )
    ]
    assert provider.check({}, inputs()).failures == []
    assert org.routes["kinds"].call_count == 1


def test_a_first_preview_checks_the_site_while_the_trunk_bases_are_still_to_be_made(org):
    provider = OutboundRouteProvider()
    waiting = inputs(classificationTypes=["Premium"], trunkBaseIds=[Unknown(), Unknown()])
    assert [f.property for f in provider.check({}, waiting).failures] == ["classificationTypes"]
    assert provider.check({}, inputs(trunkBaseIds=[Unknown()])).failures == []
    from_elsewhere = inputs(siteId=Unknown(), classificationTypes=["Premium"])
    assert provider.check({}, from_elsewhere).failures == []


def test_a_no_op_preview_reads_nothing(org):
    provider = OutboundRouteProvider()
    olds = provider.check({}, inputs()).inputs
    calls = org.calls.call_count
    assert provider.check(olds, inputs()).failures == []
    assert org.calls.call_count == calls


def test_the_default_route_is_taken_over_with_one_put_and_given_back_on_delete(org):
    post = org.post(ROUTES, name="post").respond(200, json=route("x", "x", [], []))
    provider = OutboundRouteProvider()
    created = provider.create(provider.check({}, inputs()).inputs)
    assert post.call_count == 0 and org.routes["put"].call_count == 1
    assert created.id == DEFAULT_ID and outs_of(created)["takenOver"] is True
    # What the route was, without this stack's trunk bases (they go with the stack).
    assert outs_of(created)["restoreTo"]["trunkBaseIds"] == [ORG_BASE]
    sent = json.loads(org.routes["put"].calls[0].request.content)
    assert sent["version"] == 1 and [b["id"] for b in sent["externalTrunkBases"]] == OURS

    delete = org.delete(f"{ROUTES}/{DEFAULT_ID}", name="delete").respond(204)
    now = route(DEFAULT_ID, "Default Outbound Route", [], [], 2)
    org.get(f"{ROUTES}/{DEFAULT_ID}", name="get").respond(200, json=now)
    provider.delete(DEFAULT_ID, outs_of(created))
    assert delete.call_count == 0
    restored = json.loads(org.routes["put"].calls[-1].request.content)
    assert restored["version"] == 2 and org.routes["get"].call_count == 0  # the state's version: no read first
    assert restored["classificationTypes"] == DEFAULT["classificationTypes"]
    assert [b["id"] for b in restored["externalTrunkBases"]] == [ORG_BASE]


def test_a_route_of_the_name_made_elsewhere_is_refused_with_how_to_adopt(org):
    theirs = route("r2", "Carrier out", ["National"], [ORG_BASE])
    org.get(ROUTES, name="routes").respond(200, json=listing([DEFAULT, theirs]))
    org.post(ROUTES, name="post").respond(400, json=error(400, "OutboundRoute with name 'Carrier out' already exists."))
    provider = OutboundRouteProvider()
    with pytest.raises(ProviderError, match="set `adopt: true` on the route") as refused:
        provider.create(provider.check({}, inputs("Carrier out", classificationTypes=["National"])).inputs)
    assert "r2" in str(refused.value) and "outbound route 'Carrier out' of site" in str(refused.value)
    assert org.routes["put"].call_count == 0


def test_a_route_an_interrupted_run_made_over_the_stacks_bases_is_taken_as_created(org):
    left = route("r3", "Carrier out", ["National"], OURS, version=1)
    org.get(ROUTES, name="routes").respond(200, json=listing([DEFAULT, left]))
    org.post(ROUTES, name="post").respond(400, json=error(400, "OutboundRoute with name 'Carrier out' already exists."))
    put = org.put(f"{ROUTES}/r3", name="put3").mock(side_effect=put_echo)
    provider = OutboundRouteProvider()
    created = provider.create(provider.check({}, inputs("Carrier out", classificationTypes=["National"])).inputs)
    assert created.id == "r3" and outs_of(created)["takenOver"] is False and put.call_count == 1
    assert not outs_of(created).get("restoreTo")
    delete = org.delete(f"{ROUTES}/r3", name="delete").respond(204)
    provider.delete("r3", outs_of(created))
    assert delete.call_count == 1
