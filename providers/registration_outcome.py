"""How an edge's registration with its carrier went: waited for after a write, read from events.

Registration is asynchronous: an edge registers some time after it is created or its
registration changes, and the outcome is an event. The Registration resource waits (bounded,
see registration_watch) for the outcome of the edge's last write, so `pulumi up` reports it per
trunk, with the edge's audit and registration events and the latency from the change to the outcome.
"""

from __future__ import annotations

from typing import Any

from genesys_api import Event, GenesysClient

from .registration_status import RegistrationStatus
from .registration_watch import FAILURE, STATUS_CHANGED, SUCCESS, EdgeRegistration, outcome_since, watcher_for
from .values import iso_utc

#: Audit and registration events of an edge kept in the outputs, newest last.
KEPT_EVENTS = 20


def _starts_registration(event: Event) -> bool:
    return event.event_type == "audit:edge:created" or (
        event.event_type == STATUS_CHANGED and event.details.get("status") == RegistrationStatus.REGISTERING
    )


def last_outcome(events: list[Event]) -> tuple[Event | None, float | None]:
    """The latest registration outcome, and seconds from the change that started it."""
    started = outcome = latency = None
    for event in events:
        if _starts_registration(event):
            started = event.timestamp
        elif event.event_type in (SUCCESS, FAILURE):
            outcome = event
            latency = round((event.timestamp - started).total_seconds(), 3) if event.timestamp and started else None
    return outcome, latency


def wait_for_events(api: GenesysClient, edge: EdgeRegistration, timeout: float) -> list[Event]:
    """The edge's events once its pending registration has an outcome (or `timeout` passed); after a
    change that did not touch registration, the next polling round's look at them."""
    return watcher_for(api).wait(edge, timeout)


def _status_of(outcome: Event) -> RegistrationStatus:
    return RegistrationStatus.REGISTERED if outcome.event_type == SUCCESS else RegistrationStatus.FAILED


def registration_report(edge: EdgeRegistration, events: list[Event], timeout: float) -> dict[str, Any]:
    """The outcome, its status alone (never null), and the events. Nullable fields stay inside
    `outcome`: a top-level null output reads as unknown during preview."""
    outcome, latency = last_outcome(events)
    pending = edge.registration_status == RegistrationStatus.REGISTERING
    fresh = outcome is not None and outcome_since(events, edge.registration_status_changed_at) is outcome
    status: str
    reason: str | None
    if pending and fresh and outcome is not None:
        status, reason = _status_of(outcome), outcome.details.get("reason")
    elif pending:
        status, reason = RegistrationStatus.REGISTERING, f"no registration outcome within {timeout:.0f} s"
    elif edge.registration_status is None and outcome is not None:
        # The edge's own state is not known here (an Edge recorded before it carried it): the events tell.
        status, reason = _status_of(outcome), outcome.details.get("reason")
    else:
        status = edge.registration_status or RegistrationStatus.UNKNOWN
        reason = edge.registration_status_reason
    return {
        "status": status,
        "outcome": {
            "status": status,
            "reason": reason,
            "latencySeconds": latency if outcome is not None else None,
            "at": iso_utc(outcome.timestamp) if outcome is not None else None,
        },
        "events": [
            {"type": e.event_type, "time": iso_utc(e.timestamp), "actor": e.actor.client_id if e.actor else None}
            for e in events[-KEPT_EVENTS:]
        ],
    }


def unread_report(reason: str) -> dict[str, Any]:
    """The outcome when the events could not be read: unknown, and why."""
    return {
        "status": RegistrationStatus.UNKNOWN,
        "outcome": {"status": RegistrationStatus.UNKNOWN, "reason": reason, "latencySeconds": None, "at": None},
        "events": [],
    }
