"""The Registration provider: waits for the outcome of an edge's last write, against a respx-mocked API."""

from __future__ import annotations

from pulumi.output import Unknown

from entities.edge_registration import RegistrationProvider
from genesys_api.testing import error_body
from tests.support.results import outs_of
from tests.unit.provider_fixtures import EVENTS

provider = RegistrationProvider()


def registration_inputs(**over):
    base = {
        "trunk": "trunk-a",
        "edgeId": "e1",
        "edgeVersion": 1,
        "edgeRegistration": {"status": "registering", "reason": None, "changedAt": "2026-11-28T13:00:00.000Z"},
    }
    base.update(over)
    return base


def checked(**over):
    result = provider.check({}, {"__provider": "p", **registration_inputs(**over)})
    assert result.failures == [], [f.reason for f in result.failures]
    return result.inputs


def test_check_fills_the_timeout_and_names_bad_fields():
    assert checked()["timeoutSeconds"] == 60
    result = provider.check({}, {"__provider": "p", **registration_inputs(edgeVersion=0, timeoutSeconds=-1)})
    assert sorted(f.property for f in result.failures) == ["edgeVersion", "timeoutSeconds"]


def test_check_waits_for_the_edges_outputs_during_preview():
    result = provider.check({}, {"__provider": "p", **registration_inputs(edgeId=Unknown(), edgeVersion=Unknown())})
    assert result.failures == []


def test_create_waits_for_the_outcome_and_records_it(api):
    outs = outs_of(provider.create({"__provider": "p", **checked()}))
    assert outs["status"] == "registered"
    assert outs["outcome"]["status"] == "registered" and outs["outcome"]["latencySeconds"] == 1.25
    assert [e["type"] for e in outs["events"]] == ["audit:edge:created", "telephony:edge:registration:success"]
    assert outs["edgeId"] == "e1"  # inputs stay among the outputs, for the next diff
    assert api.routes["events"].call_count == 1


def test_an_edge_recorded_without_its_registration_state_gets_the_outcome_from_the_events(api):
    outs = outs_of(provider.create({"__provider": "p", **checked(edgeRegistration=None)}))
    assert outs["status"] == "registered" and outs["outcome"]["latencySeconds"] == 1.25


def test_an_edge_write_is_a_change_a_timeout_alone_is_not():
    olds = {**checked(), "status": "registered"}
    assert provider.diff("r1", olds, checked()).changes is False
    assert provider.diff("r1", olds, {**checked(), "timeoutSeconds": 5}).changes is False
    assert provider.diff("r1", olds, checked(edgeVersion=2)).changes is True
    assert provider.diff("r1", olds, {**checked(), "edgeVersion": Unknown()}).changes is True


def test_a_refreshed_edge_state_matters_only_to_a_pending_outcome():
    registered = {"status": "registered", "reason": None, "changedAt": "2026-11-28T13:00:01.250Z"}
    settled = {**checked(), "status": "registered"}
    assert provider.diff("r1", settled, checked(edgeRegistration=registered)).changes is False
    pending = {**checked(), "status": "registering"}
    assert provider.diff("r1", pending, checked()).changes is False  # still no outcome
    assert provider.diff("r1", pending, checked(edgeRegistration=registered)).changes is True


def test_an_events_read_that_fails_is_recorded_as_unknown_and_read_again(api):
    api.post(EVENTS).respond(403, json=error_body(403, "missing.permissions", "Missing analytics:events:query"))
    outs = outs_of(provider.create({"__provider": "p", **checked()}))
    assert outs["status"] == "unknown" and "analytics:events:query" in outs["outcome"]["reason"]
    assert provider.diff("r1", outs, checked()).changes is True  # the next up reads it again


def test_refresh_and_delete_make_no_call(api):
    outs = outs_of(provider.create({"__provider": "p", **checked()}))
    calls = len(api.calls)
    read = provider.read("r1", {"__provider": "p", **outs})
    assert read.outs == outs and read.inputs == checked()
    provider.delete("r1", outs)
    assert len(api.calls) == calls
