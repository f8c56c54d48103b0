"""Client-side pacing from the ``inin-ratelimit-*`` reply headers.

Genesys counts requests per OAuth client in a fixed window and answers 429 once the window's budget is
spent. Waiting for the 429 costs a whole ``Retry-After``; instead, once the remaining budget gets low, the
pacer spreads the remaining calls evenly over the time left until the window resets, and a 429 seen by one
thread holds back all threads of the process until its ``Retry-After`` has passed.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Mapping

from .stats import ClientStats

log = logging.getLogger("genesys_api")

HEADER_ALLOWED = "inin-ratelimit-allowed"
HEADER_COUNT = "inin-ratelimit-count"
HEADER_RESET = "inin-ratelimit-reset"

# A reply whose window ends this much later than the known one starts a new window (headers: whole seconds).
_NEW_WINDOW_SLACK = 2.0


class Pacer:
    """Shared by every thread of a client; one per OAuth client and process."""

    def __init__(
        self,
        *,
        low_water: float = 0.2,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
        stats: ClientStats | None = None,
    ) -> None:
        """``low_water``: pacing starts when at most this fraction of the window's budget is left."""
        self._low_water = low_water
        self._clock = clock
        self._sleep = sleep
        self._stats = stats
        self._lock = threading.Lock()
        self._allowed: int | None = None
        self._used = 0  # our best estimate of requests counted in the window, in-flight ones included
        self._window_end: float | None = None
        self._next_slot = 0.0
        self._blocked_until = 0.0

    def acquire(self) -> float:
        """Wait, if need be, before sending one request; returns the seconds waited."""
        with self._lock:
            delay = self._reserve(self._clock())
        if delay > 0:
            log.debug("pacing: waiting %.2fs before the next request", delay)
            if self._stats is not None:
                self._stats.add("paced_seconds", delay)
            self._sleep(delay)
        return delay

    def _reserve(self, now: float) -> float:
        delay = max(0.0, self._blocked_until - now)
        if self._window_end is not None and now >= self._window_end:
            self._window_end, self._used, self._next_slot = None, 0, 0.0
        if self._window_end is None or not self._allowed:
            return delay
        remaining = self._allowed - self._used
        self._used += 1
        if remaining <= 0:
            return max(delay, self._window_end - now)
        if remaining > self._low_water * self._allowed:
            return delay
        # Give each remaining call an evenly spaced slot between now and the reset.
        slot = max(now + delay, self._next_slot)
        if slot < self._window_end:
            self._next_slot = slot + (self._window_end - slot) / remaining
        return slot - now

    def observe(self, headers: Mapping[str, str]) -> None:
        """Learn the window's state from a reply; replies without the headers are ignored."""
        try:
            allowed = int(float(headers[HEADER_ALLOWED]))
            count = int(float(headers[HEADER_COUNT]))
            reset = float(headers[HEADER_RESET])
        except (KeyError, TypeError, ValueError):
            return
        if allowed <= 0 or reset < 0:
            return
        with self._lock:
            now = self._clock()
            end = now + reset
            if self._window_end is None or now >= self._window_end or end > self._window_end + _NEW_WINDOW_SLACK:
                self._window_end, self._used, self._next_slot = end, count, 0.0
            else:
                self._used = max(self._used, count)
            self._allowed = allowed

    def pause(self, seconds: float | None) -> None:
        """Hold every thread back for ``seconds`` (a 429's Retry-After)."""
        if not seconds or seconds <= 0:
            return
        with self._lock:
            self._blocked_until = max(self._blocked_until, self._clock() + seconds)

    @property
    def remaining(self) -> int | None:
        """Estimated requests left in the current window (None before any rate-limit header was seen)."""
        with self._lock:
            if self._allowed is None or self._window_end is None or self._clock() >= self._window_end:
                return None
            return self._allowed - self._used
