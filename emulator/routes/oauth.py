"""``POST /oauth/token``: the client-credentials grant, with its own throttle (400, as Genesys does)."""

from __future__ import annotations

import base64
import binascii
from urllib.parse import parse_qs, unquote_plus

from fastapi import APIRouter
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse

from ..requestlog import LOG_KEY
from .common import services

router = APIRouter()

NO_STORE = {"Cache-Control": "no-store", "Pragma": "no-cache"}


def _oauth_error(status: int, error: str, description: str, headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse(
        {"error": error, "description": description, "error_description": description},
        status_code=status,
        headers={**NO_STORE, **(headers or {})},
    )


def _basic_credentials(header: str | None) -> tuple[str, str] | None:
    """(id, secret) from ``Authorization: Basic``; None when absent or malformed."""
    if not header:
        return None
    scheme, _, value = header.strip().partition(" ")
    if scheme.lower() != "basic":
        return None
    try:
        decoded = base64.b64decode(value.strip(), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        return None
    client_id, sep, secret = decoded.partition(":")
    return (client_id, secret) if sep else None


@router.post("/oauth/token")
async def issue_token(request: Request) -> JSONResponse:
    svc = services(request)
    raw = await request.body()
    form = {k: v[0] for k, v in parse_qs(raw.decode("utf-8", "replace"), keep_blank_values=True).items()}
    header = request.headers.get("authorization")
    credentials = _basic_credentials(header)
    if credentials is None and not header:
        client_id, secret = form.get("client_id"), form.get("client_secret")
        credentials = (client_id, secret) if client_id is not None and secret is not None else None
    presented_id = credentials[0] if credentials else form.get("client_id")
    entry = request.scope.get(LOG_KEY)
    if entry is not None:
        entry["clientId"] = presented_id

    decision = svc.token_limiter.hit(presented_id or "anonymous")
    if not decision.allowed:
        return _oauth_error(
            400,
            "invalid_request",
            f"Token request rate limit exceeded ({decision.limit} per minute); retry in {decision.reset_seconds} s",
            {"Retry-After": str(decision.reset_seconds)},
        )
    grant = form.get("grant_type")
    if grant != "client_credentials":
        return _oauth_error(
            400,
            "unsupported_grant_type",
            f"grant_type {'is required' if grant is None else 'is not supported'}; supported: client_credentials",
        )
    if credentials is None:
        return _oauth_error(
            401,
            "invalid_client",
            "Client authentication failed: send Authorization: Basic base64(id:secret) or client_id and "
            "client_secret form fields",
            {"WWW-Authenticate": 'Basic realm="emulator"'},
        )
    client = svc.clients.verify(*credentials)
    if client is None and header:
        # RFC 6749 2.3.1 form-encodes both parts before base64; most clients do not, so try both
        client = svc.clients.verify(unquote_plus(credentials[0]), unquote_plus(credentials[1]))
    if client is None:
        return _oauth_error(
            401,
            "invalid_client",
            "Client authentication failed: unknown client or wrong secret",
            {"WWW-Authenticate": 'Basic realm="emulator"'},
        )
    token, expires_in = await run_in_threadpool(svc.tokens.issue, client)
    return JSONResponse({"access_token": token, "token_type": "bearer", "expires_in": expires_in}, headers=NO_STORE)
