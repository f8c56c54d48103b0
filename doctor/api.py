"""Everything the doctor takes from the API client, in one place: settings resolution, the client, reads.

The client does the talking (token, pacing, typed errors); this module adds what a diagnosis needs on top:
which setting decided the endpoint and the dialect, a connection pool that refuses every request except a
GET and the token's POST, and a record of each reply's status and rate-limit headers.
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

import httpx

from genesys_api import (
    ENV_API_URL,
    ENV_REGION,
    KEY_API_URL,
    KEY_DIALECT,
    KEY_REGION,
    TOKEN_PATH,
    ClientSettings,
    GenesysClient,
)

HOST_KEYS = (KEY_API_URL, KEY_REGION, ENV_API_URL, ENV_REGION)
RATE_LIMIT_HEADERS = ("inin-ratelimit-allowed", "inin-ratelimit-count", "inin-ratelimit-reset")


@dataclass(frozen=True)
class Endpoint:
    """Where the program will call, and why there."""

    settings: ClientSettings
    source: str
    """The setting that chose the host: ``genesys:apiUrl``, ``genesys:region`` or their environment variable."""
    dialect: str
    dialect_reason: str

    @property
    def where(self) -> str:
        if self.settings.region:
            return f"region {self.settings.region} ({self.settings.api_url}, login {self.settings.login_url})"
        return f"URL {self.settings.api_url}"


class _Seen(Mapping[str, str]):
    """The environment, remembering which of the host variables held a value when asked."""

    def __init__(self, environ: Mapping[str, str], seen: list[str]) -> None:
        self._environ = environ
        self._seen = seen

    def __getitem__(self, key: str) -> str:
        value = self._environ[key]
        if key in HOST_KEYS and value.strip():
            self._seen.append(key)
        return value

    def __iter__(self) -> Iterator[str]:
        return iter(self._environ)

    def __len__(self) -> int:
        return len(self._environ)


def resolve(config: Mapping[str, Any], environ: Mapping[str, str] | None = None) -> Endpoint:
    """The client's own settings resolution, watched to name the setting it took the host from.
    Raises the client's ``ConfigurationError`` (which names every missing or bad key)."""
    env = os.environ if environ is None else environ
    seen: list[str] = []

    def get(key: str) -> Any:
        value = config.get(key)
        if key in HOST_KEYS and value not in (None, ""):
            seen.append(key)
        return value

    settings = ClientSettings.from_config(get, _Seen(env, seen))
    source = next((key for key in HOST_KEYS if key in seen), "unknown")
    return Endpoint(
        settings=settings, source=source, dialect=settings.dialect, dialect_reason=_why(config, settings, source)
    )


def _why(config: Mapping[str, Any], settings: ClientSettings, source: str) -> str:
    """Why the settings chose their dialect (the choice itself is the client's, made once there)."""
    if str(config.get(KEY_DIALECT) or "").strip():
        return f"{KEY_DIALECT} is {settings.dialect!r}"
    kind = "a region" if settings.region else "an explicit URL"
    return f"the default for {kind} ({source}; set {KEY_DIALECT} to choose)"


class WriteRefused(RuntimeError):
    """A request other than a GET or the token's POST was about to leave this process."""


@dataclass(frozen=True)
class Exchange:
    method: str
    path: str
    status: int
    query: str = ""

    def __str__(self) -> str:
        return f"{self.method} {self.path}{'?' + self.query if self.query else ''} {self.status}"


@dataclass
class Wire:
    """The connection pool the client sends through: read-only by construction, and recorded."""

    token_path: str = ""
    queries: frozenset[str] = frozenset()
    """Paths of the POSTs that only query (a dialect names them): sent like a GET, nothing else is."""
    exchanges: list[Exchange] = field(default_factory=list)
    rate_limit: dict[str, str] = field(default_factory=dict)
    """The ``inin-ratelimit-*`` headers of the last API reply that carried them."""

    pool: httpx.Client | None = None

    def http(self, settings: ClientSettings) -> httpx.Client:
        self.pool = httpx.Client(
            timeout=httpx.Timeout(settings.timeout_seconds),
            headers={"Accept": "application/json", "User-Agent": "genesys-trunks-doctor/0.1 (python-httpx)"},
            follow_redirects=False,
            event_hooks={"request": [self._guard], "response": [self._record]},
        )
        return self.pool

    def close(self) -> None:
        if self.pool is not None:
            self.pool.close()

    def _guard(self, request: httpx.Request) -> None:
        if request.method == "GET" or (
            request.method == "POST" and request.url.path in {self.token_path, *self.queries}
        ):
            return
        raise WriteRefused(f"refused to send {request.method} {request.url.path}: the doctor only reads")

    def _record(self, response: httpx.Response) -> None:
        request = response.request
        query = request.url.query.decode("ascii", "replace")
        self.exchanges.append(Exchange(request.method, request.url.path, response.status_code, query))
        headers = {name: response.headers[name] for name in RATE_LIMIT_HEADERS if name in response.headers}
        if headers:
            self.rate_limit = headers

    def sent_twice(self) -> list[str]:
        """API reads sent more than once (a 401's single retry with a fresh token aside)."""
        seen = Counter(
            f"{e.method} {e.path}{'?' + e.query if e.query else ''}"
            for e in self.exchanges
            if e.path != self.token_path and e.status != 401
        )
        return [key for key, n in seen.items() if n > 1]


def open_client(endpoint: Endpoint, queries: frozenset[str] = frozenset()) -> tuple[GenesysClient, Wire]:
    """A client that tries each read once (no retries: a read that fails is reported, not repeated), and
    sends no POST but the token's and the ``queries``."""
    settings = endpoint.settings.model_copy(update={"max_retries": 0})
    wire = Wire(queries=queries)
    client = GenesysClient(settings, http=wire.http(settings))
    wire.token_path = httpx.URL(settings.login_url + TOKEN_PATH).path
    return client, wire


def fetch_token(client: GenesysClient) -> None:
    """One token, as every run of the program starts with."""
    client.auth.token()
