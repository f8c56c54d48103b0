"""Edges waiting for their registration outcome in this process: one events query per round for all of them.

Each edge whose registration changed waits for the outcome event; every waiting edge shares each round's
query (chunked by ``MAX_IDS_PER_QUERY``), so a 50-trunk `up` spends a handful of queries instead of fifty. A
carrier does not answer the moment a write returns: an edge's first look at its events comes no sooner than
``FIRST_LOOK_SECONDS`` after its registration started, so a lone trunk's wait costs one query, not two.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from genesys_api import GenesysClient
from lifecycle.outcome import RegistrationStatus
from lifecycle.polling import PollingWatcher, seconds_until

from .events import Event, read_events

SUCCESS = "telephony:edge:registration:success"
FAILURE = "telephony:edge:registration:failure"
STATUS_CHANGED = "telephony:edge:status:changed"
AUDIT_EVENTS = ("audit:edge:created", "audit:edge:updated", STATUS_CHANGED, SUCCESS, FAILURE)
MAX_IDS_PER_QUERY = 50
#: Seconds from the start of a registration to the first look at its outcome.
FIRST_LOOK_SECONDS = 1.0


@dataclass(frozen=True)
class EdgeRegistration:
    """An edge's registration as its last write left it: what an outcome is waited for against."""

    id: str
    registration_status: str | None
    registration_status_reason: str | None
    registration_status_changed_at: datetime | None


def outcome_since(events: list[Event], since: datetime | None) -> Event | None:
    """The latest registration outcome at or after `since` (the change that started it)."""
    outcomes = [e for e in events if e.event_type in (SUCCESS, FAILURE)]
    if since is not None:
        outcomes = [e for e in outcomes if e.timestamp is None or e.timestamp >= since]
    return outcomes[-1] if outcomes else None


class RegistrationWatcher(PollingWatcher[list[Event]]):
    """Edges waiting for their registration outcome: one events query per round for all of them."""

    def __init__(
        self,
        api: GenesysClient,
        sleep: Callable[[float], None] | None = None,
        clock: Callable[[], float] | None = None,
    ) -> None:
        super().__init__(self._events, list, sleep=sleep, clock=clock)
        self._api = api

    def wait(self, edge: EdgeRegistration, timeout: float) -> list[Event]:
        """The edge's events once its pending registration has an outcome, or `timeout` passed; after a
        change that did not touch registration, the next polling round's look at them."""
        pending = edge.registration_status == RegistrationStatus.REGISTERING
        since = edge.registration_status_changed_at
        first_look = seconds_until(since, FIRST_LOOK_SECONDS) if pending else 0.0
        return self.watch(
            edge.id, timeout, lambda events: not pending or outcome_since(events, since) is not None, first_look
        )

    def _events(self, edge_ids: set[str]) -> dict[str, list[Event]]:
        ids = sorted(edge_ids)
        by_edge: dict[str, list[Event]] = defaultdict(list)
        for start in range(0, len(ids), MAX_IDS_PER_QUERY):
            for event in read_events(self._api, ids[start : start + MAX_IDS_PER_QUERY], AUDIT_EVENTS):
                by_edge[event.resource_id or ""].append(event)
        return by_edge
