"""Fixed-window rate limiting per key (an OAuth client id), as Genesys applies it per client."""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Decision:
    """The outcome of one hit, with what the ``inin-ratelimit-*`` headers report."""

    allowed: bool
    limit: int
    count: int
    reset_seconds: int

    def headers(self) -> dict[str, str]:
        return {
            "inin-ratelimit-allowed": str(self.limit),
            "inin-ratelimit-count": str(self.count),
            "inin-ratelimit-reset": str(self.reset_seconds),
        }


class RateLimiter:
    """Counts hits per key in windows of ``window`` seconds starting at a key's first hit.

    ``limit`` is a callable so a runtime settings change applies at once. Rejected hits are not
    counted, so ``count`` never exceeds ``limit``.
    """

    def __init__(
        self, limit: Callable[[], int], window: float = 60.0, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self._limit = limit
        self._window = window
        self._clock = clock
        self._lock = threading.Lock()
        self._windows: dict[str, tuple[float, int]] = {}

    def hit(self, key: str) -> Decision:
        limit = self._limit()
        now = self._clock()
        with self._lock:
            start, count = self._windows.get(key, (now, 0))
            if now - start >= self._window:
                start, count = now, 0
            allowed = count < limit
            if allowed:
                count += 1
            self._windows[key] = (start, count)
            if len(self._windows) > 10_000:  # many one-off keys (e.g. random client ids): drop stale windows
                self._windows = {k: v for k, v in self._windows.items() if now - v[0] < self._window}
        reset = max(1, math.ceil(start + self._window - now))
        return Decision(allowed, limit, count, reset)

    def reset(self) -> None:
        """Forget every window (used when the limit itself changes)."""
        with self._lock:
            self._windows.clear()
