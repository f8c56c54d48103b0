"""The audit events of the trunk bases a polling round settles, read together: one realtime query of every trunk
base's events (newest first, matched to the bases here), paged only as far as the bases need, with a read per
base where the shared read cannot answer; and the polling machinery that carries it (the round's ``settled``
read, a waiter's first look)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
import respx

from entities.edge_registration import EdgeRegistration, RegistrationWatcher
from entities.trunk_base_registration import TrunkBaseOutcomeProvider, TrunkInstancesApi, TrunkInstanceWatcher
from entities.trunk_base_registration.audits import newest_events
from genesys_api.testing import TEST_BASE_URL, FakeClock, client_for_tests, settings_for, token_reply
from lifecycle import client_access
from lifecycle.outcome import KEPT_EVENTS
from lifecycle.polling import PollingWatcher, watcher_for
from tests.support.results import outs_of
from tests.unit.cloud_fixtures import AUDITS, BASE_ID, TRUNKS, audit, error, listing, trunk
from tests.unit.provider_fixtures import EVENTS

PAGE = 500


@pytest.fixture
def trunks():
    return TrunkInstancesApi(client_for_tests(settings_for(dialect="cloud"), clock=FakeClock()))


def body(request: httpx.Request) -> dict[str, Any]:
    return json.loads(request.content)


def shared_and_alone(route) -> tuple[list[int], list[str]]:
    """The pages the shared query read, and the bases read alone (by their EntityId filter)."""
    shared, alone = [], []
    for call in route.calls:
        sent = body(call.request)
        ids = [f["value"] for f in sent["filters"] if f["property"] == "EntityId"]
        if ids:
            alone.extend(ids)
        else:
            shared.append(sent["pageNumber"])
    return shared, alone


def pages(*pages_: list[dict[str, Any]]):
    """A realtime query that answers the shared query's pages in turn (500 a page, as the program asks)."""

    def answer(request: httpx.Request) -> httpx.Response:
        n = body(request)["pageNumber"]
        return httpx.Response(200, json=listing(pages_[n - 1], page=n, page_count=len(pages_), size=PAGE))

    return answer


def ids(trails: dict[str, list[Any]]) -> dict[str, list[str]]:
    return {base_id: [e.id for e in events] for base_id, events in trails.items()}


def test_several_bases_are_read_in_one_query_of_every_trunk_base(router, trunks):
    newest_first = [
        audit("b1-u", "b1", "Update", "2026-12-01T10:00:03Z"),
        audit("x-u", "x", "Update", "2026-12-01T10:00:02Z"),  # a base not waited for
        audit("b2-c", "b2", "Create", "2026-12-01T10:00:01Z"),
        audit("b1-c", "b1", "Create", "2026-12-01T10:00:00Z"),
    ]
    route = router.post(AUDITS).mock(side_effect=pages(newest_first))
    trails = newest_events(trunks, ["b1", "b2"], KEPT_EVENTS)
    assert ids(trails) == {"b1": ["b1-c", "b1-u"], "b2": ["b2-c"]}  # oldest first, as an outcome keeps them
    assert route.call_count == 1
    sent = body(route.calls.last.request)
    assert sent["filters"] == [{"property": "EntityType", "value": "TrunkBase"}]
    assert sent["sort"] == [{"name": "Timestamp", "sortOrder": "descending"}]
    assert sent["pageSize"] == PAGE and sent["serviceName"] == "Telephony"
    start, end = (datetime.fromisoformat(p) for p in sent["interval"].split("/"))
    assert 14 * 86400 <= (end - start).total_seconds() <= 14 * 86400 + 2


def test_the_shared_query_pages_only_as_far_as_the_bases_need_and_drops_repeats(router, trunks):
    first = [audit("b1-c", "b1", "Create"), *(audit(f"o{i}", "other") for i in range(3)), audit("b2-u2", "b2")]
    # Newer events pushed the last of the first page onto the second: read twice, kept once.
    second = [audit("b2-u2", "b2"), audit("b2-u1", "b2"), audit("b3-c", "b3", "Create"), audit("b2-c", "b2", "Create")]
    route = router.post(AUDITS).mock(side_effect=pages(first, second, [audit("b4-c", "b4", "Create")]))
    trails = newest_events(trunks, ["b1", "b2", "b3"], KEPT_EVENTS)
    assert ids(trails) == {"b1": ["b1-c"], "b2": ["b2-c", "b2-u1", "b2-u2"], "b3": ["b3-c"]}
    assert shared_and_alone(route) == ([1, 2], [])  # the third page was never asked for


def test_a_base_with_as_many_events_as_an_outcome_keeps_needs_no_older_page(router, trunks):
    busy = [audit(f"b1-{i}", "b1") for i in range(KEPT_EVENTS + 5, 0, -1)]
    route = router.post(AUDITS).mock(side_effect=pages([*busy[:-3], audit("b2-c", "b2", "Create")], busy[-3:]))
    trails = newest_events(trunks, ["b1", "b2"], KEPT_EVENTS)
    assert trails["b1"][-1].id == f"b1-{KEPT_EVENTS + 5}" and len(trails["b1"]) == KEPT_EVENTS
    assert [e.id for e in trails["b1"]] == [f"b1-{i}" for i in range(6, KEPT_EVENTS + 6)]
    assert shared_and_alone(route) == ([1], [])


def test_the_window_start_answers_a_base_made_before_it(router, trunks):
    """A base taken over has no Create in the last 14 days: the read ends at the window's start."""
    route = router.post(AUDITS).mock(
        side_effect=pages(
            [audit("b1-c", "b1", "Create"), audit("b2-u2", "b2"), audit("b3-u1", "b3")], [audit("b2-u1", "b2")]
        )
    )
    trails = newest_events(trunks, ["b1", "b2", "b3"], KEPT_EVENTS)
    assert ids(trails) == {"b1": ["b1-c"], "b2": ["b2-u1", "b2-u2"], "b3": ["b3-u1"]}
    assert shared_and_alone(route) == ([1, 2], [])


def test_bases_the_shared_query_cannot_answer_soon_are_read_alone(router, trunks):
    """A busy org: the pages hold other bases' events. Two pages spent with two bases unanswered is what
    reading them alone would have cost, so the shared read stops there and reads them alone."""
    others = [[audit(f"o{p}-{i}", f"other-{i}") for i in range(4)] for p in range(10)]

    def answer(request: httpx.Request) -> httpx.Response:
        sent = body(request)
        alone = [f["value"] for f in sent["filters"] if f["property"] == "EntityId"]
        if alone:
            assert sent["sort"] == [{"name": "Timestamp", "sortOrder": "ascending"}]
            trail = [audit(f"{alone[0]}-c", alone[0], "Create"), audit(f"{alone[0]}-u", alone[0])]
            return httpx.Response(200, json=listing(trail, size=PAGE))
        return pages(*others)(request)

    route = router.post(AUDITS).mock(side_effect=answer)
    trails = newest_events(trunks, ["b1", "b2"], KEPT_EVENTS)
    assert ids(trails) == {"b1": ["b1-c", "b1-u"], "b2": ["b2-c", "b2-u"]}
    shared, alone = shared_and_alone(route)
    assert shared == [1, 2] and sorted(alone) == ["b1", "b2"]


def test_a_single_base_is_read_alone(router, trunks):
    route = router.post(AUDITS).respond(200, json=listing([audit("c", BASE_ID, "Create"), audit("u")], size=PAGE))
    assert ids(newest_events(trunks, [BASE_ID], KEPT_EVENTS)) == {BASE_ID: ["c", "u"]}
    assert shared_and_alone(route) == ([], [BASE_ID])


# ---------------------------------------------------------------------------------------------- in the rounds


@pytest.fixture
def outcome_api(api):
    """The provider's client, its instance watcher polling without sleeping."""
    watcher_for(client_access.client(), TrunkInstanceWatcher, sleep=lambda _seconds: None)
    return api


def outcome_of(base_id: str) -> dict[str, Any]:
    inputs = {"trunk": "t", "trunkBaseId": base_id, "trunkBaseVersion": 1, "timeoutSeconds": 5}
    return outs_of(TrunkBaseOutcomeProvider().create(inputs))


def test_the_outcome_keeps_the_events_a_round_read_for_it(outcome_api):
    outcome_api.get(TRUNKS).respond(200, json=listing([trunk("t1")]))
    events = [audit("c", BASE_ID, "Create"), *(audit(f"u{i}", BASE_ID) for i in range(KEPT_EVENTS + 2))]
    audits = outcome_api.post(AUDITS).respond(200, json=listing(events, size=PAGE))
    outs = outcome_of(BASE_ID)
    assert outs["status"] == "registered" and "auditEventsError" not in outs["outcome"]
    assert [e["type"] for e in outs["events"]] == ["TrunkBase:Update"] * KEPT_EVENTS
    assert outs["events"][0]["actor"] == "client oauth-1" and audits.call_count == 1


def test_audit_events_that_cannot_be_read_leave_the_outcome_and_say_why(outcome_api):
    outcome_api.get(TRUNKS).respond(200, json=listing([trunk("t1")]))
    outcome_api.post(AUDITS).respond(
        403, json=error(403, "Missing permission audits:audit:view", "missing.permissions")
    )
    outs = outcome_of(BASE_ID)
    assert outs["status"] == "registered" and outs["events"] == []
    assert "the audit events could not be read" in outs["outcome"]["auditEventsError"]
    assert "audits:audit:view" in outs["outcome"]["auditEventsError"]


def test_a_rounds_settled_read_gives_the_final_answer_and_its_error_reaches_the_waiter():
    seen: list[dict[str, str]] = []

    def settled(answers: dict[str, str]) -> dict[str, str]:
        seen.append(answers)
        if "bad" in answers:
            raise RuntimeError("the second read failed")
        return {key: f"{answer}+events" for key, answer in answers.items()}

    watcher = PollingWatcher(lambda keys: dict.fromkeys(keys, "instances"), str, sleep=lambda _s: None, settled=settled)
    assert watcher.watch("a", 5, lambda answer: answer == "instances") == "instances+events"
    with pytest.raises(RuntimeError, match="the second read failed"):
        watcher.watch("bad", 5, lambda answer: answer == "instances")
    assert seen == [{"a": "instances"}, {"bad": "instances"}]


def test_a_few_waiting_bases_read_their_own_instances_while_that_costs_no_more_than_the_list(api):
    bases = [f"b{i}" for i in range(5)]
    every = listing([trunk(f"t-{b}", trunkBase={"id": b, "name": b}) for b in bases])
    asked: list[str] = []

    def answer(request: httpx.Request) -> httpx.Response:
        params = request.url.params
        base_id = params.get("trunkBase.id")
        asked.append(base_id or params["trunkType"])
        own = [trunk(f"t-{base_id}", trunkBase={"id": base_id, "name": base_id})] if base_id else None
        return httpx.Response(200, json=listing(own) if own else every)

    api.get(TRUNKS).mock(side_effect=answer)
    watcher = TrunkInstanceWatcher(client_access.client(), sleep=lambda _s: None)

    def round_for(*waiting: str) -> list[str]:
        asked.clear()
        found = watcher._instances(set(waiting))
        assert {b: [t.id for t in r.instances] for b, r in found.items()} == {b: [f"t-{b}"] for b in waiting}
        return sorted(asked)

    assert round_for("b0", "b1") == ["b0", "b1"]  # the list's size is not known yet
    assert round_for(*bases[:4]) == ["EXTERNAL"]
    assert round_for("b0", "b1") == ["EXTERNAL"]  # one page: cheaper than two reads of their own
    assert round_for("b0") == ["b0"]


def test_rounds_keep_their_rhythm_however_long_a_round_takes():
    """Waking the waiters a round settles can take a while (each wakes a provider thread): the next round still
    starts a round after the last one started; one that overran is followed by the next at once."""

    def rounds(taking: float) -> list[float]:
        now, slept = [0.0], []

        def sleep(seconds: float) -> None:
            slept.append(round(seconds, 3))
            now[0] += seconds

        def query(keys: set[str]) -> dict[str, int]:
            now[0] += taking
            return dict.fromkeys(keys, len(slept))

        watcher = PollingWatcher(query, int, sleep=sleep, clock=lambda: now[0])
        assert watcher.watch("a", 10, lambda n: n >= 3) == 3
        return slept

    assert rounds(0.3) == [0.1, 0.2, 0.2]  # the first round a moment after the first waiter, then the rhythm
    assert rounds(0.7) == [0.1, 0.0, 0.0]


def test_a_watcher_that_went_idle_starts_again_at_once_but_not_within_a_round_of_its_last():
    """The last waiters of an `up` arrive one by one, after the rounds that answered the others: the first round
    for them comes a moment after they arrive (not a whole round later), and never sooner than a round after
    the last round made."""
    now, slept = [0.0], []

    def sleep(seconds: float) -> None:
        slept.append(round(seconds, 3))
        now[0] += seconds

    watcher = PollingWatcher(lambda keys: dict.fromkeys(keys, 1), int, sleep=sleep, clock=lambda: now[0])
    assert watcher.watch("a", 10, lambda n: n == 1) == 1  # the round at 0.1
    now[0] = 0.3
    assert watcher.watch("b", 10, lambda n: n == 1) == 1
    now[0] = 5.0
    assert watcher.watch("c", 10, lambda n: n == 1) == 1
    assert slept == [0.1, 0.3, 0.1]  # b: a round after the last one (0.6), not at 0.4; c: a moment after it came


def test_a_bases_first_read_comes_a_second_after_its_write(api):
    """The platform has not connected anything the moment a write returns: a base written just now is first read
    a moment after the second that follows its write; one written earlier, a moment after it starts waiting."""
    route = api.get(TRUNKS).respond(200, json=listing([trunk("t1")]))
    api.post(AUDITS).respond(200, json=listing([], size=PAGE))
    for written, expected in ((datetime.now(UTC), [1.1]), (datetime.now(UTC) - timedelta(seconds=5), [0.1])):
        slept: list[float] = []
        watcher = TrunkInstanceWatcher(client_access.client(), sleep=slept.append, clock=lambda: 0.0)
        assert watcher.wait(BASE_ID, 60, written).status.status == "registered"
        assert slept == pytest.approx(expected, abs=0.05)
    assert route.call_count == 2


# ---------------------------------------------------------------------------------------------- the seed's first look


def look(edge: EdgeRegistration, reply: dict[str, Any]) -> tuple[list[float], int]:
    """The sleeps before a lone edge's wait was answered, and the events queries it cost."""
    slept: list[float] = []
    with respx.mock(base_url=TEST_BASE_URL) as router:
        router.post("/oauth/token").respond(200, json=token_reply())
        route = router.post(EVENTS).respond(200, json=reply)
        watcher = RegistrationWatcher(client_for_tests(), sleep=slept.append, clock=lambda: 0.0)
        watcher.wait(edge, 60)
    return slept, route.call_count


def test_a_lone_edges_first_look_comes_a_second_after_its_registration_started():
    """A look half a second after the write would find no outcome and cost a second query: the first look comes
    a moment after the edge's outcome can be expected, a second after its registration started."""
    started = datetime.now(UTC)
    outcome = {"id": "e1", "eventType": "telephony:edge:registration:success", "resourceId": "edge-1"}
    outcome["timestamp"] = (started + timedelta(seconds=1)).isoformat()
    slept, queries = look(EdgeRegistration("edge-1", "registering", None, started), {"events": [outcome]})
    assert slept == [pytest.approx(1.1, abs=0.05)] and queries == 1


def test_an_edge_whose_registration_did_not_change_is_looked_at_in_the_next_round():
    slept, queries = look(EdgeRegistration("edge-1", "registered", None, datetime.now(UTC)), {"events": []})
    assert slept == [0.1] and queries == 1
