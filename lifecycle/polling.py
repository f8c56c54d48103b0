"""One poller for every resource of a kind waiting on the org in this process, sharing each round.

Each trunk whose registration changed waits for its outcome. Polling per trunk would cost one read per trunk
per round; here every waiter of a kind shares each round's query, so a 50-trunk `up` spends a handful of
reads instead of fifty. Each dialect's outcome entity says what a round reads (``PollingWatcher`` subclasses
in their homes), and what it reads once more, together, for the waiters a round settles; this module knows
nothing of what is read.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Generic, TypeVar

from genesys_api import GenesysClient

#: Seconds between polling rounds unless a watcher says otherwise.
ROUND_SECONDS = 0.5
#: Seconds an idle watcher's first round waits, once its first waiter is due, for the others: the waiters of one
#: `up` arrive, and fall due, within moments of each other, and one query answers them all.
GATHER_SECONDS = 0.1
R = TypeVar("R")


@dataclass
class _Waiter(Generic[R]):
    key: str
    deadline: float
    done_when: Callable[[R], bool]
    """Whether a round's answer for ``key`` is the one waited for."""
    due: float
    """No answer is expected before this moment: a round that finds no waiter due is not made."""
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
    out gets ``empty()``). ``settled``, when given, is asked once per round about the keys that round settles
    (their answer waited for, or their deadline) and returns their final answers: a read that only a settled
    key needs, made once for all of them."""

    def __init__(
        self,
        query: Callable[[set[str]], Mapping[str, R]],
        empty: Callable[[], R],
        sleep: Callable[[float], None] | None = None,
        clock: Callable[[], float] | None = None,
        round_seconds: float = ROUND_SECONDS,
        settled: Callable[[dict[str, R]], Mapping[str, R]] | None = None,
    ) -> None:
        self._query = query
        self._empty = empty
        self._settled = settled
        self._sleep = sleep or (lambda seconds: time.sleep(seconds))
        self._clock = clock or (lambda: time.monotonic())
        self._round = round_seconds
        self._last_round: float | None = None
        self._lock = threading.Lock()
        self._waiters: list[_Waiter[R]] = []
        self._poller: threading.Thread | None = None

    def watch(self, key: str, timeout: float, done_when: Callable[[R], bool], first_look: float = 0.0) -> R:
        """The answer about ``key`` once ``done_when`` holds for it, or the last one when ``timeout`` passed;
        none is expected sooner than ``first_look`` seconds from now."""
        now = self._clock()
        waiter = _Waiter(key, now + timeout, done_when, now + min(max(first_look, 0.0), timeout))
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
        at = self._first_round()
        while True:
            at, waiters = self._next_round(at)
            self._last_round = at
            settled: list[tuple[_Waiter[R], Exception | None]]
            try:
                answers = self._query({w.key for w in waiters})
            except Exception as exc:  # noqa: BLE001 - every waiter gets the error; none waits forever
                settled = [(w, exc) for w in waiters]
            else:
                now = self._clock()
                done: list[tuple[_Waiter[R], R]] = []
                for waiter in waiters:
                    answer = answers.get(waiter.key) or self._empty()
                    if waiter.settle(answer, now):
                        done.append((waiter, answer))
                error = self._finish(done)
                settled = [(w, error) for w, _ in done]
            with self._lock:
                for waiter, error in settled:
                    self._waiters.remove(waiter)
                    waiter.error = error
                    waiter.done.set()
                if not self._waiters:
                    self._poller = None
                    return
            # Rounds start a round apart, however long the last one and its waiters' wake-up took; one that
            # overran is followed by the next at once, never by a burst that would catch up.
            at = max(at + self._round, self._clock())

    def _first_round(self) -> float:
        """When an idle watcher's first round is: a moment after its first waiter is due (the waiters of a wave
        fall due together, and share the round), and no sooner than a round after the last round it made (waiters
        arriving one by one are not polled faster than waiters that wait together)."""
        with self._lock:
            due = min(w.due for w in self._waiters)
        at = max(due, self._clock()) + GATHER_SECONDS
        return at if self._last_round is None else max(at, self._last_round + self._round)

    def _next_round(self, at: float) -> tuple[float, list[_Waiter[R]]]:
        """Sleeps until the round due ``at`` and returns when it is and who waits. Rounds before any waiter is
        due are skipped, whole (a round that expects no answer would cost a query in vain; whole rounds keep the
        rhythm)."""
        self._sleep(max(at - self._clock(), 0.0))
        with self._lock:
            waiters = list(self._waiters)
        skipped = math.ceil((min(w.due for w in waiters) - at) / self._round)
        if skipped <= 0:
            return at, waiters
        self._sleep(skipped * self._round)
        with self._lock:
            return at + skipped * self._round, list(self._waiters)

    def _finish(self, done: list[tuple[_Waiter[R], R]]) -> Exception | None:
        """The final answers of the waiters a round settles, from ``settled``; the error it met, if any."""
        if not done or self._settled is None:
            return None
        try:
            final = self._settled({w.key: answer for w, answer in done})
        except Exception as exc:  # noqa: BLE001 - every settled waiter gets the error
            return exc
        for waiter, answer in done:
            waiter.result = final.get(waiter.key, answer)
        return None


def seconds_until(started: datetime | None, after: float) -> float:
    """Seconds from now until ``after`` seconds past ``started`` (on the API's clock), kept within 0..``after``:
    a local clock set apart from the API's delays the first look by ``after`` at most."""
    if started is None:
        return after
    moment = started if started.tzinfo is not None else started.replace(tzinfo=UTC)
    return min(max(after - (datetime.now(UTC) - moment).total_seconds(), 0.0), after)


#: By watcher kind and client object: clients are process-wide (shared_client), so this stays as small as that
#: cache.
_watchers: dict[tuple[Callable[..., Any], GenesysClient], Any] = {}
_watchers_lock = threading.Lock()
W = TypeVar("W", bound=PollingWatcher[Any])


def watcher_for(api: GenesysClient, kind: Callable[..., W], sleep: Callable[[float], None] | None = None) -> W:
    """The process's watcher of this ``kind`` for this client (one client per settings, so in practice one),
    made on first use as ``kind(api, sleep=sleep)`` (``sleep`` between polling rounds; ``time.sleep`` when
    None)."""
    with _watchers_lock:
        watcher = _watchers.get((kind, api))
        if watcher is None:
            watcher = _watchers[(kind, api)] = kind(api, sleep=sleep)
        return watcher
