"""The cloud dialect's registration outcome: read from the trunk instances the platform runs for a trunk base.

A BYOC trunk connects some time after a write; the platform reports that on each trunk instance (one per
cloud edge), which ``CloudTrunkApi.registration`` rolls up. Like the seed's `RegistrationOutcome`, this
resource waits (bounded) for the outcome of the base's last write and records it with the base's audit
events, so `pulumi up` reports each trunk's outcome; it owns nothing in Genesys.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from datetime import datetime
from typing import Any

import pulumi
from pydantic import BaseModel, ConfigDict, Field

from genesys_api import GenesysApiError, GenesysClient
from genesys_api.cloud import AuditLogMessage, CloudTrunkApi, Trunk, TrunkBaseStatus, roll_up
from genesys_api.cloud.models import EXTERNAL
from genesys_api.fields import WaitSeconds

from . import client_access
from .registration import OutcomeProvider, OutcomeResource
from .registration_outcome import KEPT_EVENTS, unread_report
from .registration_status import RegistrationStatus
from .registration_watch import PollingWatcher, watcher_for
from .values import iso_utc

#: Seconds between reads of a base's trunk instances while it registers (the first read waits this long too:
#: the platform has not connected anything the moment a write returns).
ROUND_SECONDS = 1.0
#: Up to this many bases waiting, a round reads each one's instances (as cheap as one page of all of them).
PER_BASE_UP_TO = 3
REGISTERING = RegistrationStatus.REGISTERING.value


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


class TrunkInstanceWatcher(PollingWatcher[list[Trunk]]):
    """Trunk bases waiting for their instances' outcome, sharing each round: a few bases read their own
    instances; more share one paged list of every BYOC (``EXTERNAL``) instance, so a 50-trunk `up` spends a
    page or two per round instead of fifty reads."""

    def __init__(
        self,
        api: GenesysClient,
        sleep: Callable[[float], None] | None = None,
        clock: Callable[[], float] | None = None,
    ) -> None:
        super().__init__(self._instances, list, sleep=sleep, clock=clock, round_seconds=ROUND_SECONDS)
        self._cloud = CloudTrunkApi(api)

    def wait(self, base_id: str, timeout: float) -> TrunkBaseStatus:
        """The base's rolled-up status once its instances exist and none is registering, or at ``timeout``."""
        trunks = self.watch(base_id, timeout, lambda found: bool(found) and roll_up(found).status != REGISTERING)
        return roll_up(trunks)

    def _instances(self, base_ids: set[str]) -> dict[str, list[Trunk]]:
        if len(base_ids) <= PER_BASE_UP_TO:
            return {base_id: self._cloud.list_trunks(base_id) for base_id in base_ids}
        by_base: dict[str, list[Trunk]] = defaultdict(list)
        for instance in self._cloud.list_trunks(trunk_type=EXTERNAL):
            if instance.trunk_base is not None and instance.trunk_base.id in base_ids:
                by_base[instance.trunk_base.id].append(instance)
        return by_base


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
        cloud = CloudTrunkApi(client_access.client())
        try:
            status = watcher_for(cloud.client, kind=TrunkInstanceWatcher).wait(model.trunkBaseId, model.timeoutSeconds)
        except GenesysApiError as exc:
            # The base is written: failing here would stop the rest of the `up` for a report. Recorded as
            # unknown, the outcome is read again by the next `up`.
            return {**unread_report(f"reading the trunk base's status failed: {exc}"), "instances": []}
        try:
            events = cloud.audit_events(model.trunkBaseId)
        except GenesysApiError as exc:
            # The audit trail is a report beside the outcome (and needs its own scope): its absence costs
            # only the events, said so in the outcome.
            report = outcome_report(status, [], model.writtenAt, model.timeoutSeconds)
            report["outcome"]["auditEventsError"] = f"the audit events could not be read: {exc}"
            return report
        return outcome_report(status, events, model.writtenAt, model.timeoutSeconds)


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
