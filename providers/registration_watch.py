"""One poller of edge events for every trunk waiting on its registration in this process.

Each edge whose registration changed waits for the outcome event. Polling per edge would cost
one events query per edge per round; here all waiting edges share each round's query (chunked
by MAX_IDS_PER_QUERY), so a 50-trunk `up` spends a handful of queries instead of fifty.
"""

from __future__ import annotations

import threading
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from .genesys_api import Event, GenesysClient
from .registration_status import RegistrationStatus

SUCCESS = "telephony:edge:registration:success"
FAILURE = "telephony:edge:registration:failure"
STATUS_CHANGED = "telephony:edge:status:changed"
AUDIT_EVENTS = ("audit:edge:created", "audit:edge:updated", STATUS_CHANGED, SUCCESS, FAILURE)
#: Seconds between polling rounds: each round is one query for every waiting edge, so rounds can be short.
ROUND_SECONDS = 0.5
MAX_IDS_PER_QUERY = 50


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


@dataclass
class _Waiter:
    edge: EdgeRegistration
    deadline: float
    pending: bool
    done: threading.Event = field(default_factory=threading.Event)
    events: list[Event] = field(default_factory=list)
    error: Exception | None = None

    def settle(self, events: list[Event], now: float) -> bool:
        """Whether this round answers the waiter: one look when nothing is pending, else the outcome
        of its change (or the deadline)."""
        self.events = events
        arrived = outcome_since(events, self.edge.registration_status_changed_at) is not None
        return not self.pending or arrived or now >= self.deadline


class RegistrationWatcher:
    """Serves `wait()` callers from many provider threads with one polling thread."""

    def __init__(
        self,
        api: GenesysClient,
        sleep: Callable[[float], None] | None = None,
        clock: Callable[[], float] | None = None,
    ) -> None:
        self._api = api
        self._sleep = sleep or (lambda seconds: time.sleep(seconds))
        self._clock = clock or (lambda: time.monotonic())
        self._lock = threading.Lock()
        self._waiters: list[_Waiter] = []
        self._poller: threading.Thread | None = None

    def wait(self, edge: EdgeRegistration, timeout: float) -> list[Event]:
        """The edge's events once its pending registration has an outcome, or `timeout` passed."""
        waiter = _Waiter(edge, self._clock() + timeout, edge.registration_status == RegistrationStatus.REGISTERING)
        with self._lock:
            self._waiters.append(waiter)
            if self._poller is None:
                self._poller = threading.Thread(target=self._poll, name="registration-watch", daemon=True)
                self._poller.start()
        waiter.done.wait()
        if waiter.error is not None:
            raise waiter.error
        return waiter.events

    def _poll(self) -> None:
        while True:
            self._sleep(ROUND_SECONDS)
            with self._lock:
                waiters = list(self._waiters)
            settled: list[tuple[_Waiter, Exception | None]]
            try:
                by_edge = self._query({w.edge.id for w in waiters})
            except Exception as exc:  # noqa: BLE001 - every waiter gets the error; none waits forever
                settled = [(w, exc) for w in waiters]
            else:
                now = self._clock()
                settled = [(w, None) for w in waiters if w.settle(by_edge[w.edge.id], now)]
            with self._lock:
                for waiter, error in settled:
                    self._waiters.remove(waiter)
                    waiter.error = error
                    waiter.done.set()
                if not self._waiters:
                    self._poller = None
                    return

    def _query(self, edge_ids: set[str]) -> dict[str, list[Event]]:
        ids = sorted(edge_ids)
        by_edge: dict[str, list[Event]] = defaultdict(list)
        for start in range(0, len(ids), MAX_IDS_PER_QUERY):
            for event in self._api.query_events(ids[start : start + MAX_IDS_PER_QUERY], AUDIT_EVENTS):
                by_edge[event.resource_id or ""].append(event)
        return by_edge


#: By client object: clients are process-wide (shared_client), so this stays as small as that cache.
_watchers: dict[GenesysClient, RegistrationWatcher] = {}
_watchers_lock = threading.Lock()


def watcher_for(api: GenesysClient, sleep: Callable[[float], None] | None = None) -> RegistrationWatcher:
    """The process's watcher for this client (one client per settings, so in practice one), made on first
    use with ``sleep`` between polling rounds (``time.sleep`` when None)."""
    with _watchers_lock:
        watcher = _watchers.get(api)
        if watcher is None:
            watcher = _watchers[api] = RegistrationWatcher(api, sleep=sleep)
        return watcher
