"""The cloud dialect's registration outcome (`pulumi-python:dynamic/genesys:TrunkBaseRegistration`): read from the
trunk instances the platform runs for a trunk base.

A BYOC trunk connects some time after a write; the platform reports that on each trunk instance (one per cloud
edge), which ``status.roll_up`` rolls up. Like the seed's `RegistrationOutcome` (see ``lifecycle.outcome``),
this resource waits (bounded) for the outcome of the base's last write and records it with the base's audit
events; it owns nothing in Genesys.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pulumi
from pydantic import BaseModel, ConfigDict, Field

from genesys_api import GenesysApiError, WaitSeconds
from lifecycle import client_access
from lifecycle.outcome import KEPT_EVENTS, OutcomeProvider, OutcomeResource, RegistrationStatus, unread_report
from lifecycle.polling import watcher_for
from lifecycle.values import iso_utc

from .models import AuditLogMessage
from .status import TrunkBaseStatus
from .watch import TrunkInstanceWatcher


class TrunkBaseOutcomeInputs(BaseModel):
    """Which write of which trunk base to wait for, and how long."""

    model_config = ConfigDict(extra="forbid")

    trunk: str = Field(min_length=1)
    trunkBaseId: str = Field(min_length=1)
    #: Changes with every write to the base, so each write gets its outcome (and audit events) recorded.
    trunkBaseVersion: int = Field(ge=1)
    #: When the base was last written: where the registration latency is counted from.
    writtenAt: datetime | None = None
    timeoutSeconds: WaitSeconds = 60


def outcome_report(
    status: TrunkBaseStatus, events: list[AuditLogMessage], written_at: datetime | None, timeout: float
) -> dict[str, Any]:
    """The outcome in the seed's shape (status, outcome, events) and each instance's own."""
    reason = status.reason
    if status.status == RegistrationStatus.REGISTERING:
        reason = f"no registration outcome within {timeout:.0f} s ({reason})"
    settled = status.status in (RegistrationStatus.REGISTERED, RegistrationStatus.FAILED)
    changed_at = status.changed_at if settled else None
    latency = (
        round((changed_at - written_at).total_seconds(), 3)
        if changed_at is not None and written_at is not None and changed_at >= written_at
        else None
    )
    return {
        "status": status.status,
        "outcome": {"status": status.status, "reason": reason, "latencySeconds": latency, "at": iso_utc(changed_at)},
        "events": [
            {"type": f"TrunkBase:{e.action}", "time": iso_utc(e.event_date), "actor": e.actor}
            for e in events[-KEPT_EVENTS:]
        ],
        "instances": [
            {"trunkId": i.trunk_id, "name": i.name, "status": i.status, "reason": i.reason} for i in status.instances
        ],
    }


class TrunkBaseOutcomeProvider(OutcomeProvider[TrunkBaseOutcomeInputs]):
    """Holds no state: it is pickled by reference into every TrunkBaseOutcome."""

    inputs_model = TrunkBaseOutcomeInputs

    def outcome(self, model: TrunkBaseOutcomeInputs) -> dict[str, Any]:
        try:
            reading = watcher_for(client_access.client(), TrunkInstanceWatcher).wait(
                model.trunkBaseId, model.timeoutSeconds, model.writtenAt
            )
        except GenesysApiError as exc:
            # The base is written: failing here would stop the rest of the `up` for a report. Recorded as
            # unknown, the outcome is read again by the next `up`.
            return {**unread_report(f"reading the trunk base's status failed: {exc}"), "instances": []}
        report = outcome_report(reading.status, reading.events, model.writtenAt, model.timeoutSeconds)
        if reading.events_error is not None:
            # The audit trail is a report beside the outcome (and needs its own scope): its absence costs
            # only the events, said so in the outcome.
            report["outcome"]["auditEventsError"] = f"the audit events could not be read: {reading.events_error}"
        return report


class TrunkBaseOutcome(OutcomeResource, module="genesys", name="TrunkBaseRegistration"):
    """The registration outcome of a trunk base's last write, per trunk instance and rolled up, with the
    base's audit events (type `genesys:TrunkBaseRegistration`)."""

    own_outputs = ("instances",)

    instances: pulumi.Output[list]
    """[{trunkId, name, status, reason}]: each trunk instance's own outcome."""

    def __init__(
        self,
        resource_name: str,
        *,
        trunk: pulumi.Input[str],
        trunk_base_id: pulumi.Input[str],
        trunk_base_version: pulumi.Input[int],
        written_at: pulumi.Input[str],
        timeout_seconds: pulumi.Input[float] = 60,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        inputs = {
            "trunk": trunk,
            "trunkBaseId": trunk_base_id,
            "trunkBaseVersion": trunk_base_version,
            "writtenAt": written_at,
            "timeoutSeconds": timeout_seconds,
        }
        super().__init__(TrunkBaseOutcomeProvider(), resource_name, inputs, opts)
