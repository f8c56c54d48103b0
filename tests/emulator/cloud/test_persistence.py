"""The Platform API's state lives in the emulator's one database: a crash keeps bases, instances (and their
pending registrations), audits and asynchronous queries."""

from __future__ import annotations

from pathlib import Path

from PureCloudPlatformClientV2 import models

from emulator.testing import running_emulator

from .helpers import byoc_base, model, until
from .sdk import connect


def test_a_crash_keeps_the_platform_state(tmp_path: Path) -> None:
    with running_emulator(tmp_path, registration_delay=2.0, log_level="warning") as emu:
        sdk = connect(emu)
        base = sdk.telephony.post_telephony_providers_edges_trunkbasesettings(byoc_base())
        trunks = sdk.telephony.get_telephony_providers_edges_trunks(trunk_base_id=base.id).entities
        assert not any(t.connected_status.connected for t in trunks)
        query = sdk.audit.post_audits_query(
            model(
                models.AuditQueryRequest, interval="2020-01-01T00:00:00Z/2100-01-01T00:00:00Z", service_name="Telephony"
            )
        )

        emu.restart(hard=True)

        sdk = connect(emu)
        assert sdk.telephony.get_telephony_providers_edges_trunkbasesetting(base.id).to_dict() == base.to_dict()

        def connected() -> bool:
            listing = sdk.telephony.get_telephony_providers_edges_trunks(trunk_base_id=base.id)
            return all(t.connected_status.connected for t in listing.entities)

        until(connected, "the pending registrations to complete after the restart")
        assert sdk.audit.get_audits_query_transaction_id(query.id).state == "Succeeded"
        results = sdk.audit.get_audits_query_transaction_id_results(query.id)
        assert [(a.action, a.entity.id) for a in results.entities] == [("Create", base.id)]
