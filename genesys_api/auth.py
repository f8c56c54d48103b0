"""OAuth client-credentials tokens, cached and shared by every thread of a process, and the bearer auth flow.

One fetch serves many calls: concurrent callers that find no valid token wait on a single fetch and share
its outcome (its token, or its error: a wrong secret costs one request, not one per thread). A token is
renewed ahead of expiry (60 s, or 10% of its lifetime when that is shorter), and a token the API refuses is
dropped so the next caller fetches a fresh one.
"""

from __future__ import annotations

import copy
import logging
import threading
import time
from collections.abc import Callable, Generator
from typing import Any

import httpx
from pydantic import SecretStr

from .errors import (
    GenesysApiError,
    NetworkError,
    RateLimitedError,
    ServerError,
    UnauthorizedError,
    parse_retry_after,
)
from .retry import RetryPolicy
from .stats import ClientStats

log = logging.getLogger("genesys_api")

RENEW_AHEAD_SECONDS = 60.0
RENEW_AHEAD_FRACTION = 0.1


class TokenProvider:
    def __init__(
        self,
        *,
        token_url: str,
        client_id: str,
        client_secret: SecretStr,
        http: Callable[[], httpx.Client],
        policy: RetryPolicy,
        stats: ClientStats,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._token_url = token_url
        self._path = httpx.URL(token_url).path
        self._client_id = client_id
        self._client_secret = client_secret
        self._http = http
        self._policy = policy
        self._stats = stats
        self._clock = clock
        self._state_lock = threading.Lock()
        self._fetch_lock = threading.Lock()
        self._token: str | None = None
        self._renew_at = 0.0
        self._generation = 0  # bumped by every finished fetch, so waiters know one happened meanwhile
        self._failure: GenesysApiError | None = None

    def __repr__(self) -> str:
        return f"TokenProvider(token_url={self._token_url!r}, client_id={self._client_id!r})"

    def token(self) -> str:
        """A valid bearer token, fetching one (once, for all waiting threads) when needed."""
        with self._state_lock:
            if self._token is not None and self._clock() < self._renew_at:
                return self._token
            if isinstance(self._failure, UnauthorizedError):
                # The login refused these credentials: they stay refused for this process (however late a
                # thread comes to ask), so a wrong secret costs one request, not one per thread.
                raise copy.copy(self._failure)
            generation = self._generation
        with self._fetch_lock:
            with self._state_lock:
                if self._token is not None and self._clock() < self._renew_at:
                    return self._token
                if self._generation != generation and self._failure is not None:
                    raise copy.copy(self._failure)  # the fetch we waited on failed: share its error
            try:
                token, lifetime = self._policy.call(self._fetch_once, label=f"POST {self._path}")
            except GenesysApiError as exc:
                with self._state_lock:
                    self._generation += 1
                    self._failure = exc
                raise
            with self._state_lock:
                self._generation += 1
                self._failure = None
                self._token = token
                ahead = min(RENEW_AHEAD_SECONDS, RENEW_AHEAD_FRACTION * lifetime)
                self._renew_at = self._clock() + lifetime - ahead
            return token

    def invalidate(self, token: str) -> None:
        """Forget ``token`` after the API refused it (unless another thread already replaced it)."""
        with self._state_lock:
            if self._token == token:
                self._token = None

    def _fetch_once(self, attempt: int) -> tuple[str, float]:
        self._stats.add("token_fetches")
        self._stats.record_send("POST", self._path)
        try:
            response = self._http().post(
                self._token_url,
                data={"grant_type": "client_credentials"},
                auth=httpx.BasicAuth(self._client_id, self._client_secret.get_secret_value()),
                headers={"Accept": "application/json"},
            )
        except httpx.TransportError as exc:
            log.info("POST %s failed: %s (attempt %d)", self._path, type(exc).__name__, attempt)
            raise NetworkError(
                f"token request failed: {type(exc).__name__}: {exc}", method="POST", path=self._path
            ) from None
        status = response.status_code
        log.debug("POST %s -> %d (attempt %d)", self._path, status, attempt)
        body = _json_object(response)
        if status == 200:
            token = body.get("access_token")
            if not isinstance(token, str) or not token:
                raise ServerError(
                    "token endpoint replied without an access_token",
                    status=status,
                    method="POST",
                    path=self._path,
                )
            try:
                lifetime = float(body.get("expires_in") or 0) or 3600.0
            except (TypeError, ValueError):
                lifetime = 3600.0
            log.debug("token fetched, valid for %.0fs", lifetime)
            return token, lifetime
        error = body.get("error") or body.get("code")
        description = str(
            body.get("description") or body.get("error_description") or body.get("message") or response.reason_phrase
        )
        where: dict[str, Any] = {"status": status, "code": error, "method": "POST", "path": self._path}
        if status == 400 and error == "invalid_request" and "rate limit" in description.lower():
            raise RateLimitedError(
                f"token requests throttled: {description}",
                retry_after=parse_retry_after(response.headers.get("Retry-After")),
                **where,
            )
        if status == 429:
            raise RateLimitedError(
                f"token requests throttled: {description}",
                retry_after=parse_retry_after(response.headers.get("Retry-After")),
                **where,
            )
        if status == 401 or error == "invalid_client":
            raise UnauthorizedError(
                f"Genesys Cloud rejected the OAuth client {self._client_id!r} ({description}); check "
                "genesys:clientId and genesys:clientSecret (or GENESYSCLOUD_OAUTHCLIENT_ID/_SECRET) "
                "and the region",
                **where,
            )
        if status >= 500:
            raise ServerError(f"token endpoint failed: {description}", **where)
        raise GenesysApiError(f"token request refused: {description}", **where)


class BearerAuth(httpx.Auth):
    """Bearer auth from the shared token cache: a 401 (an expired or revoked token, answered before any
    work was done) drops that token, fetches one fresh token and repeats the request once, whatever its
    method; a second 401 is the caller's to raise."""

    def __init__(self, tokens: TokenProvider, stats: ClientStats) -> None:
        self._tokens = tokens
        self._stats = stats

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        token = self._tokens.token()
        request.headers["Authorization"] = f"Bearer {token}"
        response = yield request
        if response.status_code != 401:
            return
        self._stats.add("reauthentications")
        self._tokens.invalidate(token)
        log.info("%s %s -> 401: renewing the token and retrying once", request.method, request.url.path)
        request.headers["Authorization"] = f"Bearer {self._tokens.token()}"
        yield request


def _json_object(response: httpx.Response) -> dict[str, Any]:
    try:
        body = response.json()
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}
