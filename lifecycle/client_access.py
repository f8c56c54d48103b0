"""Where the dynamic providers get their API client from, without holding it themselves.

A provider object is pickled into every resource's state, so it must carry no client, lock or
credential. `configure()` (called once per provider process with the stack's config) records
the settings here, and every lifecycle call asks `client()` for the process-wide client: one
token, one pacer and one connection pool for all resources and all gRPC worker threads.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from genesys_api import ClientSettings, GenesysClient, shared_client


@dataclass
class _Configured:
    settings: ClientSettings | None = None
    error: Exception | None = None


_lock = threading.Lock()
_state = _Configured()


def configure(get_config: Callable[[str], Any]) -> None:
    """Read `genesys:*` from the stack config (environment as fallback). A bad setting is raised
    on first use, so it fails the operation that needs the API, with the key it names."""
    global _state
    try:
        configured = _Configured(settings=ClientSettings.from_config(get_config, os.environ))
    except Exception as exc:  # noqa: BLE001 - kept and raised by client()
        configured = _Configured(error=exc)
    with _lock:
        _state = configured


def client() -> GenesysClient:
    with _lock:
        state = _state
    if state.error is not None:
        raise state.error
    settings = state.settings or ClientSettings.from_config(None, os.environ)
    return shared_client(settings)
