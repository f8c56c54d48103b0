"""Configuration: what is fixed at start (:class:`Settings`) and the knobs tests turn at runtime
(:class:`RuntimeSettings`, behind ``/_emulator/settings``)."""

from __future__ import annotations

import ipaddress
import math
import threading
from dataclasses import dataclass
from typing import Any

DEFAULT_CLIENT_ID = "genesys-trunks-dev"
DEFAULT_CLIENT_SECRET = "dev-only-secret"
READONLY_CLIENT_ID = "genesys-trunks-readonly"
READONLY_CLIENT_SECRET = "readonly-secret"


@dataclass(frozen=True)
class Settings:
    """Everything the command line sets. Immutable: runtime changes live in :class:`RuntimeSettings`."""

    db: str = ".emulator/emulator.db"
    host: str = "127.0.0.1"
    port: int = 8787
    client_id: str = DEFAULT_CLIENT_ID
    client_secret: str = DEFAULT_CLIENT_SECRET
    token_lifetime: float = 86400
    rate_limit: int = 100
    token_rate_limit: int = 300
    registration_delay: float = 1.0
    latency_ms: int = 0
    error_rate: float = 0.0
    drop_rate: float = 0.0
    delivery_backoff: float = 0.5
    delivery_retries: int = 3
    log_level: str = "info"
    allow_remote: bool = False


def is_loopback_host(host: str) -> bool:
    """True for ``localhost`` and any loopback IP literal (127.0.0.0/8, ::1), brackets allowed."""
    name = host.strip().strip("[]").lower()
    if name == "localhost":
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


# camelCase key on the wire -> (attribute, type, minimum)
_RUNTIME_KEYS: dict[str, tuple[str, type, float]] = {
    "rateLimitPerMinute": ("rate_limit_per_minute", int, 1),
    "tokenRateLimitPerMinute": ("token_rate_limit_per_minute", int, 1),
    "tokenLifetimeSeconds": ("token_lifetime_seconds", float, 1),
    "tokenMaxUses": ("token_max_uses", int, 0),
    "registrationDelaySeconds": ("registration_delay_seconds", float, 0),
    "deliveryBackoffSeconds": ("delivery_backoff_seconds", float, 0),
    "deliveryRetries": ("delivery_retries", int, 0),
}


class RuntimeSettings:
    """Thread-safe knobs read on every use, so a change applies to the next request without a restart."""

    def __init__(self, settings: Settings) -> None:
        self._lock = threading.Lock()
        self.rate_limit_per_minute = int(settings.rate_limit)
        self.token_rate_limit_per_minute = int(settings.token_rate_limit)
        self.token_lifetime_seconds = float(settings.token_lifetime)
        # 0: unlimited. Otherwise each token is refused after this many /api/v2 requests, an expiry that
        # strikes mid-run at a known point (clock-based expiry depends on how fast the run happens to be).
        self.token_max_uses = 0
        self.registration_delay_seconds = float(settings.registration_delay)
        self.delivery_backoff_seconds = float(settings.delivery_backoff)
        self.delivery_retries = int(settings.delivery_retries)

    def to_dict(self) -> dict[str, Any]:
        """The wire form (camelCase), integers where a value is whole."""
        with self._lock:
            out: dict[str, Any] = {}
            for key, (attr, kind, _) in _RUNTIME_KEYS.items():
                value = getattr(self, attr)
                out[key] = int(value) if kind is float and float(value).is_integer() else value
            return out

    def update(self, changes: dict[str, Any]) -> list[str]:
        """Apply a partial update; returns the wire keys changed.

        Raises ValueError whose argument is a list of (key, problem) pairs.
        """
        problems: list[tuple[str, str]] = []
        parsed: dict[str, Any] = {}
        for key, value in changes.items():
            if key not in _RUNTIME_KEYS:
                problems.append((key, f"unknown setting; known: {', '.join(_RUNTIME_KEYS)}"))
                continue
            attr, kind, minimum = _RUNTIME_KEYS[key]
            is_number = isinstance(value, int | float) and not isinstance(value, bool)
            if not is_number or (kind is int and not float(value).is_integer()) or not math.isfinite(value):
                problems.append((key, f"must be {'an integer' if kind is int else 'a number'}"))
            elif value < minimum:
                problems.append((key, f"must be >= {minimum:g}"))
            else:
                parsed[attr] = kind(value)
        if problems:
            raise ValueError(problems)
        with self._lock:
            for attr, value in parsed.items():
                setattr(self, attr, value)
        return [k for k in changes if k in _RUNTIME_KEYS]
