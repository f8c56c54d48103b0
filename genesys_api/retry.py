"""Retry policy: which failures are worth another attempt, how long to wait, and when to give up.

Built on tenacity with our own wait and stop functions: the wait honours a 429's ``Retry-After`` (plus a
little jitter so threads do not return in lockstep) and otherwise backs off exponentially with jitter; the
stop bounds both attempts and total time, measured on an injectable clock so tests run without sleeping.
Whether a failure is retryable is decided by its type, which the transport chooses knowing whether the
request could have taken effect (see ``transport.py``): this module never sees a request.
"""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TypeVar

import tenacity

from .errors import GenesysApiError, NetworkError, RateLimitedError, ServerError
from .stats import ClientStats

log = logging.getLogger("genesys_api")

T = TypeVar("T")

#: Gateway/overload statuses worth another attempt (500 is a bug, not a blip: not retried).
RETRY_STATUSES = frozenset({502, 503, 504})


def is_retryable(exc: BaseException) -> bool:
    if getattr(exc, "retries_exhausted", False):
        return False  # already went through a retry loop (e.g. the token fetch): no retries squared
    if isinstance(exc, RateLimitedError | NetworkError):
        return True
    return isinstance(exc, ServerError) and exc.status in RETRY_STATUSES


@dataclass
class RetryPolicy:
    max_retries: int = 6
    """Retries after the first attempt (so at most ``max_retries + 1`` sends)."""
    budget_seconds: float = 120.0
    """No retry starts whose wait would end later than this after the first attempt began."""
    base_delay: float = 0.5
    max_delay: float = 30.0
    sleep: Callable[[float], None] = time.sleep
    clock: Callable[[], float] = time.monotonic
    rng: random.Random = field(default_factory=random.Random)
    stats: ClientStats | None = None

    def wait_seconds(self, attempt_number: int, exc: BaseException | None) -> float:
        """Seconds to wait before attempt ``attempt_number + 1``."""
        retry_after = exc.retry_after if isinstance(exc, RateLimitedError) else None
        if retry_after is not None:
            return retry_after + self.rng.uniform(0, min(1.0, 0.1 * retry_after + 0.1))
        ceiling = min(self.max_delay, self.base_delay * 2 ** (attempt_number - 1))
        return ceiling / 2 + self.rng.uniform(0, ceiling / 2)  # "equal jitter": spread, but never ~0

    def call(self, fn: Callable[[int], T], *, label: str) -> T:
        """Run ``fn(attempt_number)`` until it succeeds, fails for good, or the attempts/time run out;
        the last error is raised as is (never a tenacity RetryError)."""
        start = self.clock()

        def wait(state: tenacity.RetryCallState) -> float:
            return self.wait_seconds(state.attempt_number, state.outcome.exception() if state.outcome else None)

        def stop(state: tenacity.RetryCallState) -> bool:
            if state.attempt_number > self.max_retries:
                return True
            return self.clock() - start + state.upcoming_sleep > self.budget_seconds

        def before_sleep(state: tenacity.RetryCallState) -> None:
            exc = state.outcome.exception() if state.outcome else None
            reason = getattr(exc, "status", None) or type(exc).__name__
            log.info(
                "retrying %s after %s in %.2fs (attempt %d of %d)",
                label,
                reason,
                state.upcoming_sleep,
                state.attempt_number + 1,
                self.max_retries + 1,
            )
            if self.stats is not None:
                self.stats.add("retries")
                self.stats.add("retry_wait_seconds", state.upcoming_sleep)

        retrying = tenacity.Retrying(
            retry=tenacity.retry_if_exception(is_retryable),
            wait=wait,
            stop=stop,
            sleep=self.sleep,
            before_sleep=before_sleep,
            reraise=True,
        )
        attempts = 0

        def attempt() -> T:
            nonlocal attempts
            attempts += 1
            return fn(attempts)

        try:
            return retrying(attempt)
        except GenesysApiError as exc:
            exc.retries_exhausted = True
            raise
