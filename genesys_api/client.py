"""The client every entity's calls run on: ``request_json`` (one call, a typed error on failure), ``paged``
(every page, lazily; ``pages`` a page at a time), ``update_versioned`` (PUT, re-read and PUT again on a version
conflict) and ``memo`` (a read made once per client).

An entity's own calls (paths, bodies, read models) live in its home, built on these; providers never build
URLs, parse error bodies or sleep on a 429. Clients are cheap and hold no state worth pickling; use
``shared_client(settings)`` so every resource of a provider process shares one token, one pacer and one
connection pool.
"""

from __future__ import annotations

import logging
import random
import threading
import time
from collections.abc import Callable, Hashable, Iterator
from typing import Any, TypeVar

import httpx

from .auth import BearerAuth, TokenProvider
from .errors import GenesysApiError, NotFoundError, VersionConflictError
from .pacing import Pacer
from .retry import RetryPolicy
from .settings import ClientSettings
from .stats import ClientStats
from .transport import Transport
from .wire import TOKEN_PATH, Call, Page

log = logging.getLogger("genesys_api")

T = TypeVar("T")

USER_AGENT = "genesys-trunks/0.1 (python-httpx)"


class GenesysClient:
    """Thread-safe; one per OAuth client and process (see ``shared_client``)."""

    def __init__(
        self,
        settings: ClientSettings,
        *,
        http: httpx.Client | None = None,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
        rng: random.Random | None = None,
        page_size: int = 100,
        version_conflict_retries: int = 3,
    ) -> None:
        """``sleep``/``clock``/``rng`` exist so tests run a 429 storm without waiting; ``http`` lets a
        caller bring its own httpx.Client (it is then not closed by ``close()``)."""
        self.settings = settings
        self.sleep = sleep
        self.clock = clock
        self.stats = ClientStats()
        self.page_size = page_size
        self.version_conflict_retries = version_conflict_retries
        self._http_client = http
        self._owns_http = http is None
        self._http_lock = threading.Lock()
        self._memo: dict[Hashable, Any] = {}
        self._memo_locks: dict[Hashable, threading.Lock] = {}
        self._memo_lock = threading.Lock()
        policy = RetryPolicy(
            max_retries=settings.max_retries,
            budget_seconds=settings.retry_budget_seconds,
            sleep=sleep,
            clock=clock,
            rng=rng or random.Random(),
            stats=self.stats,
        )
        self.auth = TokenProvider(
            token_url=settings.login_url + TOKEN_PATH,
            client_id=settings.client_id,
            client_secret=settings.client_secret,
            http=self._http,
            policy=policy,
            stats=self.stats,
            clock=clock,
        )
        self.pacer = Pacer(clock=clock, sleep=sleep, stats=self.stats)
        self._transport = Transport(
            api_url=settings.api_url,
            http=self._http,
            auth=BearerAuth(self.auth, self.stats),
            pacer=self.pacer,
            policy=policy,
            stats=self.stats,
            clock=clock,
        )

    def __repr__(self) -> str:
        return f"GenesysClient(api_url={self.settings.api_url!r}, client_id={self.settings.client_id!r})"

    # ------------------------------------------------------------------------------------------ plumbing

    def _http(self) -> httpx.Client:
        """The connection pool, created on first use so that constructing a client costs nothing."""
        client = self._http_client
        if client is None:
            with self._http_lock:
                client = self._http_client
                if client is None:
                    client = self._http_client = httpx.Client(
                        timeout=httpx.Timeout(self.settings.timeout_seconds),
                        headers={"User-Agent": USER_AGENT, "Accept": "application/json"},
                        limits=httpx.Limits(max_connections=16, max_keepalive_connections=8),
                        follow_redirects=False,
                    )
        return client

    def memo(self, key: Hashable, load: Callable[[], T]) -> T:
        """``load()``'s value, loaded once per client even when threads ask at the same time: for catalog
        reads (a template, a site) that a provider process, which lives for one Pulumi operation, needs
        once. A load that fails is not kept."""
        with self._memo_lock:
            if key in self._memo:
                return self._memo[key]
            key_lock = self._memo_locks.setdefault(key, threading.Lock())
        with key_lock:
            with self._memo_lock:
                if key in self._memo:
                    return self._memo[key]
            value = load()
            with self._memo_lock:
                self._memo[key] = value
            return value

    def close(self) -> None:
        """Close the connection pool (a later call opens a new one)."""
        with self._http_lock:
            client, self._http_client = self._http_client, None
        if client is not None and self._owns_http:
            client.close()

    def __enter__(self) -> GenesysClient:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def request_json(self, call: Call) -> Any:
        """Send one call of any dialect; the reply's JSON (None for an empty reply) or a typed error."""
        response = self._transport.send(call)
        if response.status_code == 204 or not response.content:
            return None
        return response.json()

    def read_json(self, call: Call) -> Any:
        """The reply of a GET as the server sent it, for checks of fields the read models leave out."""
        if call.method != "GET":
            raise ValueError(f"read_json sends GETs only, not {call.method} {call.template}")
        return self.request_json(call)

    def paged(
        self,
        make_call: Callable[[int, int], Call],
        parse: Callable[[Any], Page[T]],
        page_size: int | None = None,
    ) -> Iterator[T]:
        """Every entity of a paged list, fetching the next page only when the caller gets that far."""
        for page in self.pages(make_call, parse, page_size):
            yield from page.entities

    def pages(
        self,
        make_call: Callable[[int, int], Call],
        parse: Callable[[Any], Page[T]],
        page_size: int | None = None,
    ) -> Iterator[Page[T]]:
        """The pages of a list, each fetched only when the caller asks for it: for a caller that weighs
        what one more page costs."""
        size = page_size or self.page_size
        page_number = 1
        while True:
            page = parse(self.request_json(make_call(page_number, size)))
            yield page
            if not page.has_more(size):
                return
            page_number += 1

    def page_size_up_to(self, limit: int) -> int:
        """The client's page size, or ``limit`` when an endpoint serves no larger pages."""
        return min(self.page_size, limit)

    def delete(self, call: Call) -> bool:
        """Send a DELETE; False when the entity was already gone (404)."""
        try:
            self._transport.send(call)
        except NotFoundError:
            return False
        return True

    def update_versioned(
        self,
        kind: str,
        entity_id: str,
        get: Callable[[str], Any],
        put: Callable[[int], T],
        known_version: int | None = None,
        is_conflict: Callable[[GenesysApiError], bool] = lambda exc: isinstance(exc, VersionConflictError),
    ) -> T:
        """PUT with the version the caller last saw (or a fresh GET's); on a version conflict (someone
        else, or our own PUT whose reply was lost) GET and PUT again, a few times."""
        version = known_version
        for attempt in range(self.version_conflict_retries + 1):
            if version is None:
                version = get(entity_id).version
            try:
                return put(version)
            except GenesysApiError as exc:
                if not is_conflict(exc):
                    raise
                self.stats.add("version_conflicts")
                version = None
                if attempt >= self.version_conflict_retries:
                    raise
                log.info(
                    "%s %s: version conflict, re-reading and retrying (attempt %d)",
                    kind,
                    entity_id,
                    attempt + 2,
                )
        raise AssertionError("unreachable")  # pragma: no cover


# ---------------------------------------------------------------------------------------------- process cache

_SHARED: dict[ClientSettings, GenesysClient] = {}
_SHARED_LOCK = threading.Lock()


def shared_client(settings: ClientSettings) -> GenesysClient:
    """The process-wide client for these settings: one token, one pacer, one connection pool for all
    resources and threads of a provider process. Providers call this; they never hold a client."""
    with _SHARED_LOCK:
        client = _SHARED.get(settings)
        if client is None:
            client = _SHARED[settings] = GenesysClient(settings)
        return client


def close_shared_clients() -> None:
    """Close and forget every shared client (tests; process shutdown)."""
    with _SHARED_LOCK:
        clients = list(_SHARED.values())
        _SHARED.clear()
    for client in clients:
        client.close()
