"""The official Python SDK as the oracle for the cloud dialect's wire shapes: a body the SDK's model would
drop a key of, or a field name the SDK's model does not have, fails here."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import PureCloudPlatformClientV2 as sdk
import pytest
from pydantic import BaseModel, SecretStr

from entities.site.api import Site
from entities.trunk_base import (
    TrunkBaseSpec,
    TrunkBaseTemplate,
    carrier_properties,
    codecs_to_wire,
    credential_properties,
)
from entities.trunk_base import api as trunk_base_api
from entities.trunk_base import models as base_wire
from entities.trunk_base.models import TrunkBase
from entities.trunk_base_registration import api as instances_api
from entities.trunk_base_registration import models as wire
from entities.trunk_base_registration.models import AuditLogMessage, Trunk
from genesys_api import EntityRef, ErrorBody, Page
from genesys_api.errors import ErrorDetail
from tests.unit.cloud_fixtures import SITE_ID, template

API = sdk.ApiClient()


def sdk_round_trip(body: Any, sdk_model: str) -> Any:
    """``body`` read into the SDK's model and written back: what the SDK would send."""
    return API.sanitize_for_serialization(API._ApiClient__deserialize(body, sdk_model))


def sdk_keys(sdk_model: str) -> set[str]:
    return set(getattr(sdk, sdk_model)().attribute_map.values())


def wire_keys(model: type[BaseModel]) -> set[str]:
    return {f.alias or name for name, f in model.model_fields.items()}


SPEC = TrunkBaseSpec(
    name="Carrier-A",
    inbound_site_id=SITE_ID,
    site_id="media-site",
    description="primary",
    properties={
        **carrier_properties("sip.carrier.example", 5060, "tls"),
        **credential_properties("acct", SecretStr("pw-123456"), "carrier.example"),
        "trunk_media_codec": codecs_to_wire(["G711u", "Opus"]),
    },
)


def test_create_and_update_bodies_are_trunk_bases_to_the_sdk():
    create = trunk_base_api.create_trunk_base(SPEC, TrunkBaseTemplate.model_validate(template())).body
    update = trunk_base_api.update_trunk_base("b1", SPEC, 4).body
    assert sdk_round_trip(create, "TrunkBase") == create
    assert sdk_round_trip(update, "TrunkBase") == update


def test_the_audit_query_is_an_audit_realtime_query_request_to_the_sdk():
    since, until = datetime(2026, 1, 1, tzinfo=UTC), datetime(2026, 1, 8, tzinfo=UTC)
    body = instances_api.query_audits("b1", since, until, 1, 500).body
    assert sdk_round_trip(body, "AuditRealtimeQueryRequest") == body


@pytest.mark.parametrize(
    "model,sdk_model",
    [
        (TrunkBase, "TrunkBase"),
        (TrunkBaseTemplate, "TrunkBase"),
        (base_wire.TrunkBaseEntityListing, "TrunkBaseEntityListing"),
        (base_wire.Metabase, "Metabase"),
        (base_wire.TrunkMetabaseEntityListing, "TrunkMetabaseEntityListing"),
        (Site, "Site"),
        (Page[Site], "SiteEntityListing"),
        (Trunk, "Trunk"),
        (wire.TrunkEntityListing, "TrunkEntityListing"),
        (wire.TrunkConnectedStatus, "TrunkConnectedStatus"),
        (wire.TrunkRegistersStatus, "TrunkMetricsRegisters"),
        (wire.TrunkOptionsStatus, "TrunkMetricsOptions"),
        (wire.TrunkIpStatus, "TrunkMetricsNetworkTypeIp"),
        (wire.TrunkErrorInfo, "TrunkErrorInfo"),
        (wire.ErrorDetails, "TrunkErrorInfoDetails"),
        (EntityRef, "DomainEntityRef"),
        (AuditLogMessage, "AuditLogMessage"),
        (wire.AuditUser, "DomainEntityRef"),
        (wire.AuditClient, "AddressableEntityRef"),
        (wire.PropertyChange, "PropertyChange"),
        (wire.AuditRealtimeQueryResultsResponse, "AuditRealtimeQueryResultsResponse"),
        (ErrorDetail, "Detail"),
    ],
)
def test_every_read_field_is_a_field_of_the_sdk_model(model: type[BaseModel], sdk_model: str):
    assert wire_keys(model) <= sdk_keys(sdk_model)


def test_error_body_fields_are_the_sdks_plus_the_oauth_ones():
    oauth = {"error", "description"}
    assert wire_keys(ErrorBody) - oauth <= sdk_keys("ErrorBody")


def test_an_sdk_built_trunk_reads_back_with_its_status():
    built = sdk.Trunk()
    built.id = "t1"
    built.name = "Carrier-A (Cloud Edge a)"
    built.state = "active"
    built.in_service = False
    status = sdk.TrunkConnectedStatus()
    status.connected = False
    built.connected_status = status
    register = sdk.TrunkMetricsRegisters()
    register.proxy_address = "sip.carrier.example:5060"
    register.register_state = False
    info = sdk.TrunkErrorInfo()
    info.text = "carrier rejected credentials"
    info.code = "sip.register.failed"
    register.error_info = info
    built.registers_status = [register]
    built.registers_enabled_status = "ENABLED"
    ref = sdk.DomainEntityRef()
    ref.id = "b1"
    built.trunk_base = ref
    read = Trunk.model_validate(API.sanitize_for_serialization(built))
    assert read.trunk_base is not None and read.trunk_base.id == "b1"
    assert read.registers_status[0].error_info is not None
    assert read.registers_status[0].error_info.text == "carrier rejected credentials"
    assert read.registers_enabled_status == "ENABLED" and read.connected_status is not None
