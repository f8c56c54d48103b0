"""Timestamps in the one format the contract uses: ISO-8601 UTC with milliseconds and a ``Z``."""

from __future__ import annotations

import time
from datetime import UTC, datetime


def iso(epoch: float) -> str:
    """Format seconds since the epoch as ``2026-11-28T13:00:00.000Z``."""
    moment = datetime.fromtimestamp(epoch, tz=UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def now_iso() -> str:
    """The current time in the contract's format."""
    return iso(time.time())
