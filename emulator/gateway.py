"""The /api/v2 front door, as a pure ASGI middleware: authentication, rate limit, faults.

Order per request: resolve the bearer token -> count it against the caller's window (429) -> reject
a bad token (401) -> apply faults (latency, dropped connection, 503, drop-after-write) -> the routes
(which check scopes, 403). Every reply that leaves here carries the ``inin-ratelimit-*`` headers.
"""

from __future__ import annotations

import asyncio
import json
import time
from typing import Any

from starlette.datastructures import Headers
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .auth import AuthFailure, Principal, TokenService
from .errors import error_body
from .faults import Faults, drop_connection
from .ratelimit import RateLimiter
from .requestlog import LOG_KEY

#: The longest a held write waits for the faults to change (a scenario that forgets to release it ends anyway).
HOLD_SECONDS = 120.0
API_PREFIX = "/api/v2"
PRINCIPAL_KEY = "emulator.principal"
ANONYMOUS = "anonymous"


def _raw_headers(headers: dict[str, str]) -> list[tuple[bytes, bytes]]:
    return [(k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in headers.items()]


async def send_error(send: Send, status: int, code: str, message: str, headers: dict[str, str]) -> None:
    """Send a Genesys error body straight from middleware."""
    body = json.dumps(error_body(status, code, message)).encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": _raw_headers({**headers, "content-type": "application/json", "content-length": str(len(body))}),
        }
    )
    await send({"type": "http.response.body", "body": body})


class ApiGateway:
    def __init__(self, app: ASGIApp, *, tokens: TokenService, limiter: RateLimiter, faults: Faults) -> None:
        self.app = app
        self.tokens = tokens
        self.limiter = limiter
        self.faults = faults

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "")
        if scope["type"] != "http" or not (path == API_PREFIX or path.startswith(API_PREFIX + "/")):
            await self.app(scope, receive, send)
            return
        entry: dict[str, Any] = scope.get(LOG_KEY) or {}

        principal: Principal | None = None
        failure: AuthFailure | None = None
        try:
            principal = self.tokens.authenticate(Headers(scope=scope).get("authorization"))
            entry["clientId"] = principal.client_id
        except AuthFailure as exc:
            failure = exc

        decision = self.limiter.hit(principal.client_id if principal else ANONYMOUS)
        limit_headers = decision.headers()
        if not decision.allowed:
            await send_error(
                send,
                429,
                "too.many.requests",
                f"Rate limit exceeded: {decision.limit} requests per minute; retry in {decision.reset_seconds} s",
                {**limit_headers, "retry-after": str(decision.reset_seconds)},
            )
            return
        if failure is not None:
            await send_error(send, 401, failure.code, failure.message, limit_headers)
            return
        scope[PRINCIPAL_KEY] = principal

        generation = self.faults.generation()
        plan = self.faults.plan(scope["method"], scope["path"])
        if plan.hold:
            entry["fault"] = "held"
            # The request was sent whole: it is served when the hold ends even if its client is gone by then,
            # as a real service serves a write whose caller was killed after sending it.
            receive = await _buffered(receive)
            self.faults.held += 1
            try:
                deadline = time.monotonic() + HOLD_SECONDS
                while self.faults.holding(generation) and time.monotonic() < deadline:
                    await asyncio.sleep(0.02)
            finally:
                self.faults.held -= 1
        if plan.latency_s > 0:
            await asyncio.sleep(plan.latency_s)
        if plan.drop:
            entry["fault"] = "drop"
            await drop_connection(scope)
            return
        if plan.error:
            entry["fault"] = "error"
            await send_error(
                send, 503, "service.unavailable", "Service temporarily unavailable (injected fault)", limit_headers
            )
            return

        extra = _raw_headers(limit_headers)

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message = {**message, "headers": [*message.get("headers", []), *extra]}
            await send(message)

        if not plan.drop_after_write:
            await self.app(scope, receive, send_with_headers)
            return

        applied: dict[str, int] = {}

        async def swallow(message: Message) -> None:
            if message["type"] == "http.response.start":
                applied["status"] = message["status"]

        await self.app(scope, receive, swallow)
        entry["fault"] = "dropAfterWrite"
        entry["appliedStatus"] = applied.get("status")
        await drop_connection(scope)


async def _buffered(receive: Receive) -> Receive:
    """The request's body read now, handed to the route later whatever became of the connection."""
    chunks = []
    while True:
        message = await receive()
        if message["type"] != "http.request":
            break
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            break
    body = b"".join(chunks)
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if sent:
            return {"type": "http.disconnect"}
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    return replay
