"""What every Platform API route shares: its error body shape, and the scopes its reads and writes take.

Reads take ``telephony`` or ``telephony:readonly``, writes ``telephony``; audit queries ``audits`` or
``audits:readonly``; the notification topics ``notifications``.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends
from starlette.requests import Request

from ..auth import AUDITS, AUDITS_READONLY, NOTIFICATIONS, TELEPHONY, TELEPHONY_READONLY, Principal
from ..errors import ERROR_SHAPE, FieldError, bad_request, platform_error_body
from .common import require_scope


async def platform_errors(request: Request) -> None:
    setattr(request.state, ERROR_SHAPE, platform_error_body)


def router() -> APIRouter:
    """A router of the Platform API: its errors in the Platform API's body shape."""
    return APIRouter(dependencies=[Depends(platform_errors)])


read_scope = require_scope(TELEPHONY, TELEPHONY_READONLY)
write_scope = require_scope(TELEPHONY)
Reader = Annotated[Principal, Depends(read_scope)]
Writer = Annotated[Principal, Depends(write_scope)]
Auditor = Annotated[Principal, Depends(require_scope(AUDITS, AUDITS_READONLY))]
Subscriber = Annotated[Principal, Depends(require_scope(NOTIFICATIONS))]


def descending(request: Request) -> bool:
    order = (request.query_params.get("sortOrder") or "ascending").lower()
    if order not in ("ascending", "descending", "asc", "desc"):
        raise bad_request([FieldError("sortOrder", f"must be ascending or descending, got {order[:40]!r}")])
    return order.startswith("desc")


def expanded(request: Request) -> set[str]:
    """Every value of ``expand`` (repeated, or comma-separated)."""
    return {part.strip() for value in request.query_params.getlist("expand") for part in value.split(",")}
