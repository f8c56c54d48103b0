"""A trunk base's registration outcome, rolled up from the trunk instances the platform runs for it.

Per instance: ``failed`` when a check it performs (carrier REGISTER, OPTIONS, its IP) reports an error,
``registered`` when it is connected, in service and every enabled check passes, ``registering`` while it
is not there yet, ``unknown`` when it reports no status at all or is disabled (a disabled trunk never
connects: waiting for it would be in vain). A base with several instances (one per cloud edge) is
``failed`` if any instance failed, ``registered`` if all are, else ``registering`` if any is, else
``unknown`` (no instance yet, or none reporting).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from lifecycle.outcome import RegistrationStatus

from .models import Trunk, TrunkErrorInfo

REGISTERED, FAILED = RegistrationStatus.REGISTERED, RegistrationStatus.FAILED
REGISTERING, UNKNOWN = RegistrationStatus.REGISTERING, RegistrationStatus.UNKNOWN

_ENABLED = "ENABLED"


@dataclass(frozen=True)
class InstanceStatus:
    trunk_id: str
    name: str | None
    status: RegistrationStatus
    reason: str | None
    changed_at: datetime | None
    """The latest state time the instance reported (connected, register or options)."""


@dataclass(frozen=True)
class TrunkBaseStatus:
    status: RegistrationStatus
    reason: str | None
    instances: tuple[InstanceStatus, ...]

    @property
    def trunk_ids(self) -> list[str]:
        return [i.trunk_id for i in self.instances]

    @property
    def changed_at(self) -> datetime | None:
        times = [i.changed_at for i in self.instances if i.changed_at is not None]
        return max(times) if times else None


def _checked(enabled_status: str | None, entries: list) -> bool:
    """Whether a check counts: ENABLED, or not stated but reporting entries."""
    return enabled_status == _ENABLED or (enabled_status is None and bool(entries))


def instance_status(trunk: Trunk) -> InstanceStatus:
    checks: list[tuple[str, bool | None, TrunkErrorInfo | None, datetime | None]] = []
    if _checked(trunk.registers_enabled_status, trunk.registers_status):
        checks += [
            (f"REGISTER to {r.proxy_address or 'the carrier'}", r.register_state, r.error_info, r.register_state_time)
            for r in trunk.registers_status
        ]
    if _checked(trunk.options_enabled_status, trunk.options_status):
        checks += [
            (f"OPTIONS to {o.proxy_address or 'the carrier'}", o.option_state, o.error_info, o.option_state_time)
            for o in trunk.options_status
        ]
    connected = trunk.connected_status
    times = [t for *_, t in checks if t is not None]
    if connected is not None and connected.connected_state_time is not None:
        times.append(connected.connected_state_time)
    changed_at = max(times) if times else None

    def result(status: RegistrationStatus, reason: str | None) -> InstanceStatus:
        return InstanceStatus(trunk.id, trunk.name, status, reason, changed_at)

    for label, state, error, _ in checks:
        if state is False and error is not None:
            return result(FAILED, f"{label}: {error.describe()}")
    if trunk.ip_status is not None and trunk.ip_status.error_info is not None:
        return result(FAILED, f"IP {trunk.ip_status.address or ''}: {trunk.ip_status.error_info.describe()}".strip())
    if trunk.enabled is False:
        return result(UNKNOWN, "the trunk instance is disabled (trunk_enabled is false): it does not connect")
    if connected is None and not checks and trunk.in_service is None:
        return result(UNKNOWN, "the trunk instance reports no status")
    pending = [label for label, state, _, _ in checks if state is not True]
    if connected is None or connected.connected is not True:
        return result(REGISTERING, "not connected yet")
    if pending:
        return result(REGISTERING, f"waiting for {', '.join(pending)}")
    if trunk.in_service is False:
        return result(REGISTERING, "connected but not in service yet")
    return result(REGISTERED, None)


def roll_up(trunks: Iterable[Trunk]) -> TrunkBaseStatus:
    """The base's outcome from its live instances (deleted ones are ignored)."""
    statuses = tuple(instance_status(t) for t in trunks if not t.deleted)
    if not statuses:
        return TrunkBaseStatus(UNKNOWN, "the platform has created no trunk instance for this base yet", ())
    several = len(statuses) > 1

    def reason_of(s: InstanceStatus) -> str | None:
        if s.reason is None or not several:
            return s.reason
        return f"{s.name or s.trunk_id}: {s.reason}"

    hit = next((s for s in statuses if s.status == FAILED), None)
    if hit is not None:
        return TrunkBaseStatus(FAILED, reason_of(hit), statuses)
    if all(s.status == REGISTERED for s in statuses):
        return TrunkBaseStatus(REGISTERED, None, statuses)
    hit = next((s for s in statuses if s.status == REGISTERING), None)
    if hit is not None:
        return TrunkBaseStatus(REGISTERING, reason_of(hit), statuses)
    hit = next(s for s in statuses if s.status != REGISTERED)
    return TrunkBaseStatus(UNKNOWN, reason_of(hit), statuses)
