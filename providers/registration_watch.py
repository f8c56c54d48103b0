"""One poller for every trunk waiting on its registration in this process.

Each edge whose registration changed waits for the outcome event. Polling per edge would cost
one events query per edge per round; here all waiting edges share each round's query (chunked
by MAX_IDS_PER_QUERY), so a 50-trunk `up` spends a handful of queries instead of fifty.
``PollingWatcher`` is that machinery for any dialect: the cloud's trunk bases share their rounds
the same way (providers/trunk_base_outcome.py).
"""

from __future__ import annotations

import threading
import time
from collections import defaultdict
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Generic, TypeVar, overload

from genesys_api import Event, GenesysClient

from .registration_status import RegistrationStatus

SUCCESS = "telephony:edge:registration:success"
FAILURE = "telephony:edge:registration:failure"
STATUS_CHANGED = "telephony:edge:status:changed"
AUDIT_EVENTS = ("audit:edge:created", "audit:edge:updated", STATUS_CHANGED, SUCCESS, FAILURE)
#: Seconds between polling rounds: each round is one query for every waiting edge, so rounds can be short.
ROUND_SECONDS = 0.5
MAX_IDS_PER_QUERY = 50
R = TypeVar("R")


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
class _Waiter(Generic[R]):
    key: str
    deadline: float
    done_when: Callable[[R], bool]
    """Whether a round's answer for ``key`` is the one waited for."""
    done: threading.Event = field(default_factory=threading.Event)
    result: R | None = None
    error: Exception | None = None

    def settle(self, answer: R, now: float) -> bool:
        """Whether this round answers the waiter: the answer waited for, or the deadline."""
        self.result = answer
        return self.done_when(answer) or now >= self.deadline


class PollingWatcher(Generic[R]):
    """Serves `watch()` callers from many provider threads with one polling thread: each round asks
    ``query`` once about every key still waited for (``query`` returns an answer per key; a key it leaves
    out gets ``empty()``)."""

    def __init__(
        self,
        query: Callable[[set[str]], Mapping[str, R]],
        empty: Callable[[], R],
        sleep: Callable[[float], None] | None = None,
        clock: Callable[[], float] | None = None,
        round_seconds: float = ROUND_SECONDS,
    ) -> None:
        self._query = query
        self._empty = empty
        self._sleep = sleep or (lambda seconds: time.sleep(seconds))
        self._clock = clock or (lambda: time.monotonic())
        self._round = round_seconds
        self._lock = threading.Lock()
        self._waiters: list[_Waiter[R]] = []
        self._poller: threading.Thread | None = None

    def watch(self, key: str, timeout: float, done_when: Callable[[R], bool]) -> R:
        """The answer about ``key`` once ``done_when`` holds for it, or the last one when ``timeout`` passed."""
        waiter = _Waiter(key, self._clock() + timeout, done_when)
        with self._lock:
            self._waiters.append(waiter)
            if self._poller is None:
                self._poller = threading.Thread(target=self._poll, name="registration-watch", daemon=True)
                self._poller.start()
        waiter.done.wait()
        if waiter.error is not None:
            raise waiter.error
        return waiter.result if waiter.result is not None else self._empty()

    def _poll(self) -> None:
        while True:
            self._sleep(self._round)
            with self._lock:
                waiters = list(self._waiters)
            settled: list[tuple[_Waiter[R], Exception | None]]
            try:
                answers = self._query({w.key for w in waiters})
            except Exception as exc:  # noqa: BLE001 - every waiter gets the error; none waits forever
                settled = [(w, exc) for w in waiters]
            else:
                now = self._clock()
                settled = [(w, None) for w in waiters if w.settle(answers.get(w.key) or self._empty(), now)]
            with self._lock:
                for waiter, error in settled:
                    self._waiters.remove(waiter)
                    waiter.error = error
                    waiter.done.set()
                if not self._waiters:
                    self._poller = None
                    return


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
        return self.watch(edge.id, timeout, lambda events: not pending or outcome_since(events, since) is not None)

    def _events(self, edge_ids: set[str]) -> dict[str, list[Event]]:
        ids = sorted(edge_ids)
        by_edge: dict[str, list[Event]] = defaultdict(list)
        for start in range(0, len(ids), MAX_IDS_PER_QUERY):
            for event in self._api.query_events(ids[start : start + MAX_IDS_PER_QUERY], AUDIT_EVENTS):
                by_edge[event.resource_id or ""].append(event)
        return by_edge


#: By watcher kind and client object: clients are process-wide (shared_client), so this stays as small as that
#: cache.
_watchers: dict[tuple[Callable[..., Any], GenesysClient], PollingWatcher[Any]] = {}
_watchers_lock = threading.Lock()
W = TypeVar("W", bound=PollingWatcher[Any])


@overload
def watcher_for(api: GenesysClient, sleep: Callable[[float], None] | None = None) -> RegistrationWatcher: ...
@overload
def watcher_for(api: GenesysClient, sleep: Callable[[float], None] | None = None, *, kind: Callable[..., W]) -> W: ...
def watcher_for(
    api: GenesysClient, sleep: Callable[[float], None] | None = None, *, kind: Callable[..., Any] = RegistrationWatcher
) -> Any:
    """The process's watcher of this ``kind`` for this client (one client per settings, so in practice one),
    made on first use as ``kind(api, sleep=sleep)`` (``sleep`` between polling rounds; ``time.sleep`` when
    None)."""
    with _watchers_lock:
        watcher = _watchers.get((kind, api))
        if watcher is None:
            watcher = _watchers[(kind, api)] = kind(api, sleep=sleep)
        return watcher
