"""A site's outbound routes and number plans through the official SDK, every reply checked against its model;
and the steps of CX-as-Code's own acceptance tests (which run against real orgs) replayed as they send them."""

from __future__ import annotations

import pytest
from PureCloudPlatformClientV2 import models
from PureCloudPlatformClientV2.rest import ApiException

from emulator.testing import EmulatorHandle

from .helpers import INBOUND_SITE, MEDIA_SITE, PHONE, byoc_base, instance_of, instances, model, ref, unique
from .sdk import Sdk, connect

PREMISES_SITE = "5d1a7e0c-2b3f-4c5d-8e9f-0a1b2c3d4e03"
DEFAULT = "Default Outbound Route"
EXTERNAL_SIP = "external_sip.json"
WEBRTC = "phone_connections_webrtc.json"


@pytest.fixture(scope="module")
def sdk(emu: EmulatorHandle) -> Sdk:
    return connect(emu)


def route(name: str, kinds: list[str], bases: list[str], **attrs: object) -> models.OutboundRouteBase:
    return model(
        models.OutboundRouteBase,
        name=name,
        classification_types=kinds,
        external_trunk_bases=[ref(b) for b in bases],
        **attrs,
    )


def sip_base(sdk: Sdk, name: str | None = None) -> models.TrunkBase:
    """What the acceptance tests make: an EXTERNAL trunk base of `external_sip.json`, no inbound site, no
    properties."""
    body = model(
        models.TrunkBase,
        name=name or unique("tf-sip"),
        description="test description",
        trunk_metabase=ref(EXTERNAL_SIP),
        trunk_type="EXTERNAL",
        managed=False,
    )
    created = sdk.telephony.post_telephony_providers_edges_trunkbasesettings(body)
    sdk.check("TrunkBase")
    return created


def default_route(sdk: Sdk, site: str) -> models.OutboundRouteBase:
    listing = sdk.telephony.get_telephony_providers_edges_site_outboundroutes(site, name=DEFAULT)
    sdk.check("OutboundRouteBaseEntityListing")
    assert [r.name for r in listing.entities] == [DEFAULT]
    return listing.entities[0]


def test_every_cloud_site_has_its_default_route_and_number_plans(sdk: Sdk) -> None:
    found = default_route(sdk, INBOUND_SITE)
    assert found.classification_types == ["Emergency", "National", "Network", "International"]
    assert found.distribution == "SEQUENTIAL" and found.enabled is True and found.external_trunk_bases == []
    assert found.self_uri.endswith(f"/sites/{INBOUND_SITE}/outboundroutes/{found.id}")
    assert default_route(sdk, MEDIA_SITE).id != found.id
    premises = sdk.telephony.get_telephony_providers_edges_site_outboundroutes(PREMISES_SITE)
    assert premises.entities == []  # the platform makes one with Cloud sites only
    kinds = sdk.telephony.get_telephony_providers_edges_site_numberplans_classifications(INBOUND_SITE)
    assert {"Emergency", "National", "International", "Network", "Extension"} <= set(kinds)
    plans = sdk.telephony.get_telephony_providers_edges_site_numberplans(INBOUND_SITE)
    sdk.check("list[NumberPlan]")
    assert {p.classification for p in plans} == set(kinds)


def test_create_read_update_delete_with_versions_audits_and_paging(sdk: Sdk, emu: EmulatorHandle) -> None:
    base = sdk.telephony.post_telephony_providers_edges_trunkbasesettings(byoc_base())
    other = sdk.telephony.post_telephony_providers_edges_trunkbasesettings(byoc_base())
    name = unique("Intl")
    created = sdk.telephony.post_telephony_providers_edges_site_outboundroutes(
        INBOUND_SITE, route(name, ["International"], [base.id, other.id], distribution="RANDOM", enabled=True)
    )
    sdk.check("OutboundRouteBase")
    assert created.version == 1 and [b.id for b in created.external_trunk_bases] == [base.id, other.id]
    assert created.external_trunk_bases[0].name == base.name
    got = sdk.telephony.get_telephony_providers_edges_site_outboundroute(INBOUND_SITE, created.id)
    assert got.to_dict() == created.to_dict()

    got.external_trunk_bases = [ref(other.id), ref(base.id)]  # the order calls try them
    got.classification_types = ["International", "Network"]
    updated = sdk.telephony.put_telephony_providers_edges_site_outboundroute(INBOUND_SITE, created.id, got)
    assert updated.version == 2 and [b.id for b in updated.external_trunk_bases] == [other.id, base.id]
    with pytest.raises(ApiException) as stale:
        sdk.telephony.put_telephony_providers_edges_site_outboundroute(INBOUND_SITE, created.id, got)
    assert stale.value.status == 409

    page = sdk.telephony.get_telephony_providers_edges_site_outboundroutes(INBOUND_SITE, page_size=1, page_number=1)
    sdk.check("OutboundRouteBaseEntityListing")
    assert page.page_size == 1 and page.total >= 2 and page.page_count == page.total
    naming = sdk.telephony.get_telephony_providers_edges_site_outboundroutes(
        INBOUND_SITE, external_trunk_bases_ids=[other.id]
    )
    assert [r.id for r in naming.entities] == [created.id]

    audits = emu.api(
        "POST",
        "/api/v2/audits/query/realtime",
        json={
            "interval": "2020-01-01T00:00:00Z/2100-01-01T00:00:00Z",
            "serviceName": "Telephony",
            "filters": [
                {"property": "EntityType", "value": "OutboundRoute"},
                {"property": "EntityId", "value": created.id},
            ],
        },
    ).json()["entities"]
    assert {a["action"] for a in audits} == {"Create", "Update"}

    sdk.telephony.delete_telephony_providers_edges_site_outboundroute(INBOUND_SITE, created.id)
    with pytest.raises(ApiException) as gone:
        sdk.telephony.get_telephony_providers_edges_site_outboundroute(INBOUND_SITE, created.id)
    assert gone.value.status == 404


def test_the_rules_a_site_keeps(sdk: Sdk) -> None:
    base = sdk.telephony.post_telephony_providers_edges_trunkbasesettings(byoc_base())
    with pytest.raises(ApiException) as twice:
        sdk.telephony.post_telephony_providers_edges_site_outboundroutes(INBOUND_SITE, route(DEFAULT, ["National"], []))
    assert twice.value.status == 400
    assert "OutboundRoute with name 'Default Outbound Route' already exists." in twice.value.body

    with pytest.raises(ApiException) as unknown_kind:
        sdk.telephony.post_telephony_providers_edges_site_outboundroutes(
            INBOUND_SITE, route(unique("r"), ["National", "Interplanetary"], [base.id])
        )
    assert unknown_kind.value.status == 400 and "classificationTypes[1]" in unknown_kind.value.body

    phone_body = byoc_base(metabase=PHONE, inbound_site=None, trunk_transport_serverProxyList=None)
    phone_body.trunk_type, phone_body.properties = "PHONE", None
    phone = sdk.telephony.post_telephony_providers_edges_trunkbasesettings(phone_body)
    with pytest.raises(ApiException) as not_external:
        sdk.telephony.post_telephony_providers_edges_site_outboundroutes(
            INBOUND_SITE, route(unique("r"), ["National"], [base.id, phone.id])
        )
    assert not_external.value.status == 400 and "externalTrunkBases[1].id" in not_external.value.body

    used = sdk.telephony.post_telephony_providers_edges_site_outboundroutes(
        INBOUND_SITE, route(unique("r"), ["Network"], [base.id])
    )
    with pytest.raises(ApiException) as in_use:
        sdk.telephony.delete_telephony_providers_edges_trunkbasesetting(base.id)
    assert in_use.value.status == 400 and "in use" in in_use.value.body and used.name in in_use.value.body
    used.external_trunk_bases = []
    sdk.telephony.put_telephony_providers_edges_site_outboundroute(INBOUND_SITE, used.id, used)
    sdk.telephony.delete_telephony_providers_edges_trunkbasesetting(base.id)  # let go of: deletable


def test_a_route_needs_the_read_and_write_scopes(emu: EmulatorHandle) -> None:
    readonly = connect(emu, "genesys-trunks-readonly", "readonly-secret")
    assert readonly.telephony.get_telephony_providers_edges_site_outboundroutes(INBOUND_SITE).entities
    with pytest.raises(ApiException) as refused:
        readonly.telephony.post_telephony_providers_edges_site_outboundroutes(
            INBOUND_SITE, route(unique("r"), ["National"], [])
        )
    assert refused.value.status == 403


# ---------------------------------------------------------------------------------------------- CX-as-Code's tests


def test_acceptance_external_trunk_base_with_an_inbound_site_and_no_properties(sdk: Sdk) -> None:
    """TestAccResourceExternalTrunkBaseSettingsInboundSite: no properties at all; the label follows the name."""
    body = model(
        models.TrunkBase,
        name=unique("tf-byoc"),
        description="test description",
        trunk_metabase=ref("external_sip_pcv_byoc_carrier.json"),
        trunk_type="EXTERNAL",
        managed=False,
        inbound_site=ref(INBOUND_SITE),
    )
    created = sdk.telephony.post_telephony_providers_edges_trunkbasesettings(body)
    assert instance_of(created, "trunk_label") == body.name
    assert instance_of(created, "trunk_maxDialTimeout") == "2m"
    assert instance_of(created, "trunk_media_disconnectOnIdleRTP") is True
    assert instance_of(created, "trunk_media_codec") == ["audio/opus", "audio/pcmu", "audio/pcma"]
    # its update sends what it sends on create (no properties), with the version a GET read
    new_name = body.name + " renamed"
    body.name, body.version = new_name, created.version
    renamed = sdk.telephony.put_telephony_providers_edges_trunkbasesetting(created.id, body)
    assert instance_of(renamed, "trunk_label") == new_name


def test_acceptance_phone_trunk_base_keeps_the_keys_it_was_sent(sdk: Sdk) -> None:
    """TestAccResourceTrunkBaseSettings: snake_case keys on a WebRTC phone trunk base are stored as sent."""
    sent = {
        "trunk_max_dial_timeout": "1m",
        "trunk_transport_sip_dscp_value": 25,
        "trunk_media_disconnect_on_idle_rtp": False,
    }
    body = model(
        models.TrunkBase,
        name=unique("tf-webrtc"),
        description="test description",
        trunk_metabase=ref(WEBRTC),
        trunk_type="PHONE",
        managed=False,
        properties=instances(sent),
    )
    created = sdk.telephony.post_telephony_providers_edges_trunkbasesettings(body)
    sdk.check("TrunkBase")
    assert {key: instance_of(created, key) for key in sent} == sent


def test_acceptance_routes_beside_a_cloud_sites_default_route(sdk: Sdk) -> None:
    """TestAccResourceSiteoutboundRoutes: two routes beside the default route, swapped, then one left, updated."""
    bases = [sip_base(sdk) for _ in range(3)]
    one = sdk.telephony.post_telephony_providers_edges_site_outboundroutes(
        MEDIA_SITE,
        route(
            "outboundRoute name 1",
            ["National", "International"],
            [bases[0].id],
            description="d1",
            distribution="RANDOM",
            enabled=False,
        ),
    )
    two = sdk.telephony.post_telephony_providers_edges_site_outboundroutes(
        MEDIA_SITE,
        route(
            "outboundRoute name 2",
            ["Network"],
            [bases[1].id],
            description="d2",
            distribution="SEQUENTIAL",
            enabled=False,
        ),
    )
    assert one.classification_types == ["National", "International"] and one.enabled is False
    assert [b.id for b in two.external_trunk_bases] == [bases[1].id]
    sdk.telephony.delete_telephony_providers_edges_site_outboundroute(MEDIA_SITE, two.id)
    one.description, one.classification_types, one.enabled = "updated", ["International"], True
    one.external_trunk_bases = [ref(bases[0].id), ref(bases[2].id)]
    updated = sdk.telephony.put_telephony_providers_edges_site_outboundroute(MEDIA_SITE, one.id, one)
    assert updated.classification_types == ["International"] and updated.enabled is True
    assert [b.id for b in updated.external_trunk_bases] == [bases[0].id, bases[2].id]
    sdk.telephony.delete_telephony_providers_edges_site_outboundroute(MEDIA_SITE, one.id)


def test_acceptance_the_default_route_is_updated_in_place(sdk: Sdk) -> None:
    """TestAccResourceSiteoutboundRoutesDefaultOutboundRoute: found by name, PUT with two trunk bases, and a
    new route added beside it."""
    bases = [sip_base(sdk) for _ in range(2)]
    found = default_route(sdk, INBOUND_SITE)
    before = found.to_dict()
    found.description, found.classification_types, found.distribution = "d1", ["International"], "RANDOM"
    found.external_trunk_bases, found.enabled = [ref(bases[0].id), ref(bases[1].id)], True
    updated = sdk.telephony.put_telephony_providers_edges_site_outboundroute(INBOUND_SITE, found.id, found)
    assert updated.name == DEFAULT and [b.id for b in updated.external_trunk_bases] == [bases[0].id, bases[1].id]
    beside = sdk.telephony.post_telephony_providers_edges_site_outboundroutes(
        INBOUND_SITE, route("outboundRoute name 2", ["Network"], [bases[1].id], enabled=False)
    )
    sdk.telephony.delete_telephony_providers_edges_site_outboundroute(INBOUND_SITE, beside.id)
    updated.classification_types = before["classification_types"]
    updated.external_trunk_bases, updated.description, updated.distribution = [], None, "SEQUENTIAL"
    sdk.telephony.put_telephony_providers_edges_site_outboundroute(INBOUND_SITE, found.id, updated)
