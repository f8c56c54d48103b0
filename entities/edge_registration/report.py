"""How an edge's registration with its carrier went, read from its events.

The outcome of the edge's last write, with the edge's audit and registration events and the latency from the
change to the outcome.
"""

from __future__ import annotations

from typing import Any

from genesys_api import GenesysClient
from lifecycle.outcome import KEPT_EVENTS, RegistrationStatus
from lifecycle.polling import watcher_for
from lifecycle.values import iso_utc

from .events import Event
from .watch import FAILURE, STATUS_CHANGED, SUCCESS, EdgeRegistration, RegistrationWatcher, outcome_since


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
    return watcher_for(api, RegistrationWatcher).wait(edge, timeout)


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
