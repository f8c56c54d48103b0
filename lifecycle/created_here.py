"""The entities this provider process made with a POST of its own.

The Edge provider records each edge it creates; the Webhook provider asks, before it looks for a webhook an
earlier, interrupted run may have left: nothing made by an earlier run can refer to an edge made here.
"""

from __future__ import annotations

import threading

_lock = threading.Lock()
_ids: set[str] = set()


def note(entity_id: str) -> None:
    with _lock:
        _ids.add(entity_id)


def includes(entity_id: str) -> bool:
    with _lock:
        return entity_id in _ids


def forget_all() -> None:
    """A fresh provider process (tests)."""
    with _lock:
        _ids.clear()
