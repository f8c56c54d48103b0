"""OAuth clients, bearer tokens and scopes.

Tokens are random strings handed out once; only their SHA-256 is stored (in SQLite, so a restart keeps
them valid, as a real org would), with an in-memory copy so authenticating a request never waits on
the database.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import threading
import time
from dataclasses import dataclass

from .settings import (
    READONLY_CLIENT_ID,
    READONLY_CLIENT_SECRET,
    SEED_ONLY_CLIENT_ID,
    SEED_ONLY_CLIENT_SECRET,
    TELEPHONY_CLIENT_ID,
    TELEPHONY_CLIENT_SECRET,
    RuntimeSettings,
    Settings,
)
from .store import Store

EDGE_READ = "telephony:edge:read"
EDGE_WRITE = "telephony:edge:write"
SIP_PROFILE_READ = "telephony:sipprofile:read"
WEBHOOK_WRITE = "webhook:write"
EVENTS_QUERY = "analytics:events:query"
# the Platform API's scopes
TELEPHONY = "telephony"
TELEPHONY_READONLY = "telephony:readonly"
AUDITS = "audits"
AUDITS_READONLY = "audits:readonly"
SEED_SCOPES = frozenset({EDGE_READ, EDGE_WRITE, SIP_PROFILE_READ, WEBHOOK_WRITE, EVENTS_QUERY})
NOTIFICATIONS = "notifications"
READ_SCOPES = frozenset({EDGE_READ, SIP_PROFILE_READ, TELEPHONY_READONLY, AUDITS_READONLY})
ALL_SCOPES = SEED_SCOPES | READ_SCOPES | {TELEPHONY, AUDITS, NOTIFICATIONS}
TELEPHONY_SCOPES = frozenset({TELEPHONY, TELEPHONY_READONLY, NOTIFICATIONS})


@dataclass(frozen=True)
class OAuthClient:
    client_id: str
    secret: str
    scopes: frozenset[str]


@dataclass(frozen=True)
class Principal:
    """Who is calling: the client a valid token was issued to, and what it may do."""

    client_id: str
    scopes: frozenset[str]


class AuthFailure(Exception):
    """A request without a usable token; ``code`` is the contract's error code."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


class ClientRegistry:
    """The seeded OAuth clients: the configurable dev client, the fixed read-only one, one with the seed's
    scopes only and a telephony administrator's (no audits)."""

    def __init__(self, settings: Settings) -> None:
        clients = [
            OAuthClient(settings.client_id, settings.client_secret, ALL_SCOPES),
            OAuthClient(READONLY_CLIENT_ID, READONLY_CLIENT_SECRET, READ_SCOPES),
            OAuthClient(SEED_ONLY_CLIENT_ID, SEED_ONLY_CLIENT_SECRET, SEED_SCOPES),
            OAuthClient(TELEPHONY_CLIENT_ID, TELEPHONY_CLIENT_SECRET, TELEPHONY_SCOPES),
        ]
        self._clients = {c.client_id: c for c in reversed(clients)}

    def get(self, client_id: str) -> OAuthClient | None:
        return self._clients.get(client_id)

    def verify(self, client_id: str, secret: str) -> OAuthClient | None:
        """The client when the secret matches (constant-time compare), else None."""
        client = self._clients.get(client_id)
        if client is None or not hmac.compare_digest(client.secret.encode(), secret.encode()):
            return None
        return client


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class TokenService:
    """Issues, checks and force-expires bearer tokens."""

    def __init__(self, store: Store, clients: ClientRegistry, runtime: RuntimeSettings) -> None:
        self._store = store
        self._clients = clients
        self._runtime = runtime
        self._lock = threading.Lock()
        with store.reading() as tx:
            rows = tx.all("SELECT token_hash, client_id, expires_at FROM tokens")
        self._tokens: dict[str, tuple[str, float]] = {r["token_hash"]: (r["client_id"], r["expires_at"]) for r in rows}
        self._uses: dict[str, int] = {}

    def issue(self, client: OAuthClient) -> tuple[str, int]:
        """A new token for ``client`` and its lifetime in whole seconds."""
        lifetime = self._runtime.token_lifetime_seconds
        token = secrets.token_urlsafe(32)
        now = time.time()
        expires_at = now + lifetime
        digest = _digest(token)
        with self._store.transaction() as tx:
            tx.execute("DELETE FROM tokens WHERE expires_at < ?", (now - 3600,))
            tx.execute(
                "INSERT INTO tokens (token_hash, client_id, expires_at) VALUES (?, ?, ?)",
                (digest, client.client_id, expires_at),
            )
        with self._lock:
            self._tokens = {k: v for k, v in self._tokens.items() if v[1] >= now - 3600}
            self._uses = {k: n for k, n in self._uses.items() if k in self._tokens}
            self._tokens[digest] = (client.client_id, expires_at)
        return token, max(1, round(lifetime))

    def authenticate(self, authorization: str | None) -> Principal:
        """The principal behind an ``Authorization: Bearer`` header; raises :class:`AuthFailure`."""
        if not authorization or not authorization.strip():
            raise AuthFailure(
                "authentication.required", "No authentication bearer token specified in authorization header."
            )
        scheme, _, token = authorization.strip().partition(" ")
        token = token.strip()
        if scheme.lower() != "bearer" or not token:
            raise AuthFailure("authentication.required", "Authorization header must be 'Bearer <token>'.")
        digest = _digest(token)
        max_uses = self._runtime.token_max_uses
        with self._lock:
            entry = self._tokens.get(digest)
            if entry is None:
                raise AuthFailure("bad.credentials", "Invalid login credentials.")
            uses = self._uses[digest] = self._uses.get(digest, 0) + 1
        client_id, expires_at = entry
        if expires_at <= time.time() or 0 < max_uses < uses:
            raise AuthFailure("bad.credentials", "Invalid login credentials: the access token has expired.")
        client = self._clients.get(client_id)
        if client is None:
            raise AuthFailure("bad.credentials", "Invalid login credentials: the OAuth client no longer exists.")
        return Principal(client.client_id, client.scopes)

    def expire_all(self) -> int:
        """Expire every issued token now; returns how many were still valid."""
        now = time.time()
        with self._store.transaction() as tx:
            tx.execute("UPDATE tokens SET expires_at = ? WHERE expires_at > ?", (now, now))
        with self._lock:
            live = [k for k, (_, exp) in self._tokens.items() if exp > now]
            for key in live:
                self._tokens[key] = (self._tokens[key][0], now)
        return len(live)
