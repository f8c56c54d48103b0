"""The `RegistrationAudit` dynamic resource: what happened to a trunk's registration, after `up`.

Registration is asynchronous: an edge registers with its carrier some time after it is
created or its registration changes, and the outcome is an event. This resource waits for
that outcome (bounded), then records the edge's audit and registration events, its final
registration status and the latency from the change to the outcome. It runs when the edge's
version changes, never during preview, and a no-op `up` makes no call.
"""

from __future__ import annotations

import time
from datetime import datetime
from typing import Any

import pulumi
from pulumi.dynamic import CreateResult, DiffResult, ReadResult, Resource, ResourceProvider, UpdateResult

from . import session
from .genesys_api import Event, GenesysClient
from .values import iso_utc, user_inputs

OUTCOME_EVENTS = ("telephony:edge:registration:success", "telephony:edge:registration:failure")
AUDIT_EVENTS = ("audit:edge:created", "audit:edge:updated", *OUTCOME_EVENTS)
#: Waits between event queries while the outcome is pending: most carriers answer within seconds.
POLL_DELAYS = (1.0, 1.0, 2.0, 2.0, 4.0, 5.0)
KEPT_EVENTS = 20
OUTPUT_KEYS = ("registrationStatus", "outcome", "events")
INPUT_KEYS = ("trunkName", "edgeId", "edgeVersion", "statusAtChange", "registrationChangedAt", "timeoutSeconds")


def _parse(ts: str | None) -> datetime | None:
    return datetime.fromisoformat(ts.replace("Z", "+00:00")) if ts else None


def outcome_after(events: list[Event], since: datetime | None) -> Event | None:
    """The latest registration outcome at or after the change (or at all, when the change time is unknown)."""
    outcomes = [e for e in events if e.event_type in OUTCOME_EVENTS]
    if since is not None:
        outcomes = [e for e in outcomes if e.timestamp is None or e.timestamp >= since]
    return outcomes[-1] if outcomes else None


def wait_for_outcome(
    api: GenesysClient, edge_id: str, changed_at: datetime | None, timeout: float, pending: bool
) -> tuple[list[Event], Event | None]:
    """Events of the edge once its outcome is known (or the timeout passed). When the registration
    was not pending there is nothing to wait for: one query."""
    deadline = time.monotonic() + timeout
    delays = iter(POLL_DELAYS)
    while True:
        if pending:
            delay = next(delays, POLL_DELAYS[-1])
            time.sleep(max(0.0, min(delay, deadline - time.monotonic())))
        events = api.query_events([edge_id], AUDIT_EVENTS)
        outcome = outcome_after(events, changed_at)
        if not pending or outcome is not None or time.monotonic() >= deadline:
            return events, outcome


def audit_outputs(
    events: list[Event], outcome: Event | None, changed_at: datetime | None, timed_out_after: float | None
) -> dict[str, Any]:
    if outcome is None:
        status = "registering"
        reason = f"no registration outcome within {timed_out_after:.0f} s" if timed_out_after else None
    else:
        status = "registered" if outcome.event_type.endswith("success") else "failed"
        reason = outcome.details.get("reason")
    latency = None
    if outcome is not None and outcome.timestamp is not None and changed_at is not None:
        latency = round((outcome.timestamp - changed_at).total_seconds(), 3)
    # Nullable values sit inside one dict: a top-level null output reads as unknown during preview.
    return {
        "registrationStatus": status,
        "outcome": {
            "status": status,
            "reason": reason,
            "latencySeconds": latency,
            "at": iso_utc(outcome.timestamp) if outcome else None,
        },
        "events": [
            {"type": e.event_type, "time": iso_utc(e.timestamp), "actor": e.actor.client_id if e.actor else None}
            for e in events[-KEPT_EVENTS:]
        ],
    }


class RegistrationAuditProvider(ResourceProvider):
    """Pickled by reference; holds nothing."""

    def configure(self, req) -> None:
        session.configure(req.config.get)

    def _audit(self, inputs: dict[str, Any]) -> dict[str, Any]:
        changed_at = _parse(inputs.get("registrationChangedAt"))
        pending = inputs.get("statusAtChange") == "registering"
        timeout = float(inputs.get("timeoutSeconds") or 60)
        events, outcome = wait_for_outcome(session.client(), inputs["edgeId"], changed_at, timeout, pending)
        return {
            **inputs,
            **audit_outputs(events, outcome, changed_at if pending or outcome else None, timeout if pending else None),
        }

    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        watched = ("edgeId", "edgeVersion")
        changed = [k for k in watched if olds.get(k) != news.get(k)]
        # State written by an older version of this provider lacks outputs: audit again.
        stale = any(key not in olds for key in OUTPUT_KEYS)
        return DiffResult(changes=bool(changed) or stale, replaces=["edgeId"] if "edgeId" in changed else [])

    def create(self, props: dict[str, Any]) -> CreateResult:
        inputs = user_inputs(props)
        return CreateResult(id_=f"{inputs['edgeId']}-audit", outs=self._audit(inputs))

    def update(self, _id: str, _olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        return UpdateResult(outs=self._audit(user_inputs(news)))

    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        inputs = {k: props.get(k) for k in INPUT_KEYS}
        events = session.client().query_events([inputs["edgeId"]], AUDIT_EVENTS)
        outcome = outcome_after(events, _parse(props.get("registrationChangedAt")))
        outs = {**props, **audit_outputs(events, outcome, _parse(props.get("registrationChangedAt")), None)}
        if outcome is None:  # nothing new: keep what the last apply saw
            outs["registrationStatus"] = props.get("registrationStatus")
            outs["outcome"] = props.get("outcome")
        return ReadResult(id_=id_, outs=outs, inputs=inputs)

    def delete(self, _id: str, _props: dict[str, Any]) -> None:
        """The audit trail belongs to Genesys; there is nothing to delete."""


class RegistrationAudit(Resource, module="genesys", name="RegistrationAudit"):
    registrationStatus: pulumi.Output[str]
    outcome: pulumi.Output[dict]
    """{status, reason, latencySeconds, at}: the registration outcome of the edge's last change."""
    events: pulumi.Output[list[dict]]

    def __init__(
        self,
        resource_name: str,
        *,
        trunk_name: pulumi.Input[str],
        edge_id: pulumi.Input[str],
        edge_version: pulumi.Input[int],
        registration_status: pulumi.Input[str],
        registration_changed_at: pulumi.Input[str | None],
        timeout_seconds: float = 60,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        props = {
            "trunkName": trunk_name,
            "edgeId": edge_id,
            "edgeVersion": edge_version,
            "statusAtChange": registration_status,
            "registrationChangedAt": registration_changed_at,
            "timeoutSeconds": timeout_seconds,
            **dict.fromkeys(OUTPUT_KEYS),
        }
        super().__init__(RegistrationAuditProvider(), resource_name, props, opts)
