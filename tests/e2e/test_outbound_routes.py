"""Outbound routes end to end: the real pulumi CLI and the OutboundRoute provider against the emulator's sites,
each test on an org of its own (a site's default route is shared state), with out-of-band edits made through
the Platform API as the admin UI would make them."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from devtools.trunks_project import SITE_INBOUND, SITE_MEDIA, TrunksProject, cloud_trunk
from emulator.testing import EmulatorHandle, running_emulator
from tests.e2e.conftest import REGISTRATION_DELAY, writes

pytestmark = pytest.mark.e2e

SITES = "/api/v2/telephony/providers/edges/sites"
BASES = "/api/v2/telephony/providers/edges/trunkbasesettings"
DEFAULT = "Default Outbound Route"


def routes_path(site: str = SITE_INBOUND) -> str:
    return f"{SITES}/{site}/outboundroutes"


@pytest.fixture
def org(tmp_path: Path) -> Iterator[EmulatorHandle]:
    with running_emulator(tmp_path / "org", registration_delay=REGISTRATION_DELAY, rate_limit=100_000) as handle:
        yield handle


@pytest.fixture
def stack(tmp_path: Path, org: EmulatorHandle) -> Iterator[TrunksProject]:
    project = TrunksProject.create(tmp_path / "p", org.url, [], dialect="cloud")
    yield project
    project.destroy(check=False)


def site_routes(org: EmulatorHandle, site: str = SITE_INBOUND) -> dict[str, dict[str, Any]]:
    listed = org.api("GET", routes_path(site), params={"pageSize": 100}).json()["entities"]
    named = {r["name"]: r for r in listed}
    assert len(named) == len(listed), f"a route name twice on site {site}: {[r['name'] for r in listed]}"
    return named


def bases_of(route: dict[str, Any]) -> list[str]:
    return [b["id"] for b in route.get("externalTrunkBases") or []]


def comparable(route: dict[str, Any]) -> dict[str, Any]:
    """What a route is, but for what every write moves (version, dates)."""
    return {k: v for k, v in route.items() if k not in ("version", "dateModified", "modifiedBy", "selfUri")}


def route_writes(org: EmulatorHandle) -> list[tuple[str, str]]:
    """(method, what) of each write: a route by its name, a trunk base as `base`."""
    names = {r["id"]: name for name, r in site_routes(org).items()}
    made = []
    for r in writes(org.requests()):
        path = r["path"]
        if path.startswith(routes_path()):
            tail = path.removeprefix(routes_path()).strip("/")
            made.append((r["method"], names.get(tail, tail or "route")))
        elif path.startswith(BASES):
            made.append((r["method"], "base"))
    return made


TRUNKS = [cloud_trunk("rt-a"), cloud_trunk("rt-b"), cloud_trunk("rt-c", carrier={"host": "sip.c.example.com"})]


def default_route(trunks: list[str], kinds: list[str] | None = None) -> dict[str, Any]:
    return {
        "name": DEFAULT,
        "siteId": SITE_INBOUND,
        "classificationTypes": kinds or ["National", "International", "Network"],
        "trunks": trunks,
    }


def new_route(trunks: list[str], kinds: list[str] | None = None, **over: Any) -> dict[str, Any]:
    return {
        "name": "Emergency via carrier C",
        "siteId": SITE_INBOUND,
        "classificationTypes": kinds or ["Emergency"],
        "trunks": trunks,
        "description": "emergency calls on their own carrier",
        **over,
    }


def test_routes_taken_over_made_updated_released_and_given_back(org: EmulatorHandle, stack: TrunksProject) -> None:
    before = comparable(site_routes(org)[DEFAULT])
    stack.set_trunks(TRUNKS)
    stack.set_routes([default_route(["rt-a", "rt-b"]), new_route(["rt-c"])])

    org.reset_requests()
    previewed = stack.preview().stdout
    assert f"outbound route {DEFAULT!r} of site {SITE_INBOUND}: takes over the site's existing route" in previewed
    assert "'Emergency via carrier C' of site" not in previewed.split("takes over")[0], previewed
    assert writes(org.requests()) == []

    # Create: three trunk bases, the default route taken over with one PUT, the new route with one POST.
    org.reset_requests()
    stack.up()
    assert sorted(route_writes(org)) == sorted([("POST", "base")] * 3 + [("PUT", DEFAULT), ("POST", "route")]), (
        route_writes(org)
    )
    out = stack.outputs()
    base_ids = {name: t["trunkBaseId"] for name, t in out["trunks"].items()}
    routes_out = out["outboundRoutes"]
    held = site_routes(org)
    assert routes_out[DEFAULT] == {
        "routeId": held[DEFAULT]["id"],
        "siteId": SITE_INBOUND,
        "classificationTypes": ["National", "International", "Network"],
        "trunkBaseIds": [base_ids["rt-a"], base_ids["rt-b"]],
        "takenOver": True,
    }
    made = routes_out["Emergency via carrier C"]
    assert made["takenOver"] is False and made["routeId"] == held["Emergency via carrier C"]["id"]
    assert bases_of(held[DEFAULT]) == [base_ids["rt-a"], base_ids["rt-b"]]
    assert bases_of(held["Emergency via carrier C"]) == [base_ids["rt-c"]]
    assert held["Emergency via carrier C"]["description"] == "emergency calls on their own carrier"
    assert set(held) == {DEFAULT, "Emergency via carrier C"}

    # A no-op up writes nothing.
    org.reset_requests()
    stack.up()
    assert writes(org.requests()) == []

    # Update in place: the trunks' order and a route's classifications.
    stack.set_routes([default_route(["rt-b", "rt-a"]), new_route(["rt-c"], ["Emergency", "Extension"])])
    org.reset_requests()
    stack.up()
    assert sorted(route_writes(org)) == sorted([("PUT", DEFAULT), ("PUT", "Emergency via carrier C")])
    held = site_routes(org)
    assert bases_of(held[DEFAULT]) == [base_ids["rt-b"], base_ids["rt-a"]]
    assert held["Emergency via carrier C"]["classificationTypes"] == ["Emergency", "Extension"]
    assert stack.outputs()["outboundRoutes"][DEFAULT]["routeId"] == routes_out[DEFAULT]["routeId"]

    # A trunk leaves its route and the stack in one up: the route lets go of the base first, so the base's
    # delete is never refused as in use.
    stack.set_trunks(TRUNKS[:2])
    stack.set_routes([default_route(["rt-b", "rt-a"]), new_route(["rt-a"], ["Emergency", "Extension"])])
    org.reset_requests()
    stack.up()
    assert route_writes(org) == [("PUT", "Emergency via carrier C"), ("DELETE", "base")], route_writes(org)
    assert [r for r in org.requests() if r["status"] >= 400] == []
    assert bases_of(site_routes(org)["Emergency via carrier C"]) == [base_ids["rt-a"]]

    # A trunk renamed (a new trunk base under the new name, the old one deleted): its routes are kept, updated
    # to the new base before the old one goes.
    renamed = cloud_trunk("rt-b2")
    stack.set_trunks([TRUNKS[0], renamed])
    stack.set_routes([default_route(["rt-b2", "rt-a"]), new_route(["rt-a"], ["Emergency", "Extension"])])
    default_id = site_routes(org)[DEFAULT]["id"]
    org.reset_requests()
    stack.up()
    assert sorted(route_writes(org)) == sorted([("POST", "base"), ("PUT", DEFAULT), ("DELETE", "base")])
    assert [r for r in org.requests() if r["status"] >= 400] == []
    new_base = stack.outputs()["trunks"]["rt-b2"]["trunkBaseId"]
    assert site_routes(org)[DEFAULT]["id"] == default_id
    assert bases_of(site_routes(org)[DEFAULT]) == [new_base, base_ids["rt-a"]]

    # The default route leaves the stack: it gets back what it had before the takeover, and is not deleted.
    stack.set_routes([new_route(["rt-a"], ["Emergency", "Extension"])])
    org.reset_requests()
    stack.up()
    assert route_writes(org) == [("PUT", DEFAULT)]
    assert comparable(site_routes(org)[DEFAULT]) == before
    assert DEFAULT not in stack.outputs()["outboundRoutes"]

    # Destroy: the route the stack made is gone, its trunk bases with it; the default route as before.
    made_id = site_routes(org)["Emergency via carrier C"]["id"]
    org.reset_requests()
    stack.destroy()
    assert sorted(route_writes(org)) == sorted([("DELETE", made_id), ("DELETE", "base"), ("DELETE", "base")])
    assert set(site_routes(org)) == {DEFAULT} and comparable(site_routes(org)[DEFAULT]) == before


def test_destroy_gives_the_default_route_back_and_refresh_finds_an_out_of_band_change(
    org: EmulatorHandle, stack: TrunksProject
) -> None:
    # The org's own route on the other site, and what the default route was.
    before = comparable(site_routes(org, SITE_MEDIA)[DEFAULT])
    stack.set_trunks([cloud_trunk("oob-a"), cloud_trunk("oob-b")])
    stack.set_routes([{**default_route(["oob-a", "oob-b"]), "siteId": SITE_MEDIA}])
    stack.up()
    route = site_routes(org, SITE_MEDIA)[DEFAULT]
    ours = bases_of(route)

    # Someone reorders the trunks and adds a classification in the admin UI.
    changed = {**route, "classificationTypes": [*route["classificationTypes"], "Emergency"]}
    changed["externalTrunkBases"] = list(reversed(route["externalTrunkBases"]))
    reply = org.api("PUT", f"{routes_path(SITE_MEDIA)}/{route['id']}", json=changed)
    assert reply.status_code == 200, reply.text

    refreshed = stack.refresh("--diff").stdout
    assert "outbound-route-Default Outbound Route" in refreshed and "Emergency" in refreshed, refreshed
    org.reset_requests()
    stack.up()
    assert [(r["method"], r["path"]) for r in writes(org.requests())] == [
        ("PUT", f"{routes_path(SITE_MEDIA)}/{route['id']}")
    ]
    assert bases_of(site_routes(org, SITE_MEDIA)[DEFAULT]) == ours
    assert site_routes(org, SITE_MEDIA)[DEFAULT]["classificationTypes"] == route["classificationTypes"]

    stack.destroy()
    assert comparable(site_routes(org, SITE_MEDIA)[DEFAULT]) == before


def test_bad_routes_fail_preview_naming_the_path_with_nothing_written(
    org: EmulatorHandle, stack: TrunksProject
) -> None:
    stack.set_trunks([cloud_trunk("bad-a")])
    cases: list[tuple[list[dict[str, Any]], list[str]]] = [
        (
            [{**new_route(["bad-a"]), "siteId": "5d1a7e0c-0000-4000-8000-00000000dead"}],
            ["outbound route 'Emergency via carrier C': siteId", "is not a site of the org"],
        ),
        (
            [new_route(["bad-a"], ["Emergency", "Premium"])],
            ["classificationTypes[1] 'Premium' is not a classification of site"],
        ),
        (
            [new_route(["bad-a", "nope"])],
            ["outboundRoutes[0].trunks[1]: 'nope' is not a trunk of this stack (its trunks: bad-a)"],
        ),
        (
            [new_route(["bad-a"]), new_route(["bad-a"], ["National"], name="EMERGENCY via carrier c")],
            ["outboundRoutes[1].name: 'EMERGENCY via carrier c' is already the name of outboundRoutes[0]"],
        ),
        (
            [new_route(["bad-a"], distribution="ROUND_ROBIN")],
            ["outboundRoutes[0].distribution", "SEQUENTIAL", "RANDOM"],
        ),
    ]
    for routes, said in cases:
        stack.set_routes(routes)
        org.reset_requests()
        proc = stack.preview(check=False)
        text = proc.stdout + proc.stderr
        assert proc.returncode != 0, text
        for part in said:
            assert part in text, (part, text)
        assert "Traceback" not in text
        assert writes(org.requests()) == []
    assert set(site_routes(org)) == {DEFAULT}


def test_a_classification_shared_with_a_route_outside_the_stack_warns_and_is_not_refused(
    org: EmulatorHandle, stack: TrunksProject
) -> None:
    stack.set_trunks([cloud_trunk("share-a")])
    stack.set_routes([new_route(["share-a"], ["National"], name="National via A")])
    proc = stack.preview()
    warned = proc.stdout + proc.stderr
    assert "outbound route 'National via A' of site" in warned and f"shares National with route {DEFAULT!r}" in warned
    stack.set_routes(
        [new_route(["share-a"], ["Emergency"]), new_route(["share-a"], ["Emergency"], name="Second emergency")]
    )
    proc = stack.preview()
    assert "'Second emergency' and outboundRoutes[0] 'Emergency via carrier C'" in proc.stdout + proc.stderr


def test_routes_fail_preview_in_the_seed_dialect(emulator: EmulatorHandle, new_project) -> None:
    from devtools.trunks_project import trunk

    project = new_project([trunk("seed-rt")])
    project.set_routes([copy.deepcopy(new_route(["seed-rt"]))])
    emulator.reset_requests()
    proc = project.preview(check=False)
    text = proc.stdout + proc.stderr
    assert proc.returncode != 0 and "the seed dialect has no outbound routes" in text and "outboundRoutes" in text
    assert "Traceback" not in text and writes(emulator.requests()) == []
