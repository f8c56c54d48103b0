"""Configuration: what is fixed at start (:class:`Settings`) and the knobs tests turn at runtime
(:class:`RuntimeSettings`, behind ``/_emulator/settings``)."""

from __future__ import annotations

import ipaddress
import math
import threading
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

DEFAULT_CLIENT_ID = "genesys-trunks-dev"
DEFAULT_CLIENT_SECRET = "dev-only-secret"
READONLY_CLIENT_ID = "genesys-trunks-readonly"
READONLY_CLIENT_SECRET = "readonly-secret"
# a client with the seed's scopes only: what the Platform API answers a token without its scopes
SEED_ONLY_CLIENT_ID = "genesys-trunks-seed-only"
SEED_ONLY_CLIENT_SECRET = "seed-only-secret"
#: A telephony administrator's client: every telephony and notifications scope, no audits.
TELEPHONY_CLIENT_ID = "genesys-trunks-telephony"
TELEPHONY_CLIENT_SECRET = "telephony-secret"


LogLevel = Literal["critical", "error", "warning", "info", "debug", "trace"]


class Settings(BaseModel):
    """Everything the command line sets (each field is an option, see ``__main__``). Immutable: runtime
    changes live in :class:`RuntimeSettings`."""

    model_config = ConfigDict(frozen=True)

    host: str = Field("127.0.0.1", description="bind address")
    port: int = Field(8787, ge=0, le=65535, description="port (0 picks one)")
    db: str = Field(".emulator/emulator.db", description="SQLite file holding all state")
    client_id: str = Field(DEFAULT_CLIENT_ID, description="seeded OAuth client id")
    client_secret: str = Field(DEFAULT_CLIENT_SECRET, description="seeded OAuth client secret")
    token_lifetime: float = Field(86400, ge=0, description="access token lifetime in seconds")
    rate_limit: int = Field(100, ge=1, description="/api/v2 requests per minute per OAuth client")
    token_rate_limit: int = Field(300, ge=1, description="token requests per minute per client id")
    registration_delay: float = Field(1.0, ge=0, description="seconds from registering to registered/failed")
    latency_ms: int = Field(0, ge=0, le=600_000, description="added latency on every /api/v2 request, in ms")
    error_rate: float = Field(0.0, ge=0, le=1, description="fraction of /api/v2 requests answered 503")
    drop_rate: float = Field(0.0, ge=0, le=1, description="fraction of /api/v2 requests whose connection drops")
    delivery_backoff: float = Field(0.5, ge=0, description="first webhook retry delay in seconds, doubled each retry")
    delivery_retries: int = Field(3, ge=0, description="webhook delivery retries after the first attempt")
    log_level: LogLevel = Field("info", description="log level; uvicorn's access log only at debug and trace")
    allow_remote: bool = Field(
        False, description="allow binding to a non-loopback address (the admin API stays loopback-only)"
    )


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
