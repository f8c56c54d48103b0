"""What every route needs: the services, the caller (with a scope check) and a JSON body."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from typing import Any

from starlette.requests import Request

from ..auth import Principal
from ..errors import ApiError, FieldError, bad_request
from ..gateway import PRINCIPAL_KEY
from ..services import Services


def services(request: Request) -> Services:
    return request.app.state.services


def require_scope(*scopes: str) -> Callable[[Request], Awaitable[Principal]]:
    """A dependency that yields the caller, or answers 403 when its token has none of ``scopes``."""
    wanted = ", ".join(scopes)

    async def dependency(request: Request) -> Principal:
        principal: Principal | None = request.scope.get(PRINCIPAL_KEY)
        if principal is None:
            raise ApiError(401, "authentication.required", "No authentication bearer token specified.")
        if principal.scopes.isdisjoint(scopes):
            raise ApiError(
                403,
                "missing.any.permissions",
                f"Missing the required OAuth scope {' or '.join(scopes)}: this request requires a token with one "
                f"of the scopes [{wanted}]; client {principal.client_id} has [{', '.join(sorted(principal.scopes))}]",
            )
        return principal

    return dependency


async def read_json(request: Request) -> Any:
    """The request body as JSON; 400 (naming ``body``) when it is empty or not JSON."""
    raw = await request.body()
    if not raw.strip():
        raise bad_request([FieldError("body", "is required (a JSON object)", "required")])
    try:
        return json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        raise bad_request([FieldError("body", "is not valid JSON", "invalid.json")]) from None
