"""Audits of trunk base changes through the SDK's AuditApi: the realtime query and the asynchronous one."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from PureCloudPlatformClientV2 import models
from PureCloudPlatformClientV2.rest import ApiException

from emulator.testing import EmulatorHandle

from .helpers import CODECS, PASSWORD, PASSWORD_KEY, byoc_base, instances, model, until
from .sdk import Sdk, connect


@pytest.fixture(scope="module")
def sdk(emu: EmulatorHandle) -> Sdk:
    return connect(emu)


def _interval(hours: int = 1) -> str:
    now = datetime.now(UTC)
    return f"{(now - timedelta(hours=hours)).isoformat()}/{(now + timedelta(hours=hours)).isoformat()}"


def _filters(**values: str) -> list[models.AuditQueryFilter]:
    return [model(models.AuditQueryFilter, pcProperty=k, value=v) for k, v in values.items()]


def _realtime(sdk: Sdk, entity_id: str, **extra: object) -> models.AuditRealtimeQueryResultsResponse:
    body = model(
        models.AuditRealtimeQueryRequest,
        interval=_interval(),
        service_name="Telephony",
        filters=_filters(EntityId=entity_id),
        **extra,
    )
    reply = sdk.audit.post_audits_query_realtime(body)
    sdk.check("AuditRealtimeQueryResultsResponse")
    return reply


@pytest.fixture(scope="module")
def changed_base(sdk: Sdk) -> models.TrunkBase:
    """A base created, updated (codecs and password) and deleted."""
    base = sdk.telephony.post_telephony_providers_edges_trunkbasesettings(byoc_base())
    base.properties = instances(
        {
            "trunk_transport_serverProxyList": ["sip.carrier.example.com"],
            CODECS: ["audio/pcmu"],
            PASSWORD_KEY: "another-long-password",
        }
    )
    sdk.telephony.put_telephony_providers_edges_trunkbasesetting(base.id, base)
    sdk.telephony.delete_telephony_providers_edges_trunkbasesetting(base.id)
    return base


def test_realtime_query_finds_every_change_newest_first(sdk: Sdk, changed_base: models.TrunkBase) -> None:
    reply = _realtime(sdk, changed_base.id)
    assert isinstance(reply, models.AuditRealtimeQueryResultsResponse)
    assert reply.total == 3 and reply.page_number == 1 and reply.page_count == 1
    assert [a.action for a in reply.entities] == ["Delete", "Update", "Create"]
    for audit in reply.entities:
        assert isinstance(audit, models.AuditLogMessage)
        assert audit.service_name == "Telephony" and audit.entity_type == "TrunkBase"
        assert audit.entity.id == changed_base.id and audit.entity.name == changed_base.name
        assert audit.client.id == "genesys-trunks-dev" and audit.status == "SUCCESS" and audit.level == "USER"
        assert audit.event_date is not None
    delete, update, create = reply.entities
    created = {c.pcProperty: c for c in create.property_changes}
    assert created["name"].new_values == [changed_base.name] and created["name"].old_values == []
    assert created[CODECS].new_values == ["audio/opus", "audio/pcmu", "audio/pcma"]
    assert created[PASSWORD_KEY].new_values == ["********"]
    updated = {c.pcProperty: c for c in update.property_changes}
    assert set(updated) == {CODECS, PASSWORD_KEY, "trunk_sip_authentication_credentials_username"}
    assert updated[CODECS].old_values == ["audio/opus", "audio/pcmu", "audio/pcma"]
    assert updated[CODECS].new_values == ["audio/pcmu"]
    assert updated[PASSWORD_KEY].old_values == updated[PASSWORD_KEY].new_values == ["********"]
    assert delete.property_changes == []
    assert (
        PASSWORD not in sdk.client.last_response.data and "another-long-password" not in sdk.client.last_response.data
    )


def test_realtime_filters_sort_and_paging(sdk: Sdk, changed_base: models.TrunkBase) -> None:
    ascending = _realtime(
        sdk, changed_base.id, sort=[model(models.AuditQuerySort, name="Timestamp", sort_order="ascending")]
    )
    assert [a.action for a in ascending.entities] == ["Create", "Update", "Delete"]
    paged = _realtime(sdk, changed_base.id, page_size=2, page_number=2)
    assert [a.action for a in paged.entities] == ["Create"] and paged.page_count == 2
    only_updates = sdk.audit.post_audits_query_realtime(
        model(
            models.AuditRealtimeQueryRequest,
            interval=_interval(),
            service_name="Telephony",
            filters=_filters(EntityId=changed_base.id, Action="Update"),
        )
    )
    assert [a.action for a in only_updates.entities] == ["Update"]
    past = sdk.audit.post_audits_query_realtime(
        model(
            models.AuditRealtimeQueryRequest,
            interval="2020-01-01T00:00:00Z/2020-01-02T00:00:00Z",
            service_name="Telephony",
            filters=_filters(EntityId=changed_base.id),
        )
    )
    assert past.total == 0 and past.entities == []


@pytest.mark.parametrize(
    "changes,field",
    [
        ({"service_name": "Architect"}, "serviceName"),
        ({"interval": "yesterday"}, "interval"),
        ({"filters": [{"property": "Colour", "value": "x"}]}, "filters[0].property"),
        ({"page_size": 501}, "pageSize"),
    ],
)
def test_bad_audit_queries_name_the_field(sdk: Sdk, changes: dict[str, object], field: str) -> None:
    body = model(models.AuditRealtimeQueryRequest, interval=_interval(), service_name="Telephony")
    for key, value in changes.items():
        setattr(body, key, value)
    with pytest.raises(ApiException) as failed:
        sdk.audit.post_audits_query_realtime(body)
    assert failed.value.status == 400
    error = sdk.error(failed.value)
    assert [d.field_name for d in error.details] == [field]


def test_asynchronous_query_status_then_results_by_cursor(sdk: Sdk, changed_base: models.TrunkBase) -> None:
    request = model(
        models.AuditQueryRequest,
        interval=_interval(),
        service_name="Telephony",
        filters=_filters(EntityType="TrunkBase", EntityId=changed_base.id),
        sort=[model(models.AuditQuerySort, name="Timestamp", sort_order="ascending")],
    )
    started = sdk.audit.post_audits_query(request)
    sdk.check("AuditQueryExecutionStatusResponse")
    assert isinstance(started, models.AuditQueryExecutionStatusResponse)
    assert started.state == "Queued" and started.service_name == "Telephony" and started.start_date is not None
    assert [(f.pcProperty, f.value) for f in started.filters] == [
        ("EntityType", "TrunkBase"),
        ("EntityId", changed_base.id),
    ]

    with pytest.raises(ApiException) as early:
        sdk.audit.get_audits_query_transaction_id_results(started.id)
    assert early.value.status == 400 and "not ready" in sdk.error(early.value).message

    def succeeded() -> models.AuditQueryExecutionStatusResponse | None:
        status = sdk.audit.get_audits_query_transaction_id(started.id)
        sdk.check("AuditQueryExecutionStatusResponse")
        assert status.state in ("Running", "Succeeded")
        return status if status.state == "Succeeded" else None

    until(succeeded, "the audit query to succeed")
    actions, cursor = [], None
    while True:
        kwargs = {"page_size": 2, **({"cursor": cursor} if cursor else {})}
        page = sdk.audit.get_audits_query_transaction_id_results(started.id, **kwargs)
        sdk.check("AuditQueryExecutionResultsResponse")
        assert isinstance(page, models.AuditQueryExecutionResultsResponse) and page.id == started.id
        actions += [a.action for a in page.entities]
        cursor = page.cursor
        if not cursor:
            break
    assert actions == ["Create", "Update", "Delete"]

    with pytest.raises(ApiException) as unknown:
        sdk.audit.get_audits_query_transaction_id("no-such-query")
    assert unknown.value.status == 404 and sdk.error(unknown.value).code == "not.found"


def test_service_mapping_names_what_can_be_queried(sdk: Sdk) -> None:
    for call in (sdk.audit.get_audits_query_servicemapping, sdk.audit.get_audits_query_realtime_servicemapping):
        mapping = call()
        sdk.check("AuditQueryServiceMapping")
        assert isinstance(mapping, models.AuditQueryServiceMapping)
        telephony = {s.name: s for s in mapping.services}["Telephony"]
        assert {e.name: e.actions for e in telephony.entities} == {
            "TrunkBase": ["Create", "Update", "Delete"],
            "OutboundRoute": ["Create", "Update", "Delete"],
        }
