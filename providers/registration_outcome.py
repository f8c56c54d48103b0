"""How an edge's registration with its carrier went: waited for after a write, read from events.

Registration is asynchronous: an edge registers some time after it is created or its
registration changes, and the outcome is an event. After such a write the Edge provider
waits here (bounded) for the outcome, so `pulumi up` reports it per trunk, and records the
edge's audit and registration events with the latency from the change to the outcome.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from .genesys_api import Edge, Event, GenesysClient
from .values import iso_utc

SUCCESS = "telephony:edge:registration:success"
FAILURE = "telephony:edge:registration:failure"
STATUS_CHANGED = "telephony:edge:status:changed"
AUDIT_EVENTS = ("audit:edge:created", "audit:edge:updated", STATUS_CHANGED, SUCCESS, FAILURE)
#: Waits before each events query while the outcome is pending: most carriers answer within seconds,
#: so the first look comes after one second and later ones back off.
POLL_DELAYS = (1.0, 1.0, 2.0, 2.0, 4.0, 5.0)
KEPT_EVENTS = 20


def _starts_registration(event: Event) -> bool:
    return event.event_type == "audit:edge:created" or (
        event.event_type == STATUS_CHANGED and event.details.get("status") == "registering"
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


def wait_for_events(
    api: GenesysClient,
    edge: Edge,
    timeout: float,
    sleep: Callable[[float], None] | None = None,
    clock: Callable[[], float] | None = None,
) -> list[Event]:
    """The edge's events once the outcome of a pending registration is among them, or the timeout
    passed; one query when nothing is pending."""
    sleep, clock = sleep or time.sleep, clock or time.monotonic
    pending = edge.registration_status == "registering"
    since = edge.registration_status_changed_at
    deadline = clock() + timeout
    delays = iter(POLL_DELAYS)
    while True:
        if pending:
            sleep(max(0.0, min(next(delays, POLL_DELAYS[-1]), deadline - clock())))
        events = api.query_events([edge.id], AUDIT_EVENTS)
        outcome, _ = last_outcome(events)
        arrived = outcome is not None and (since is None or outcome.timestamp is None or outcome.timestamp >= since)
        if not pending or arrived or clock() >= deadline:
            return events


def registration_report(edge: Edge, events: list[Event], timeout: float) -> dict[str, Any]:
    """Outputs of the Edge about its registration: the status, and an `audit` dict whose nullable
    fields stay inside it (a top-level null output reads as unknown during preview)."""
    outcome, latency = last_outcome(events)
    pending = edge.registration_status == "registering"
    since = edge.registration_status_changed_at
    fresh = outcome is not None and (since is None or outcome.timestamp is None or outcome.timestamp >= since)
    if pending and not fresh:
        status, reason = "registering", f"no registration outcome within {timeout:.0f} s"
    elif pending:
        status = "registered" if outcome.event_type == SUCCESS else "failed"
        reason = outcome.details.get("reason")
    else:
        status, reason = edge.registration_status, edge.registration_status_reason
    return {
        "registrationStatus": status,
        "audit": {
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
        },
    }
