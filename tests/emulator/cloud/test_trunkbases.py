"""Trunk base settings through the official SDK: metabases, templates, sites, CRUD, paging, validation."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from PureCloudPlatformClientV2 import models
from PureCloudPlatformClientV2.rest import ApiException

from emulator.testing import EmulatorHandle

from .helpers import (
    BYOC,
    BYOC_PBX,
    CODECS,
    INBOUND_SITE,
    MEDIA_SITE,
    PASSWORD,
    PASSWORD_KEY,
    PHONE,
    PROXIES,
    USERNAME,
    byoc_base,
    instance_of,
    instances,
    model,
    ref,
    unique,
)
from .sdk import Sdk, connect

WEBRTC = "phone_connections_webrtc.json"

BYOC_KEYS = {
    "trunk_type",
    "trunk_label",
    "trunk_enabled",
    PROXIES,
    "trunk_transport_protocolVariant",
    "trunk_sip_termination_uri",
    "trunk_sip_authentication_credentials_realm",
    USERNAME,
    PASSWORD_KEY,
    "trunk_access_acl_allowList",
    "trunk_access_acl_denyList",
    CODECS,
    "trunk_media_dtmf_method",
    "trunk_media_dtmf_payload",
    "trunk_media_srtpCipherSuites",
    "trunk_media_disconnectOnIdleRTP",
    "trunk_maxDialTimeout",
    "trunk_maxCallRate",
    "trunk_outboundIdentity_callingName",
    "trunk_outboundIdentity_callingName_overrideMethod",
    "trunk_outboundIdentity_callingAddress",
    "trunk_outboundIdentity_callingAddress_overrideMethod",
    "trunk_outboundIdentity_callingAddress_omitPlusPrefix",
    "trunk_outboundIdentity_calledAddress_omitPlusPrefix",
}


@pytest.fixture(scope="module")
def sdk(emu: EmulatorHandle) -> Sdk:
    return connect(emu)


def _fails(call: object, status: int) -> models.ErrorBody:
    assert isinstance(call, ApiException), call
    assert call.status == status, call.body
    return call


def test_available_metabases_by_type(sdk: Sdk) -> None:
    every = sdk.telephony.get_telephony_providers_edges_trunkbasesettings_availablemetabases()
    sdk.check("TrunkMetabaseEntityListing")
    assert isinstance(every, models.TrunkMetabaseEntityListing)
    by_id = {m.id: m for m in every.entities}
    assert by_id[BYOC].name == "Generic BYOC Carrier" and by_id[BYOC].type == "EXTERNAL_BYOC_CARRIER"
    assert by_id[BYOC_PBX].type == "EXTERNAL_BYOC_PBX" and by_id[PHONE].type == "STATION_CDM"
    assert by_id["external_sip.json"].type == "EXTERNAL" and by_id[WEBRTC].type == "STATION_CDM_WEBRTC"
    assert every.total == 5 and every.page_count == 1 and every.next_uri is None
    external = sdk.telephony.get_telephony_providers_edges_trunkbasesettings_availablemetabases(type="EXTERNAL")
    assert {m.id for m in external.entities} == {BYOC, BYOC_PBX, "external_sip.json"}
    phone = sdk.telephony.get_telephony_providers_edges_trunkbasesettings_availablemetabases(type="PHONE")
    assert {m.id for m in phone.entities} == {PHONE, WEBRTC}


def test_template_lists_every_key_with_defaults_and_allowed_values(sdk: Sdk) -> None:
    template = sdk.telephony.get_telephony_providers_edges_trunkbasesettings_template(BYOC)
    sdk.check("TrunkBase")
    assert isinstance(template, models.TrunkBase)
    assert template.trunk_metabase.id == BYOC and template.trunk_type == "EXTERNAL"
    props = template.properties
    assert set(props) >= BYOC_KEYS
    codec = props[CODECS]
    assert codec["type"] == "array" and codec["uniqueItems"] is True
    assert codec["value"]["default"] == ["audio/opus", "audio/pcmu", "audio/pcma"]
    assert set(codec["items"]["enum"]) == {"audio/opus", "audio/pcmu", "audio/pcma", "audio/g729", "audio/g722"}
    assert props["trunk_maxDialTimeout"]["value"] == {"default": "2m", "instance": "2m"}
    assert "pattern" in props["trunk_maxDialTimeout"]
    assert props["trunk_transport_protocolVariant"]["enum"] == ["udp", "tcp", "tls"]
    assert props[PROXIES]["required"] is True and props[PROXIES]["items"] == {"type": "string"}
    assert props["trunk_type"]["value"]["default"] == "external.pcv.byoc.carrier"
    assert props["trunk_media_dtmf_payload"]["minimum"] == 96 and props["trunk_media_dtmf_payload"]["maximum"] == 127
    assert props["trunk_media_disconnectOnIdleRTP"]["value"]["default"] is True

    with pytest.raises(ApiException) as missing:
        sdk.telephony.get_telephony_providers_edges_trunkbasesettings_template("no_such_metabase.json")
    body = sdk.error(_fails(missing.value, 404))
    assert body.status == 404 and body.code == "not.found" and "no_such_metabase.json" in body.message


def test_sites_are_seeded(sdk: Sdk) -> None:
    sites = sdk.telephony.get_telephony_providers_edges_sites()
    sdk.check("SiteEntityListing")
    assert isinstance(sites, models.SiteEntityListing)
    by_name = {s.name: s for s in sites.entities}
    assert by_name["Cloud BYOC Site"].id == INBOUND_SITE and by_name["Cloud BYOC Site"].media_model == "Cloud"
    assert by_name["Premises HQ"].media_model == "Premises"
    one = sdk.telephony.get_telephony_providers_edges_site(MEDIA_SITE)
    sdk.check("Site")
    assert one.name == "Cloud Media EU" and one.self_uri.endswith(MEDIA_SITE) and one.state == "active"
    named = sdk.telephony.get_telephony_providers_edges_sites(name="premises hq")
    assert [s.name for s in named.entities] == ["Premises HQ"]
    with pytest.raises(ApiException) as missing:
        sdk.telephony.get_telephony_providers_edges_site("no-such-site")
    assert sdk.error(_fails(missing.value, 404)).code == "not.found"


def test_create_get_update_delete(sdk: Sdk) -> None:
    body = byoc_base(site=MEDIA_SITE, trunk_media_codec=["audio/pcmu", "audio/g722"], trunk_custom_flag="kept")
    body.description = "carrier A"
    created = sdk.telephony.post_telephony_providers_edges_trunkbasesettings(body)
    sdk.check("TrunkBase")
    assert isinstance(created, models.TrunkBase)
    assert created.name == body.name and created.description == "carrier A"
    assert created.version == 1 and created.state == "active" and created.trunk_type == "EXTERNAL"
    assert created.trunk_metabase.id == BYOC and created.trunk_metabase.name == "Generic BYOC Carrier"
    assert created.inbound_site.id == INBOUND_SITE and created.inbound_site.name == "Cloud BYOC Site"
    assert created.site.id == MEDIA_SITE
    assert created.self_uri == f"/api/v2/telephony/providers/edges/trunkbasesettings/{created.id}"
    assert created.date_created is not None and created.date_created == created.date_modified
    # given values, template defaults for the rest, unknown keys kept as given, the password never returned
    assert instance_of(created, CODECS) == ["audio/pcmu", "audio/g722"]
    assert instance_of(created, "trunk_maxDialTimeout") == "2m"
    assert instance_of(created, "trunk_media_disconnectOnIdleRTP") is True
    assert instance_of(created, "trunk_transport_protocolVariant") == "udp"
    assert instance_of(created, "trunk_custom_flag") == "kept"
    assert created.properties[CODECS]["type"] == "array"
    assert instance_of(created, PASSWORD_KEY) is None
    assert PASSWORD not in sdk.client.last_response.data

    fetched = sdk.telephony.get_telephony_providers_edges_trunkbasesetting(created.id, ignore_hidden=True)
    sdk.check("TrunkBase")
    assert fetched.to_dict() == created.to_dict()

    fetched.properties[CODECS]["value"]["instance"] = ["audio/opus"]
    fetched.name = body.name + "-renamed"
    updated = sdk.telephony.put_telephony_providers_edges_trunkbasesetting(created.id, fetched)
    sdk.check("TrunkBase")
    assert updated.version == 2 and updated.name == body.name + "-renamed"
    assert instance_of(updated, CODECS) == ["audio/opus"]
    assert instance_of(updated, "trunk_custom_flag") == "kept"
    assert updated.date_modified >= created.date_modified

    assert sdk.telephony.delete_telephony_providers_edges_trunkbasesetting(created.id) is None
    gone = sdk.telephony.get_telephony_providers_edges_trunkbasesetting(created.id)
    assert gone.state == "deleted"
    with pytest.raises(ApiException) as again:
        sdk.telephony.delete_telephony_providers_edges_trunkbasesetting(created.id)
    assert sdk.error(_fails(again.value, 404)).code == "not.found"
    with pytest.raises(ApiException) as put_gone:
        sdk.telephony.put_telephony_providers_edges_trunkbasesetting(created.id, updated)
    _fails(put_gone.value, 404)


def test_deleted_bases_stay_listed_and_free_their_name(sdk: Sdk) -> None:
    name = unique("Reused")
    first = sdk.telephony.post_telephony_providers_edges_trunkbasesettings(byoc_base(name))
    sdk.telephony.delete_telephony_providers_edges_trunkbasesetting(first.id)
    second = sdk.telephony.post_telephony_providers_edges_trunkbasesettings(byoc_base(name))
    listed = sdk.telephony.get_telephony_providers_edges_trunkbasesettings(name=name)
    sdk.check("TrunkBaseEntityListing")
    assert {(b.id, b.state) for b in listed.entities} == {(first.id, "deleted"), (second.id, "active")}


def test_list_paging_name_wildcard_and_expand(sdk: Sdk) -> None:
    prefix = unique("Paged")
    ids = [
        sdk.telephony.post_telephony_providers_edges_trunkbasesettings(byoc_base(f"{prefix}-{i}")).id for i in range(3)
    ]
    page = sdk.telephony.get_telephony_providers_edges_trunkbasesettings(name=f"{prefix}*", page_size=2)
    sdk.check("TrunkBaseEntityListing")
    assert isinstance(page, models.TrunkBaseEntityListing)
    assert page.total == 3 and page.page_count == 2 and page.page_number == 1 and page.page_size == 2
    assert [b.name for b in page.entities] == [f"{prefix}-0", f"{prefix}-1"]
    assert all(b.properties is None for b in page.entities)
    assert page.next_uri is not None and "pageNumber=2" in page.next_uri and page.previous_uri is None
    assert "pageNumber=2" in page.last_uri and "pageNumber=1" in page.first_uri
    second = sdk.telephony.get_telephony_providers_edges_trunkbasesettings(
        name=f"{prefix}*", page_size=2, page_number=2, expand=["properties"]
    )
    assert [b.id for b in second.entities] == ids[2:] and second.next_uri is None
    assert instance_of(second.entities[0], CODECS) == ["audio/opus", "audio/pcmu", "audio/pcma"]
    exact = sdk.telephony.get_telephony_providers_edges_trunkbasesettings(name=f"{prefix}-1".upper())
    assert [b.id for b in exact.entities] == [ids[1]]
    assert sdk.telephony.get_telephony_providers_edges_trunkbasesettings(name=prefix).total == 0
    descending = sdk.telephony.get_telephony_providers_edges_trunkbasesettings(
        name=f"{prefix}*", sort_by="name", sort_order="descending"
    )
    assert [b.id for b in descending.entities] == ids[::-1]


def test_versions(sdk: Sdk) -> None:
    base = sdk.telephony.post_telephony_providers_edges_trunkbasesettings(byoc_base())
    current = sdk.telephony.put_telephony_providers_edges_trunkbasesetting(base.id, base)
    assert current.version == 2

    with pytest.raises(ApiException) as stale:
        sdk.telephony.put_telephony_providers_edges_trunkbasesetting(base.id, base)  # still version 1
    body = sdk.error(_fails(stale.value, 409))
    assert body.message == "The version number of the modified resource must match the version number in the database."
    assert body.status == 409 and body.code == "version.mismatch"

    current.version = 7
    with pytest.raises(ApiException) as ahead:
        sdk.telephony.put_telephony_providers_edges_trunkbasesetting(base.id, current)
    assert "does not match the current version" in sdk.error(_fails(ahead.value, 400)).message

    current.version = None
    with pytest.raises(ApiException) as missing:
        sdk.telephony.put_telephony_providers_edges_trunkbasesetting(base.id, current)
    body = sdk.error(_fails(missing.value, 400))
    assert [d.field_name for d in body.details] == ["version"] and body.details[0].error_code == "invalid.value"


def test_duplicate_name_is_400_with_a_code(sdk: Sdk) -> None:
    name = unique("Dup")
    first = sdk.telephony.post_telephony_providers_edges_trunkbasesettings(byoc_base(name))
    with pytest.raises(ApiException) as dup:
        sdk.telephony.post_telephony_providers_edges_trunkbasesettings(byoc_base(name.upper()))
    body = sdk.error(_fails(dup.value, 400))
    assert body.code == "duplicate.name" and name.upper() in body.message
    other = sdk.telephony.post_telephony_providers_edges_trunkbasesettings(byoc_base())
    other.name = name
    with pytest.raises(ApiException) as renamed:
        sdk.telephony.put_telephony_providers_edges_trunkbasesetting(other.id, other)
    assert sdk.error(_fails(renamed.value, 400)).code == "duplicate.name"
    assert sdk.telephony.put_telephony_providers_edges_trunkbasesetting(first.id, first).version == 2


def _bad(props: dict[str, Any] | None = None, **attrs: object) -> models.TrunkBase:
    """A BYOC body with ``props`` among its properties and ``attrs`` set on the model."""
    base = byoc_base(**(props or {}))
    for key, value in attrs.items():
        setattr(base, key, value)
    return base


@pytest.mark.parametrize(
    "body,field,fragment",
    [
        (_bad(inbound_site=None), "inboundSite", "inboundSite is required for external BYOC trunks"),
        (
            _bad(trunk_metabase=ref(PHONE), trunk_type="PHONE"),
            "inboundSite",
            "only allowed for external BYOC trunks",
        ),
        (_bad(trunk_metabase=ref("no_such.json")), "trunkMetabase.id", "unknown trunk metabase 'no_such.json'"),
        (_bad(trunk_type="PHONE"), "trunkType", "must be EXTERNAL"),
        (_bad(inbound_site=ref("nowhere")), "inboundSite.id", "unknown site 'nowhere'"),
        (_bad(site=ref("nowhere")), "site.id", "unknown site 'nowhere'"),
        (
            _bad({"trunk_media_codec": ["audio/pcmu", "audio/gsm"]}),
            f"properties.{CODECS}.value.instance[1]",
            '"audio/gsm" is not allowed; allowed: audio/opus',
        ),
        (
            _bad({"trunk_media_codec": ["audio/pcmu", "audio/pcmu"]}),
            f"properties.{CODECS}.value.instance[1]",
            "more than once",
        ),
        (
            _bad({"trunk_transport_protocolVariant": "sctp"}),
            "properties.trunk_transport_protocolVariant.value.instance",
            "allowed: udp, tcp, tls",
        ),
        (
            _bad({"trunk_enabled": "yes"}),
            "properties.trunk_enabled.value.instance",
            "must be of type boolean, got string",
        ),
        (
            _bad({"trunk_maxDialTimeout": "two minutes"}),
            "properties.trunk_maxDialTimeout.value.instance",
            "does not match the pattern",
        ),
        (
            _bad({"trunk_media_dtmf_payload": 200}),
            "properties.trunk_media_dtmf_payload.value.instance",
            "must be from 96 to 127",
        ),
        (_bad(name=""), "name", "at least 1 character"),
        (_bad(state="retired"), "state", "'active' or 'inactive'"),
    ],
)
def test_validation_names_the_field(sdk: Sdk, body: models.TrunkBase, field: str, fragment: str) -> None:
    with pytest.raises(ApiException) as failed:
        sdk.telephony.post_telephony_providers_edges_trunkbasesettings(body)
    error = sdk.error(_fails(failed.value, 400))
    assert error.status == 400 and error.code == "bad.request"
    messages = [e.message for e in error.errors]
    assert [d.field_name for d in error.details] == [field] and error.details[0].error_code
    assert len(messages) == 1 and messages[0].startswith(f"{field}: ") and fragment in messages[0], messages
    assert fragment in error.message


def test_a_bad_password_is_never_echoed(sdk: Sdk) -> None:
    body = byoc_base(trunk_sip_authentication_credentials_password=12345678)
    with pytest.raises(ApiException) as failed:
        sdk.telephony.post_telephony_providers_edges_trunkbasesettings(body)
    error = sdk.error(_fails(failed.value, 400))
    assert "12345678" not in failed.value.body
    assert error.errors[0].message.startswith(f"properties.{PASSWORD_KEY}.value.instance: must be of type string")


def test_metabase_cannot_change(sdk: Sdk) -> None:
    base = sdk.telephony.post_telephony_providers_edges_trunkbasesettings(byoc_base())
    base.trunk_metabase = ref(BYOC_PBX)
    with pytest.raises(ApiException) as failed:
        sdk.telephony.put_telephony_providers_edges_trunkbasesetting(base.id, base)
    assert "trunkMetabase.id: cannot be changed" in sdk.error(_fails(failed.value, 400)).message


def test_phone_trunk_base_without_inbound_site(sdk: Sdk) -> None:
    body = model(
        models.TrunkBase,
        name=unique("Phones"),
        trunk_metabase=ref(PHONE),
        properties=instances({"trunk_sip_maxRegistrationRate": "300/1m"}),
    )
    created = sdk.telephony.post_telephony_providers_edges_trunkbasesettings(body)
    sdk.check("TrunkBase")
    assert created.trunk_type == "PHONE" and created.inbound_site is None
    assert instance_of(created, "trunk_sip_maxRegistrationRate") == "300/1m"


def test_delete_while_in_use_is_400_until_released(sdk: Sdk, emu: EmulatorHandle) -> None:
    base = sdk.telephony.post_telephony_providers_edges_trunkbasesettings(byoc_base())
    held = emu.http.put(f"/_emulator/trunkbases/{base.id}/inuse", json={"seconds": 60})
    assert held.status_code == 200, held.text
    with pytest.raises(ApiException) as busy:
        sdk.telephony.delete_telephony_providers_edges_trunkbasesetting(base.id)
    assert "is in use" in sdk.error(_fails(busy.value, 400)).message
    assert emu.http.put(f"/_emulator/trunkbases/{base.id}/inuse", json={"seconds": 0}).status_code == 200
    sdk.telephony.delete_telephony_providers_edges_trunkbasesetting(base.id)
    assert emu.http.put(f"/_emulator/trunkbases/{base.id}/inuse", json={"seconds": 5}).status_code == 404
    assert emu.http.put(f"/_emulator/trunkbases/{base.id}/inuse", json={"seconds": -1}).status_code == 400


@pytest.mark.parametrize(
    "call,field",
    [
        (
            lambda sdk: sdk.telephony.get_telephony_providers_edges_trunkbasesettings_availablemetabases(type="SIP"),
            "type",
        ),
        (lambda sdk: sdk.telephony.get_telephony_providers_edges_trunkbasesettings(page_size=501), "pageSize"),
        (lambda sdk: sdk.telephony.get_telephony_providers_edges_trunkbasesettings(sort_order="sideways"), "sortOrder"),
        (lambda sdk: sdk.telephony.get_telephony_providers_edges_trunks(page_number=0), "pageNumber"),
        (lambda sdk: sdk.telephony.get_telephony_providers_edges_sites(page_size=0), "pageSize"),
    ],
)
def test_bad_query_parameters_are_400_naming_them(sdk: Sdk, call: Callable[[Sdk], object], field: str) -> None:
    with pytest.raises(ApiException) as failed:
        call(sdk)
    body = sdk.error(_fails(failed.value, 400))
    assert [d.field_name for d in body.details] == [field]


@pytest.mark.parametrize("raw", [b"{not json", b"[1]"])
def test_body_must_be_a_json_object(emu: EmulatorHandle, raw: bytes) -> None:
    reply = emu.http.post(
        "/api/v2/telephony/providers/edges/trunkbasesettings",
        content=raw,
        headers={"Authorization": f"Bearer {emu.token()}", "Content-Type": "application/json"},
    )
    assert reply.status_code == 400
    assert [d["fieldName"] for d in reply.json()["details"]] == ["body"]


def test_a_byoc_base_with_no_properties_takes_the_templates_defaults(sdk: Sdk) -> None:
    """What CX-as-Code's acceptance test posts to real orgs: name, metabase, inbound site and no properties."""
    body = byoc_base()
    body.properties = None
    created = sdk.telephony.post_telephony_providers_edges_trunkbasesettings(body)
    sdk.check("TrunkBase")
    assert instance_of(created, "trunk_maxDialTimeout") == "2m"
    assert instance_of(created, "trunk_media_disconnectOnIdleRTP") is True
    assert instance_of(created, CODECS) == ["audio/opus", "audio/pcmu", "audio/pcma"]
    assert instance_of(created, PROXIES) in (None, [])


def test_a_put_replaces_the_properties_and_a_password_left_out_is_cleared(sdk: Sdk, emu: EmulatorHandle) -> None:
    """The stricter of what the real API may do with a full-object PUT that leaves a property out."""
    created = sdk.telephony.post_telephony_providers_edges_trunkbasesettings(
        byoc_base(trunk_maxDialTimeout="3m", trunk_custom_flag="kept")
    )
    created.properties = instances({PROXIES: ["sip.carrier.example.com"], USERNAME: "acct-x"})
    updated = sdk.telephony.put_telephony_providers_edges_trunkbasesetting(created.id, created)
    assert instance_of(updated, "trunk_maxDialTimeout") == "2m"  # the template's default again
    assert "trunk_custom_flag" not in updated.properties
    changes = emu.api(
        "POST",
        "/api/v2/audits/query/realtime",
        json={
            "interval": "2020-01-01T00:00:00Z/2100-01-01T00:00:00Z",
            "serviceName": "Telephony",
            "filters": [{"property": "EntityId", "value": created.id}],
        },
    ).json()["entities"]
    changes = next(a for a in changes if a["action"] == "Update")["propertyChanges"]
    cleared = next(c for c in changes if c["property"] == PASSWORD_KEY)
    assert cleared["oldValues"] == ["********"] and cleared["newValues"] == []
