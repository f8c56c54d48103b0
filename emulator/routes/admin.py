"""The emulator's own API under /_emulator: health, request log, faults, settings, tokens, deliveries.

No authentication, but only loopback callers are served (403 otherwise), even with --allow-remote.
"""

from __future__ import annotations

import os
from typing import Any

from fastapi import APIRouter, Depends
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from ..errors import ApiError, FieldError, bad_request
from ..faults import FaultConfig
from ..services import Services
from ..settings import is_loopback_host
from .common import read_json, services


async def loopback_only(request: Request) -> None:
    host = request.client.host if request.client else ""
    if host and host != "testclient" and not is_loopback_host(host):
        raise ApiError(403, "forbidden", "The emulator admin API only answers loopback callers")


router = APIRouter(prefix="/_emulator", dependencies=[Depends(loopback_only)])


def _problems(exc: ValueError) -> ApiError:
    """A 400 from a ValueError whose first argument lists (field, message) pairs."""
    pairs = exc.args[0] if exc.args and isinstance(exc.args[0], list) else [("body", str(exc))]
    return bad_request([FieldError(field, message) for field, message in pairs])


@router.get("/health")
async def health() -> dict[str, str | int]:
    """Up, and which process answers (a test that started an emulator checks it answers, not another one)."""
    return {"status": "ok", "pid": os.getpid()}


@router.get("/requests")
async def list_requests(request: Request) -> dict[str, Any]:
    return {"requests": services(request).request_log.entries()}


@router.delete("/requests")
async def clear_requests(request: Request) -> Response:
    services(request).request_log.clear()
    return Response(status_code=204)


@router.get("/faults")
async def get_faults(request: Request) -> dict[str, Any]:
    """The faults, and how many writes they hold right now."""
    faults = services(request).faults
    return {**faults.config.to_dict(), "heldWrites": faults.held}


@router.put("/faults")
async def put_faults(request: Request) -> dict[str, Any]:
    body = await read_json(request)
    try:
        config = FaultConfig.parse(body)
    except ValueError as exc:
        raise _problems(exc) from None
    return services(request).faults.configure(config).to_dict()


@router.delete("/faults")
async def clear_faults(request: Request) -> dict[str, Any]:
    return services(request).faults.configure(FaultConfig()).to_dict()


@router.get("/settings")
async def get_settings(request: Request) -> dict[str, Any]:
    return services(request).runtime.to_dict()


@router.put("/settings")
async def put_settings(request: Request) -> dict[str, Any]:
    body = await read_json(request)
    if not isinstance(body, dict):
        raise bad_request([FieldError("body", "must be a JSON object", "invalid.type")])
    svc: Services = services(request)
    try:
        changed = svc.runtime.update(body)
    except ValueError as exc:
        raise _problems(exc) from None
    # a new limit starts fresh windows, so a test can lower or raise it without waiting a minute
    if "rateLimitPerMinute" in changed:
        svc.limiter.reset()
    if "tokenRateLimitPerMinute" in changed:
        svc.token_limiter.reset()
    if "registrationDelaySeconds" in changed:
        svc.registrations.wake()
    return svc.runtime.to_dict()


@router.post("/tokens/expire")
async def expire_tokens(request: Request) -> dict[str, int]:
    return {"expired": await run_in_threadpool(services(request).tokens.expire_all)}


@router.get("/deliveries")
async def list_deliveries(request: Request) -> dict[str, Any]:
    webhook_id = request.query_params.get("webhookId")
    return {"deliveries": await run_in_threadpool(services(request).deliveries.list, webhook_id)}


@router.post("/ratelimit/reset")
async def reset_rate_limits(request: Request) -> Response:
    svc = services(request)
    svc.limiter.reset()
    svc.token_limiter.reset()
    return Response(status_code=204)
