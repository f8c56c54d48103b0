"""Genesys error bodies: one shape for every 4xx/5xx under /api/v2, so a client parses errors one way."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from starlette.responses import JSONResponse


@dataclass(frozen=True)
class FieldError:
    """One bad field of a request body; ``field`` is a path such as ``codecs[1]`` or ``registration.port``."""

    field: str
    message: str
    code: str = "invalid.value"

    def entry(self) -> dict[str, Any]:
        """The ``errors[]`` entry: its message names the field first, as the contract asks."""
        return {"message": f"{self.field}: {self.message}", "code": self.code, "fieldName": self.field}


@dataclass(eq=False)
class ApiError(Exception):
    """Raised anywhere below a route; turned into the Genesys error body by :func:`error_response`."""

    status: int
    code: str
    message: str
    errors: list[FieldError] = field(default_factory=list)
    headers: dict[str, str] = field(default_factory=dict)

    def __str__(self) -> str:
        return f"{self.status} {self.code}: {self.message}"


def error_body(status: int, code: str, message: str, errors: list[FieldError] | None = None) -> dict[str, Any]:
    """The body every error carries; ``contextId`` is fresh so a log line can be matched to a reply."""
    return {
        "message": message,
        "code": code,
        "status": status,
        "contextId": str(uuid.uuid4()),
        "details": [],
        "errors": [e.entry() for e in errors or []],
    }


# a route module sets ``request.state.<ERROR_SHAPE>`` to render its errors in its dialect's shape
ERROR_SHAPE = "error_shape"
ErrorShape = Callable[[int, str, str, list[FieldError] | None], dict[str, Any]]


def platform_error_body(status: int, code: str, message: str, errors: list[FieldError] | None = None) -> dict[str, Any]:
    """The Platform API's ``ErrorBody``: each bad field as a ``Detail`` (``fieldName``, ``errorCode``) and
    as a nested ``ErrorBody`` carrying its message."""
    body = error_body(status, code, message)
    body["errors"] = [{"message": e.entry()["message"], "code": e.code, "status": status} for e in errors or []]
    body["details"] = [{"errorCode": e.code, "fieldName": e.field} for e in errors or []]
    return body


def error_response(exc: ApiError, shape: ErrorShape = error_body) -> JSONResponse:
    """Render an :class:`ApiError` as a JSON reply, in the error shape of the dialect that raised it."""
    return JSONResponse(
        shape(exc.status, exc.code, exc.message, exc.errors), status_code=exc.status, headers=exc.headers
    )


def bad_request(errors: list[FieldError]) -> ApiError:
    """A 400 whose top-level message joins the per-field messages."""
    return ApiError(400, "bad.request", "; ".join(e.entry()["message"] for e in errors), list(errors))


def not_found(kind: str, ident: str) -> ApiError:
    """A 404 for an entity that does not exist (or was deleted)."""
    return ApiError(404, "not.found", f"{kind} {ident} not found")


STALE_VERSION = "The version number of the modified resource must match the version number in the database"


def version_mismatch(message: str = STALE_VERSION) -> ApiError:
    """A 409 for a PUT whose version is not the stored one (real Genesys wording)."""
    return ApiError(409, "version.mismatch", message)
