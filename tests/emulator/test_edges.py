"""Edges: CRUD, every validation rule naming its field, paging, filters, conflicts; catalog reads."""

from __future__ import annotations

import copy
import math
import uuid
from typing import Any

import pytest

from emulator.testing import EmulatorHandle

from .helpers import (
    DR_GROUP,
    EDGES,
    HD_PROFILE,
    LEGACY_PROFILE,
    PASSWORD,
    PRIMARY_GROUP,
    edge_body,
    field_names,
    unique,
    wait_status,
)

ALLOWED = "allowed: G711u, G711a, G729, Opus, GSM"


def test_create_get_update_delete(emu: EmulatorHandle) -> None:
    body = edge_body(description="first trunk")
    created = emu.api("POST", EDGES, json=body)
    assert created.status_code == 201, created.text
    doc = created.json()
    edge_id = doc["id"]
    uuid.UUID(edge_id)
    assert doc["selfUri"] == f"{EDGES}/{edge_id}"
    assert doc["version"] == 1 and doc["state"] == "active"
    assert doc["edgeGroup"] == {"id": PRIMARY_GROUP, "selfUri": f"{EDGES}/edgegroups/{PRIMARY_GROUP}"}
    assert doc["registrationStatus"] == "registering"
    assert doc["registration"]["port"] == 5060
    assert "password" not in doc["registration"]
    assert doc["dateCreated"].endswith("Z") and len(doc["dateCreated"]) == 24
    assert PASSWORD not in created.text

    fetched = emu.api("GET", f"{EDGES}/{edge_id}")
    assert fetched.status_code == 200
    assert fetched.json()["name"] == body["name"]
    assert PASSWORD not in fetched.text

    # PUT the GET reply back (read-only fields are ignored), changing one thing
    update = copy.deepcopy(fetched.json())
    update["maxConcurrentSessions"] = 75
    updated = emu.api("PUT", f"{EDGES}/{edge_id}", json=update)
    assert updated.status_code == 200, updated.text
    assert updated.json()["version"] == 2
    assert updated.json()["maxConcurrentSessions"] == 75

    assert emu.api("DELETE", f"{EDGES}/{edge_id}").status_code == 204
    gone = emu.api("GET", f"{EDGES}/{edge_id}")
    assert gone.status_code == 404 and gone.json()["code"] == "not.found"
    assert emu.api("DELETE", f"{EDGES}/{edge_id}").status_code == 404
    assert emu.api("PUT", f"{EDGES}/{edge_id}", json={**body, "version": 2}).status_code == 404


def _without(path: str) -> dict[str, Any]:
    body = edge_body()
    if "." in path:
        outer, inner = path.split(".")
        del body[outer][inner]
    else:
        del body[path]
    return body


def _reg(**changes: Any) -> dict[str, Any]:
    return edge_body(registration=changes)


@pytest.mark.parametrize(
    "body,field,fragment",
    [
        (edge_body(codecs=["G711u", "G722"]), "codecs[1]", f"'G722' is not an allowed codec; {ALLOWED}"),
        (edge_body(codecs=["Opus"]), "codecs[0]", "supported: G711u, G711a, G729"),
        (edge_body(codecs=[]), "codecs", "must not be empty"),
        (edge_body(codecs="G711u"), "codecs", "must be a list"),
        (edge_body(codecs=["G711u", "G711u"]), "codecs[1]", "unique"),
        (edge_body(maxConcurrentSessions=0), "maxConcurrentSessions", "between 1 and 2000"),
        (edge_body(maxConcurrentSessions=2001), "maxConcurrentSessions", "between 1 and 2000"),
        (edge_body(maxConcurrentSessions="10"), "maxConcurrentSessions", "must be an integer"),
        (edge_body(maxConcurrentSessions=True), "maxConcurrentSessions", "must be an integer"),
        (_without("name"), "name", "is required"),
        (edge_body(name=""), "name", "must not be empty"),
        (edge_body(name="x" * 201), "name", "at most 200"),
        (_without("edgeGroupId"), "edgeGroupId", "is required"),
        (_without("sipProfileId"), "sipProfileId", "is required"),
        (edge_body(edgeGroupId="no-such-group"), "edgeGroupId", "unknown edge group"),
        (edge_body(sipProfileId="no-such-profile"), "sipProfileId", "unknown SIP profile"),
        (_without("registration"), "registration", "is required"),
        (_without("registration.host"), "registration.host", "is required"),
        (_without("registration.username"), "registration.username", "is required"),
        (_without("registration.password"), "registration.password", "required"),
        (_reg(host="sip://carrier.example.com"), "registration.host", "scheme"),
        (_reg(host="carrier.example.com:5060"), "registration.host", "port"),
        (_reg(host="carrier example.com"), "registration.host", "spaces"),
        (_reg(host="bad_host!.example"), "registration.host", "valid hostname"),
        (_reg(port=0), "registration.port", "between 1 and 65535"),
        (_reg(port=65536), "registration.port", "between 1 and 65535"),
        (_reg(port="5060"), "registration.port", "must be an integer"),
        (_reg(type="DIGEST"), "registration.type", "allowed: REGISTER, STATIC"),
        (_reg(realm="x"), "registration.realm", "unknown field"),
        (edge_body(healthProbe={"enabled": True, "intervalSeconds": 1}), "healthProbe.intervalSeconds", "5 and 3600"),
        (edge_body(healthProbe={"enabled": "yes"}), "healthProbe.enabled", "boolean"),
        (edge_body(trunkType="EXTERNAL"), "trunkType", "unknown field"),
        (edge_body(id="abc"), "id", "unknown field"),
    ],
)
def test_validation_names_the_field(emu: EmulatorHandle, body: dict[str, Any], field: str, fragment: str) -> None:
    reply = emu.api("POST", EDGES, json=body)
    assert reply.status_code == 400, reply.text
    payload = reply.json()
    assert payload["code"] == "bad.request" and payload["status"] == 400
    assert field_names(reply) == [field], payload
    message = payload["errors"][0]["message"]
    assert message.startswith(f"{field}: ") and fragment in message, message
    assert message in payload["message"]
    assert PASSWORD not in reply.text


def test_every_bad_field_is_reported_and_password_never_echoed(emu: EmulatorHandle) -> None:
    secret = "hunter2-very-secret"
    body = edge_body(maxConcurrentSessions=0, codecs=["G722"], registration={"port": 0, "password": secret})
    body["registration"]["password"] = secret
    reply = emu.api("POST", EDGES, json=body)
    assert reply.status_code == 400
    assert set(field_names(reply)) == {"maxConcurrentSessions", "codecs[0]", "registration.port"}
    assert secret not in reply.text
    wrong_type = emu.api("POST", EDGES, json=edge_body(registration={"password": 12345678}))
    assert field_names(wrong_type) == ["registration.password"] and "12345678" not in wrong_type.text


def test_codec_problems_are_reported_per_item_beside_other_fields(emu: EmulatorHandle) -> None:
    body = edge_body(codecs=["Opus", "G711u", "Opus"], registration={"port": 0, "username": ""})
    reply = emu.api("POST", EDGES, json=body)
    assert reply.status_code == 400
    by_field = {e["fieldName"]: e for e in reply.json()["errors"]}
    assert set(by_field) == {"codecs[0]", "codecs[2]", "registration.port", "registration.username"}
    assert by_field["codecs[0]"]["code"] == "codec.not.supported"
    assert "listed more than once" in by_field["codecs[2]"]["message"]
    assert by_field["registration.username"]["message"] == "registration.username: must not be empty"


@pytest.mark.parametrize("raw", [b"{not json", b"", b"[1, 2]"])
def test_body_must_be_a_json_object(emu: EmulatorHandle, raw: bytes) -> None:
    reply = emu.http.post(
        EDGES, content=raw, headers={"Authorization": f"Bearer {emu.token()}", "Content-Type": "application/json"}
    )
    assert reply.status_code == 400
    assert field_names(reply) == ["body"]


def test_profile_codecs_and_optional_defaults(emu: EmulatorHandle) -> None:
    body = edge_body(sipProfileId=HD_PROFILE, codecs=["Opus", "G711a"])
    del body["healthProbe"]
    body["registration"].pop("port")
    reply = emu.api("POST", EDGES, json=body)
    assert reply.status_code == 201, reply.text
    assert reply.json()["healthProbe"] == {"enabled": True, "intervalSeconds": 30}
    assert reply.json()["registration"]["port"] == 5060
    static = edge_body(sipProfileId=LEGACY_PROFILE, codecs=["GSM"], registration={"type": "STATIC"})
    del static["registration"]["username"], static["registration"]["password"]
    assert emu.api("POST", EDGES, json=static).status_code == 201


def test_paging_and_page_count(emu: EmulatorHandle) -> None:
    tag = unique("page")
    for i in range(7):
        assert emu.api("POST", EDGES, json=edge_body(name=f"{tag}-{i}", edgeGroupId=DR_GROUP)).status_code == 201
    first = emu.api("GET", EDGES, params={"edgeGroupId": DR_GROUP, "pageSize": 3}).json()
    total = first["total"]
    assert total >= 7
    assert first["pageSize"] == 3 and first["pageNumber"] == 1 and len(first["entities"]) == 3
    assert first["pageCount"] == math.ceil(total / 3)
    seen = []
    for number in range(1, first["pageCount"] + 1):
        page = emu.api("GET", EDGES, params={"edgeGroupId": DR_GROUP, "pageSize": 3, "pageNumber": number}).json()
        seen += [e["id"] for e in page["entities"]]
    assert len(seen) == total == len(set(seen))
    beyond = emu.api(
        "GET", EDGES, params={"edgeGroupId": DR_GROUP, "pageSize": 3, "pageNumber": first["pageCount"] + 1}
    ).json()
    assert beyond["entities"] == [] and beyond["total"] == total
    assert emu.api("GET", EDGES).json()["pageSize"] == 25


@pytest.mark.parametrize(
    "params,field",
    [
        ({"pageSize": 0}, "pageSize"),
        ({"pageSize": 501}, "pageSize"),
        ({"pageSize": "ten"}, "pageSize"),
        ({"pageNumber": 0}, "pageNumber"),
        ({"pageNumber": "x"}, "pageNumber"),
    ],
)
def test_bad_paging_is_400(emu: EmulatorHandle, params: dict[str, Any], field: str) -> None:
    reply = emu.api("GET", EDGES, params=params)
    assert reply.status_code == 400 and field_names(reply) == [field]


def test_filters_by_name_case_insensitively_and_by_group(emu: EmulatorHandle) -> None:
    name = unique("Filter-Me")
    created = emu.api("POST", EDGES, json=edge_body(name=name)).json()
    by_name = emu.api("GET", EDGES, params={"name": name.upper()}).json()
    assert [e["id"] for e in by_name["entities"]] == [created["id"]] and by_name["total"] == 1
    assert emu.api("GET", EDGES, params={"name": name[:-1]}).json()["total"] == 0
    in_dr = emu.api("GET", EDGES, params={"edgeGroupId": DR_GROUP, "name": name}).json()
    assert in_dr["total"] == 0
    in_primary = emu.api("GET", EDGES, params={"edgeGroupId": PRIMARY_GROUP, "pageSize": 500}).json()
    assert all(e["edgeGroupId"] == PRIMARY_GROUP for e in in_primary["entities"])


def test_version_rules(emu: EmulatorHandle) -> None:
    body = edge_body()
    doc = emu.api("POST", EDGES, json=body).json()
    path = f"{EDGES}/{doc['id']}"
    assert emu.api("PUT", path, json={**body, "version": 1, "name": unique("v2")}).status_code == 200
    stale = emu.api("PUT", path, json={**body, "version": 1})
    assert stale.status_code == 409
    assert stale.json()["code"] == "version.mismatch"
    assert stale.json()["message"] == (
        "The version number of the modified resource must match the version number in the database"
    )
    missing = emu.api("PUT", path, json=body)
    assert missing.status_code == 400 and field_names(missing) == ["version"]
    assert emu.api("PUT", path, json={**body, "version": 2}).json()["version"] == 3


def test_edge_group_cannot_change(emu: EmulatorHandle) -> None:
    body = edge_body()
    doc = emu.api("POST", EDGES, json=body).json()
    reply = emu.api("PUT", f"{EDGES}/{doc['id']}", json={**body, "version": 1, "edgeGroupId": DR_GROUP})
    assert reply.status_code == 400
    assert field_names(reply) == ["edgeGroupId"]
    assert "edgeGroupId cannot be changed; create a new edge" in reply.json()["message"]


def test_duplicate_registration_is_409(emu: EmulatorHandle) -> None:
    body = edge_body()
    first = emu.api("POST", EDGES, json=body)
    assert first.status_code == 201
    reg = body["registration"]
    dup = emu.api(
        "POST", EDGES, json=edge_body(registration={"host": reg["host"].upper(), "username": reg["username"]})
    )
    assert dup.status_code == 409
    assert dup.json()["code"] == "general.conflict"
    assert dup.json()["message"] == (
        f"An edge with registration host {reg['host'].upper()} and username {reg['username']} already exists "
        f"in edge group Primary BYOC Group (id {PRIMARY_GROUP})"
    )
    # same host + username in another group, or another username, is fine
    assert (
        emu.api(
            "POST", EDGES, json=edge_body(edgeGroupId=DR_GROUP, registration={"username": reg["username"]})
        ).status_code
        == 201
    )
    other = emu.api("POST", EDGES, json=edge_body())
    assert other.status_code == 201
    # a PUT that would collide is 409 too; a PUT of the edge onto itself is not
    other_doc = other.json()
    collide = {**edge_body(name=other_doc["name"], registration={"username": reg["username"]}), "version": 1}
    assert emu.api("PUT", f"{EDGES}/{other_doc['id']}", json=collide).json()["code"] == "general.conflict"
    assert emu.api("PUT", f"{EDGES}/{first.json()['id']}", json={**body, "version": 1}).status_code == 200
    # once deleted, the registration may be reused
    assert emu.api("DELETE", f"{EDGES}/{first.json()['id']}").status_code == 204
    assert emu.api("POST", EDGES, json=body).status_code == 201


def test_put_without_password_keeps_the_stored_one(emu: EmulatorHandle) -> None:
    body = edge_body(registration={"password": "wrong-password"})
    doc = emu.api("POST", EDGES, json=body).json()
    failed = wait_status(emu, doc["id"], "failed")
    del body["registration"]["password"]
    body["registration"]["port"] = 5070
    updated = emu.api("PUT", f"{EDGES}/{doc['id']}", json={**body, "version": failed["version"]})
    assert updated.status_code == 200, updated.text
    assert updated.json()["registrationStatus"] == "registering"
    assert wait_status(emu, doc["id"], "failed")["registrationStatusReason"] == "carrier rejected credentials"


def test_edge_groups_and_sip_profiles(emu: EmulatorHandle) -> None:
    groups = emu.api("GET", f"{EDGES}/edgegroups")
    assert groups.status_code == 200
    assert {g["name"] for g in groups.json()["entities"]} == {"Primary BYOC Group", "DR BYOC Group"}
    assert groups.json()["total"] == 2 and groups.json()["pageCount"] == 1
    one = emu.api("GET", f"{EDGES}/edgegroups/{DR_GROUP}").json()
    assert one["name"] == "DR BYOC Group" and one["selfUri"].endswith(DR_GROUP)
    assert emu.api("GET", f"{EDGES}/edgegroups/{uuid.uuid4()}").status_code == 404

    profiles = emu.api("GET", "/api/v2/telephony/providers/sipprofiles").json()
    by_name = {p["name"]: p for p in profiles["entities"]}
    assert by_name["Carrier Standard"]["codecs"] == ["G711u", "G711a", "G729"]
    assert by_name["Carrier HD"]["codecs"] == ["Opus", "G711u", "G711a"]
    assert by_name["Legacy PSTN"]["codecs"] == ["G711u", "G711a", "GSM", "G729"]
    hd = emu.api("GET", f"/api/v2/telephony/providers/sipprofiles/{HD_PROFILE}").json()
    assert hd["id"] == HD_PROFILE and hd["selfUri"].endswith(HD_PROFILE)
    missing = emu.api("GET", "/api/v2/telephony/providers/sipprofiles/nope")
    assert missing.status_code == 404 and missing.json()["code"] == "not.found"


def test_unknown_route_has_the_error_body(emu: EmulatorHandle) -> None:
    reply = emu.api("GET", "/api/v2/nothing/here")
    assert reply.status_code == 404
    assert reply.json()["code"] == "not.found"
    assert "inin-ratelimit-allowed" in reply.headers
