"""The notification topics through the official SDK: the listing's shape, ``expand``, and its scope."""

from __future__ import annotations

import PureCloudPlatformClientV2 as genesys
import pytest
from PureCloudPlatformClientV2 import models
from PureCloudPlatformClientV2.rest import ApiException

from emulator.testing import EmulatorHandle

from .helpers import model
from .sdk import Sdk, connect

TRUNK_TOPIC = "v2.telephony.providers.edges.trunks.{id}"


def topics_api(sdk: Sdk) -> genesys.NotificationsApi:
    return genesys.NotificationsApi(sdk.client)


def test_topics_with_transports_have_the_sdks_shape(emu: EmulatorHandle) -> None:
    sdk = connect(emu)
    listing = topics_api(sdk).get_notifications_availabletopics(expand=["transports", "description"])
    data = sdk.check("AvailableTopicEntityListing")
    by_id = {t.id: t for t in listing.entities}
    assert by_id[TRUNK_TOPIC].transports == ["Websocket"]
    assert by_id[f"{TRUNK_TOPIC}.metrics"].requires_permissions == ["telephony:plugin:all"]
    assert by_id[TRUNK_TOPIC].description.startswith("A trunk's status changed")
    assert all("schema" not in t for t in data["entities"])


def test_transports_only_when_expanded(emu: EmulatorHandle) -> None:
    sdk = connect(emu)
    listing = topics_api(sdk).get_notifications_availabletopics()
    sdk.check("AvailableTopicEntityListing")
    assert listing.entities and all(t.transports is None and t.description is None for t in listing.entities)


def test_an_unknown_expand_is_a_400_naming_it(emu: EmulatorHandle) -> None:
    sdk = connect(emu)
    with pytest.raises(ApiException) as refused:
        topics_api(sdk).get_notifications_availabletopics(expand=["everything"])
    body = sdk.error(refused.value)
    assert refused.value.status == 400 and "'everything' cannot be expanded" in body.message


def test_topics_need_the_notifications_scope_and_the_telephony_client_has_no_audits(emu: EmulatorHandle) -> None:
    readonly = connect(emu, "genesys-trunks-readonly", "readonly-secret")
    with pytest.raises(ApiException) as refused:
        topics_api(readonly).get_notifications_availabletopics(expand=["transports"])
    body = readonly.error(refused.value)
    assert refused.value.status == 403 and body.code == "missing.any.permissions" and "[notifications]" in body.message
    telephony = connect(emu, "genesys-trunks-telephony", "telephony-secret")
    assert topics_api(telephony).get_notifications_availabletopics().entities
    query = model(models.AuditRealtimeQueryRequest, interval="2020-01-01T00:00:00Z/2100-01-01T00:00:00Z")
    query.service_name = "Telephony"
    with pytest.raises(ApiException) as no_audits:
        telephony.audit.post_audits_query_realtime(query)
    assert no_audits.value.status == 403 and "[audits, audits:readonly]" in telephony.error(no_audits.value).message
