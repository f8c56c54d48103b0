"""Per-client counters, for benchmarks and for tests that prove "one token fetch" or "no second POST"."""

from __future__ import annotations

import threading
from collections import Counter
from typing import Any


class ClientStats:
    """Thread-safe counters. ``calls`` is keyed by ``"METHOD /path/{template}"``; sends include retries."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.reset()

    def reset(self) -> None:
        with self._lock:
            self.calls: Counter[str] = Counter()
            self.statuses: Counter[int] = Counter()
            self.token_fetches = 0
            self.retries = 0
            self.rate_limited = 0
            self.reauthentications = 0
            self.version_conflicts = 0
            self.network_errors = 0
            self.paced_seconds = 0.0
            self.retry_wait_seconds = 0.0

    def record_send(self, method: str, template: str) -> None:
        with self._lock:
            self.calls[f"{method} {template}"] += 1

    def record_status(self, status: int) -> None:
        with self._lock:
            self.statuses[status] += 1
            if status == 429:
                self.rate_limited += 1

    def add(self, name: str, amount: float = 1) -> None:
        """Bump a scalar counter (``retries``, ``token_fetches``, ``paced_seconds``...)."""
        with self._lock:
            setattr(self, name, getattr(self, name) + amount)

    def snapshot(self) -> dict[str, Any]:
        """A JSON-ready copy."""
        with self._lock:
            return {
                "calls": dict(self.calls),
                "statuses": {str(k): v for k, v in self.statuses.items()},
                "total_calls": sum(self.calls.values()),
                "token_fetches": self.token_fetches,
                "retries": self.retries,
                "rate_limited": self.rate_limited,
                "reauthentications": self.reauthentications,
                "version_conflicts": self.version_conflicts,
                "network_errors": self.network_errors,
                "paced_seconds": round(self.paced_seconds, 3),
                "retry_wait_seconds": round(self.retry_wait_seconds, 3),
            }
