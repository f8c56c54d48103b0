"""Route of the notification topics the org offers (read-only)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse

from ..cloud import topics
from ..errors import FieldError, bad_request
from . import platform
from .platform import Subscriber

router = platform.router()


@router.get(topics.TOPICS_PATH)
async def list_available_topics(request: Request, _: Subscriber) -> JSONResponse:
    expand = platform.expanded(request)
    unknown = sorted(expand - topics.EXPANDABLE - {""})
    if unknown:
        allowed = ", ".join(sorted(topics.EXPANDABLE))
        raise bad_request([FieldError("expand", f"{unknown[0][:40]!r} cannot be expanded; allowed: {allowed}")])
    return JSONResponse(topics.listing(expand))
