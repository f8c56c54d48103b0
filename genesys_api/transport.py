"""Sending one API call: bearer auth, pacing, retries, typed errors, stats and logs.

Retry safety is decided here, because only here is it known whether a request may have reached the server:

- a reply of 429 or 503, a 401 (answered before any work), or a failure to connect (nothing was sent)
  means the call did not take effect: it is retried whatever the method;
- a dropped connection, a read/write timeout, or a 502/504 from a gateway leave the outcome unknown: a
  retry-safe call (GET, PUT, DELETE, a read-only POST) is retried, any other POST raises
  ``OutcomeUnknownError`` at once, so a create is never sent twice blindly.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Generator

import httpx

from .auth import BearerAuth
from .errors import (
    ConfigurationError,
    GenesysApiError,
    NetworkError,
    OutcomeUnknownError,
    RateLimitedError,
    error_from_response,
)
from .pacing import Pacer
from .retry import RetryPolicy
from .stats import ClientStats
from .wire import Call

log = logging.getLogger("genesys_api")

# Raised before a single byte of the request left this process.
_NOT_SENT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)
# A POST that got these statuses may have been applied behind the gateway.
_AMBIGUOUS_STATUSES = frozenset({502, 504})


class Transport:
    def __init__(
        self,
        *,
        api_url: str,
        http: Callable[[], httpx.Client],
        auth: BearerAuth,
        pacer: Pacer,
        policy: RetryPolicy,
        stats: ClientStats,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._api_url = api_url
        self._http = http
        self._auth = auth
        self._pacer = pacer
        self._policy = policy
        self._stats = stats
        self._clock = clock

    def send(self, call: Call) -> httpx.Response:
        """The 2xx reply of ``call``, or a typed ``GenesysApiError``."""
        return self._policy.call(lambda attempt: self._attempt(call, attempt), label=f"{call.method} {call.path}")

    def _attempt(self, call: Call, attempt: int) -> httpx.Response:
        try:
            response = self._http().request(
                call.method,
                self._api_url + call.path,
                params=call.params,
                json=call.body,
                auth=_Metered(self._auth, self, call, attempt),
            )
        except httpx.TransportError as exc:
            raise self._transport_failure(call, exc, attempt) from None
        if response.is_success:
            return response
        raise self._status_failure(call, response)

    def _before_send(self, call: Call) -> float:
        self._pacer.acquire()
        self._stats.record_send(call.method, call.template)
        return self._clock()

    def _after_reply(self, call: Call, attempt: int, response: httpx.Response, started: float) -> None:
        self._stats.record_status(response.status_code)
        self._pacer.observe(response.headers)
        log.debug(
            "%s %s -> %d (attempt %d, %.0f ms)",
            call.method,
            call.path,
            response.status_code,
            attempt,
            (self._clock() - started) * 1000,
        )

    def _status_failure(self, call: Call, response: httpx.Response) -> GenesysApiError:
        error = error_from_response(response, method=call.method, path=call.path)
        if isinstance(error, RateLimitedError):
            self._pacer.pause(error.retry_after)
        if not call.retry_safe and error.status in _AMBIGUOUS_STATUSES:
            return OutcomeUnknownError(
                f"{call.method} {call.template} got {error.status} from a gateway; it may have been applied. "
                "Look for the entity before creating it again",
                **error.details(),
            )
        level = logging.DEBUG if error.status == 404 else logging.INFO  # find_* expects 404s
        log.log(level, "%s %s -> %s %s", call.method, call.path, error.status, error.code or "")
        return error

    def _transport_failure(self, call: Call, exc: httpx.TransportError, attempt: int) -> GenesysApiError:
        self._stats.add("network_errors")
        kind = type(exc).__name__
        log.info("%s %s failed: %s (attempt %d)", call.method, call.path, kind, attempt)
        if isinstance(exc, httpx.UnsupportedProtocol):
            return ConfigurationError(
                f"cannot call {self._api_url}: {exc}; check genesys:apiUrl / genesys:region",
                method=call.method,
                path=call.path,
            )
        if call.retry_safe or isinstance(exc, _NOT_SENT):
            return NetworkError(f"{kind}: {exc}", method=call.method, path=call.path)
        return OutcomeUnknownError(
            f"{call.method} {call.template} failed after the request may have been sent ({kind}: {exc}); "
            "it may have been applied. Look for the entity before creating it again",
            method=call.method,
            path=call.path,
        )


class _Metered(httpx.Auth):
    """Wraps the bearer flow for one call, so that every request it sends (a 401's repeat too) is paced,
    counted and logged like any other."""

    def __init__(self, inner: httpx.Auth, transport: Transport, call: Call, attempt: int) -> None:
        self._inner = inner
        self._transport = transport
        self._call = call
        self._attempt = attempt

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        flow = self._inner.sync_auth_flow(request)
        outgoing = next(flow)
        while True:
            started = self._transport._before_send(self._call)
            response = yield outgoing
            self._transport._after_reply(self._call, self._attempt, response, started)
            try:
                outgoing = flow.send(response)
            except StopIteration:
                return
