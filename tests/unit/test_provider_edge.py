"""The Edge provider's lifecycle, against a respx-mocked Genesys API."""

from __future__ import annotations

import base64
import json
import threading

import dill
import httpx
import pytest
from pulumi.output import Unknown

from entities.edge import EdgeProvider
from genesys_api.testing import error_body
from lifecycle.errors import ProviderError
from tests.support.results import inputs_of, outs_of
from tests.unit.provider_fixtures import (
    EDGES,
    GROUP,
    GROUPS,
    PASSWORD,
    PROFILE,
    PROFILES,
    edge_entity,
    edge_inputs,
    page,
)

provider = EdgeProvider()


def profile_route(api, codecs=("G711u", "G711a", "G729")):
    return api.get(f"{PROFILES}/{PROFILE}").respond(
        200, json={"id": PROFILE, "name": "Carrier Standard", "codecs": list(codecs)}
    )


def checked(api, **over):
    profile_route(api)
    result = provider.check({}, {"__provider": "p", **edge_inputs(**over)})
    assert result.failures == [], [f.reason for f in result.failures]
    return result.inputs


# -- check ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("over", "prop", "words"),
    [
        ({"codecs": ["G711u", "G722"]}, "codecs", ["codecs[1]", "G722", "G711u", "GSM"]),
        ({"codecs": []}, "codecs", ["codecs", "at least 1"]),
        ({"codecs": ["G711u", "G711u"]}, "codecs", ["unique", "G711u"]),
        ({"maxConcurrentSessions": 2001}, "maxConcurrentSessions", ["2000", "2001"]),
        ({"maxConcurrentSessions": 0}, "maxConcurrentSessions", ["greater than or equal to 1"]),
        ({"name": ""}, "name", ["name", "at least 1"]),
        ({"edgeGroupId": None}, "edgeGroupId", ["edgeGroupId", "required"]),
        ({"registration": {"username": "u"}}, "registration", ["registration.host", "required"]),
        ({"registration": {"host": "sip://x", "username": "u"}}, "registration", ["registration.host", "scheme"]),
        (
            {"registration": {"host": "h.example", "username": "u", "port": 70000}},
            "registration",
            ["registration.port", "65535"],
        ),
        (
            {"registration": {"host": "h.example", "username": "u", "type": "FOO"}},
            "registration",
            ["registration.type", "REGISTER"],
        ),
        ({"bogus": 1}, "bogus", ["bogus", "unknown property"]),
        ({"maxConcurrentSessions": True}, "maxConcurrentSessions", ["number", "not a boolean"]),
        ({"adopt": 1}, "adopt", ["adopt", "valid boolean"]),
        ({"edgeGroupId": "../webhooks"}, "edgeGroupId", ["edgeGroupId", "must be an id"]),
        (
            {"registration": {"host": "h.example", "username": "u\r\nVia: x"}},
            "registration",
            ["registration.username", "printable"],
        ),
    ],
)
def test_check_names_each_bad_field(api, over, prop, words):
    profile_route(api)
    inputs = {k: v for k, v in edge_inputs(**over).items() if v is not None}
    result = provider.check({}, {"__provider": "p", **inputs})
    assert [f.property for f in result.failures] == [prop], [f.reason for f in result.failures]
    for word in words:
        assert word in result.failures[0].reason


def test_check_never_echoes_the_password(api):
    result = provider.check({}, {"__provider": "p", **edge_inputs(registrationPassword="")})
    assert [f.property for f in result.failures] == ["registrationPassword"]
    result = provider.check({}, {"__provider": "p", **edge_inputs(registrationPassword=12345678)})
    assert "12345678" not in result.failures[0].reason


def test_check_fills_defaults(api):
    inputs = checked(api)
    assert inputs["registration"] == {
        "type": "REGISTER",
        "host": "sip.carrier.example.com",
        "port": 5060,
        "username": "user-a",
    }
    assert inputs["healthProbe"] == {"enabled": True, "intervalSeconds": 30}
    assert inputs["adopt"] is False


def test_codec_the_profile_lacks_fails_with_what_it_supports(api):
    profile_route(api)
    result = provider.check({}, {"__provider": "p", **edge_inputs(codecs=["G711u", "Opus"])})
    assert [f.property for f in result.failures] == ["codecs"]
    reason = result.failures[0].reason
    assert "trunk-a" in reason and "'Opus'" in reason and "Carrier Standard" in reason
    assert "G711u, G711a, G729" in reason


def test_unknown_sip_profile_fails_naming_the_orgs_profiles(api):
    api.get(f"{PROFILES}/{PROFILE}").respond(404, json=error_body(404, "not.found", "not found"))
    api.get(PROFILES).respond(200, json=page({"id": "p-hd", "name": "Carrier HD", "codecs": ["Opus"]}))
    result = provider.check({}, {"__provider": "p", **edge_inputs()})
    assert [f.property for f in result.failures] == ["sipProfileId"]
    reason = result.failures[0].reason
    assert f"SIP profile '{PROFILE}' does not exist" in reason and "'Carrier HD' (p-hd)" in reason


def test_unknown_edge_group_fails_naming_the_orgs_groups(api):
    profile_route(api)
    api.get(f"{GROUPS}/g-gone").respond(404, json=error_body(404, "not.found", "not found"))
    api.get(GROUPS).respond(200, json=page({"id": GROUP, "name": "Primary BYOC Group"}))
    result = provider.check({}, {"__provider": "p", **edge_inputs(edgeGroupId="g-gone")})
    assert [f.property for f in result.failures] == ["edgeGroupId"]
    reason = result.failures[0].reason
    assert "trunk-a" in reason and "edge group 'g-gone' does not exist" in reason
    assert f"'Primary BYOC Group' ({GROUP})" in reason


def test_an_unknown_group_in_a_large_org_lists_the_first_ten(api):
    profile_route(api)
    api.get(f"{GROUPS}/g-gone").respond(404, json=error_body(404, "not.found", "not found"))
    api.get(GROUPS).respond(200, json=page(*[{"id": f"g{i}", "name": f"Group {i}"} for i in range(25)]))
    reason = provider.check({}, {"__provider": "p", **edge_inputs(edgeGroupId="g-gone")}).failures[0].reason
    assert "'Group 9' (g9)" in reason and "Group 10" not in reason and reason.endswith("and 15 more")


def test_a_catalogue_read_the_api_refuses_fails_check_with_its_message_not_a_traceback(api):
    api.get(f"{PROFILES}/{PROFILE}").respond(
        403, json=error_body(403, "missing.permissions", "Missing telephony:sipprofile:read")
    )
    with pytest.raises(ProviderError) as info:
        provider.check({}, {"__provider": "p", **edge_inputs()})
    assert "telephony:sipprofile:read" in str(info.value)


def test_edge_group_read_only_for_a_new_or_changed_group(api):
    profile_route(api)
    inputs = {"__provider": "p", **edge_inputs()}
    assert provider.check(inputs, inputs).failures == []
    assert api.routes["group"].call_count == 0  # the existing edge is in that group already
    assert provider.check({}, inputs).failures == []
    assert provider.check({**inputs, "edgeGroupId": "g-old"}, inputs).failures == []
    assert api.routes["group"].call_count == 1  # one read, cached for the process


def test_a_new_edge_reads_its_group_beside_its_profile_not_after_it(api):
    """At a real org's latency, a read after the other adds its round trip before every first write."""
    group_read = threading.Event()

    def profile_once_the_group_is_asked(request: httpx.Request) -> httpx.Response:
        assert group_read.wait(5), "the edge group was read only after the SIP profile"
        return httpx.Response(200, json={"id": PROFILE, "name": "Carrier Standard", "codecs": ["G711u", "G729"]})

    def group(request: httpx.Request) -> httpx.Response:
        group_read.set()
        return httpx.Response(200, json={"id": GROUP, "name": "Primary BYOC Group"})

    profiles = api.get(f"{PROFILES}/{PROFILE}").mock(side_effect=profile_once_the_group_is_asked)
    api.routes["group"].side_effect = group
    assert provider.check({}, {"__provider": "p", **edge_inputs()}).failures == []
    assert profiles.call_count == 1 and api.routes["group"].call_count == 1


def test_one_profile_read_for_many_trunks(api):
    route = profile_route(api)
    for i in range(5):
        assert provider.check({}, {"__provider": "p", **edge_inputs(name=f"t{i}")}).failures == []
    assert route.call_count == 1


def test_unknown_values_pass_check_without_api_calls(api):
    route = profile_route(api)
    news = {"__provider": "p", **edge_inputs(sipProfileId=Unknown(), registration={"host": Unknown(), "username": "u"})}
    result = provider.check({}, news)
    assert result.failures == []
    assert route.call_count == 0


# -- diff ----------------------------------------------------------------------------------------


def outputs_for(inputs):
    return {**inputs, "edgeId": "e1", "version": 1, "adopted": False, "__provider": "p"}


def test_diff_same_inputs_is_no_change(api):
    inputs = checked(api)
    result = provider.diff("e1", outputs_for(inputs), inputs)
    assert result.changes is False and result.replaces == []


def test_diff_codec_change_is_in_place(api):
    inputs = checked(api)
    news = {**inputs, "codecs": ["G711u"]}
    result = provider.diff("e1", outputs_for(inputs), news)
    assert result.changes is True and result.replaces == []


def test_diff_edge_group_change_replaces(api):
    inputs = checked(api)
    result = provider.diff("e1", outputs_for(inputs), {**inputs, "edgeGroupId": "other-group"})
    assert result.changes is True and result.replaces == ["edgeGroupId"]


def test_diff_adopt_alone_changes_nothing(api):
    inputs = checked(api)
    result = provider.diff("e1", outputs_for(inputs), {**inputs, "adopt": True})
    assert result.changes is False


def test_diff_unknown_value_is_a_change(api):
    inputs = checked(api)
    result = provider.diff("e1", outputs_for(inputs), {**inputs, "sipProfileId": Unknown()})
    assert result.changes is True


# -- create --------------------------------------------------------------------------------------


def test_create_posts_once_and_returns_outputs(api):
    post = api.post(EDGES).respond(201, json=edge_entity())
    inputs = checked(api)
    result = provider.create({"__provider": "p", **inputs})
    assert result.id == "e1" and post.call_count == 1
    body = json.loads(post.calls[0].request.content)
    assert body["registration"]["password"] == PASSWORD
    # It returns once written, without waiting for the registration (the Registration resource does).
    outs = outs_of(result)
    assert outs["registrationState"] == {
        "status": "registering",
        "reason": None,
        "changedAt": "2026-11-28T13:00:00.000Z",
    }
    assert api.routes["events"].call_count == 0
    assert outs["edgeId"] == "e1" and outs["version"] == 1 and outs["adopted"] is False


def test_duplicate_without_adopt_fails_with_the_way_to_adopt(api):
    api.post(EDGES).respond(409, json=error_body(409, "general.conflict", "An edge ... already exists"))
    api.get(EDGES).respond(200, json=page(edge_entity("existing", name="old-name")))
    with pytest.raises(ProviderError) as info:
        provider.create({"__provider": "p", **checked(api)})
    message = str(info.value)
    assert "adopt: true" in message and "existing" in message and PASSWORD not in message


def test_create_whose_outcome_is_unknown_looks_before_posting_again(api):
    post = api.post(EDGES).mock(side_effect=httpx.ReadError("connection reset"))
    api.get(EDGES).respond(200, json=page(edge_entity("landed")))
    api.get(f"{EDGES}/landed").respond(200, json=edge_entity("landed"))
    api.put(f"{EDGES}/landed").respond(200, json=edge_entity("landed", version=2))
    result = provider.create({"__provider": "p", **checked(api)})
    assert result.id == "landed"
    assert post.call_count == 1  # never a second POST: the first one had landed


def test_create_whose_outcome_is_unknown_and_did_not_land_posts_again(api):
    post = api.post(EDGES).mock(side_effect=[httpx.ReadError("reset"), httpx.Response(201, json=edge_entity())])
    api.get(EDGES).respond(200, json=page())
    assert provider.create({"__provider": "p", **checked(api)}).id == "e1"
    assert post.call_count == 2


# -- read, update, delete ------------------------------------------------------------------------


def test_read_gone_entity_reports_it_deleted(api):
    api.get(f"{EDGES}/e1").respond(404, json=error_body(404, "not.found", "gone"))
    result = provider.read("e1", {"__provider": "p", **checked(api)})
    assert result.id == "" and result.outs == {}


def test_read_returns_inputs_so_refresh_leaves_no_diff(api):
    inputs = checked(api)
    api.get(f"{EDGES}/e1").respond(200, json=edge_entity(registrationStatus="registered"))
    result = provider.read("e1", {**outputs_for(inputs)})
    assert outs_of(result)["registrationStatus"] == "registered"
    assert provider.diff("e1", outs_of(result), inputs).changes is False
    assert inputs_of(result)["registrationPassword"] == PASSWORD  # cannot be read back: kept from state


def test_read_shows_drift(api):
    inputs = checked(api)
    api.get(f"{EDGES}/e1").respond(200, json=edge_entity(codecs=["G711a"]))
    result = provider.read("e1", outputs_for(inputs))
    assert provider.diff("e1", outs_of(result), inputs).changes is True


def test_update_puts_with_the_known_version_and_the_password_only_when_it_changed(api):
    inputs = checked(api)
    get = api.get(f"{EDGES}/e1").respond(200, json=edge_entity(version=5))
    put = api.put(f"{EDGES}/e1").respond(200, json=edge_entity(version=6))
    olds = {**outputs_for(inputs), "version": 5}
    provider.update("e1", olds, {**inputs, "codecs": ["G711u"]})
    body = json.loads(put.calls[0].request.content)
    assert body["version"] == 5 and "password" not in body["registration"]
    assert get.call_count == 0  # the version in the state was current: no GET first
    provider.update("e1", olds, {**inputs, "registrationPassword": "new-password-456"})
    assert json.loads(put.calls[1].request.content)["registration"]["password"] == "new-password-456"


def test_update_with_a_stale_version_rereads_and_retries(api):
    inputs = checked(api)
    api.get(f"{EDGES}/e1").respond(200, json=edge_entity(version=7))
    put = api.put(f"{EDGES}/e1").mock(
        side_effect=[
            httpx.Response(409, json=error_body(409, "version.mismatch", "The version number ... must match")),
            httpx.Response(200, json=edge_entity(version=8)),
        ]
    )
    outs = outs_of(provider.update("e1", {**outputs_for(inputs), "version": 5}, {**inputs, "codecs": ["G711u"]}))
    assert [json.loads(c.request.content)["version"] for c in put.calls] == [5, 7]
    assert outs["version"] == 8


def test_delete_of_an_entity_already_gone_succeeds(api):
    route = api.delete(f"{EDGES}/e1").respond(404, json=error_body(404, "not.found", "gone"))
    provider.delete("e1", {})
    assert route.call_count == 1


def test_provider_is_pickled_by_reference_and_small():
    pickled = base64.b64encode(dill.dumps(EdgeProvider(), protocol=dill.HIGHEST_PROTOCOL, recurse=True))
    assert b"sip_profiles" not in base64.b64decode(pickled)  # no module code inside
    assert len(pickled) < 1000, len(pickled)
