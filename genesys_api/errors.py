"""Typed errors of the Genesys API client.

Every error carries what a human needs to act (status, Genesys message, code, contextId for support) and
nothing that could leak: no request headers, no bodies, no token, no secret. Errors hold plain strings only,
never an httpx Request/Response (those carry the Authorization header).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import httpx
import pydantic
from pydantic import BaseModel, ConfigDict, Field
from pydantic.alias_generators import to_camel


@dataclass(frozen=True)
class FieldError:
    """One entry of a Genesys error body's ``errors`` list (a 400 has one per bad field)."""

    message: str
    code: str | None = None
    field_name: str | None = None


class GenesysApiError(Exception):
    """Base of every error this client raises."""

    def __init__(
        self,
        message: str,
        *,
        status: int | None = None,
        code: str | None = None,
        context_id: str | None = None,
        method: str | None = None,
        path: str | None = None,
        errors: list[FieldError] | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.status = status
        self.code = code
        self.context_id = context_id
        self.method = method
        self.path = path
        self.errors: list[FieldError] = list(errors or [])
        self.retries_exhausted = False

    def details(self) -> dict[str, Any]:
        """This error's keyword arguments, to raise another error about the same reply."""
        return {
            "status": self.status,
            "code": self.code,
            "context_id": self.context_id,
            "method": self.method,
            "path": self.path,
            "errors": list(self.errors),
        }

    def __str__(self) -> str:
        head = " ".join(str(p) for p in (self.status, self.code) if p is not None)
        text = f"{head}: {self.message}" if head else self.message
        where = f"{self.method} {self.path}" if self.method and self.path else ""
        extra = ", ".join(p for p in (where, f"contextId={self.context_id}" if self.context_id else "") if p)
        return f"{text} ({extra})" if extra else text

    def __repr__(self) -> str:
        return f"{type(self).__name__}({str(self)!r})"

    def __reduce__(self) -> tuple[Any, ...]:
        # Keyword-only constructor: teach pickle (gRPC/Pulumi may copy errors across boundaries).
        return (_rebuild, (type(self), self.message, dict(self.__dict__)))


def _rebuild(cls: type[GenesysApiError], message: str, state: dict[str, Any]) -> GenesysApiError:
    err = cls.__new__(cls)
    Exception.__init__(err, message)
    err.__dict__.update(state)
    return err


class ConfigurationError(GenesysApiError):
    """Missing or invalid client settings (names the setting and the accepted values)."""


class ValidationError(GenesysApiError):
    """400: the request was rejected; ``errors`` lists each bad field."""


class UnauthorizedError(GenesysApiError):
    """401: bad credentials, or a token the API would not accept even after one re-fetch."""


class ForbiddenError(GenesysApiError):
    """403: the OAuth client lacks a scope/permission (the message names it)."""


class NotFoundError(GenesysApiError):
    """404: the entity does not exist (or was deleted)."""


class ConflictError(GenesysApiError):
    """409: e.g. a duplicate edge registration in the same edge group."""


class VersionConflictError(ConflictError):
    """The PUT carried a stale version (a 409, or a 400 saying so): GET and try again."""


class RateLimitedError(GenesysApiError):
    """429 after the retry budget ran out; ``retry_after`` is the server's hint in seconds."""

    def __init__(self, message: str, *, retry_after: float | None = None, **kw: Any) -> None:
        super().__init__(message, **kw)
        self.retry_after = retry_after


class ServerError(GenesysApiError):
    """5xx from the API."""


class NetworkError(GenesysApiError):
    """The API could not be reached or the connection broke; the call was safe to retry but kept failing."""


class OutcomeUnknownError(GenesysApiError):
    """A non-idempotent call (a create) may or may not have taken effect.

    Raised instead of retrying blindly: the request may have reached the server (connection dropped or timed
    out after sending, or a 502/504 from a gateway). Look for the entity before creating it again.
    """


class ErrorDetail(BaseModel):
    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True, extra="ignore")

    error_code: str | None = None
    field_name: str | None = None
    entity_id: str | None = None
    entity_name: str | None = None


class ErrorBody(BaseModel):
    """The body of an error reply: the Platform API's ``ErrorBody`` (the seed's is a subset; its ``errors``
    entries carry a ``fieldName``), or an OAuth error's ``error``/``description``."""

    model_config = ConfigDict(
        alias_generator=to_camel, populate_by_name=True, extra="ignore", coerce_numbers_to_str=True
    )

    message: str | None = None
    code: str | None = None
    status: int | None = None
    entity_id: str | None = None
    entity_name: str | None = None
    message_with_params: str | None = None
    message_params: dict[str, Any] | None = None
    context_id: str | None = None
    details: list[ErrorDetail] = Field(default_factory=list)
    errors: list[dict[str, Any]] = Field(default_factory=list)
    error: str | None = None
    description: str | None = None

    @classmethod
    def of(cls, response: httpx.Response) -> ErrorBody:
        """The reply's error body; an empty one when the reply is not a JSON object of this shape."""
        try:
            data = response.json()
        except ValueError:
            return cls()
        if not isinstance(data, dict):
            return cls()
        try:
            return cls.model_validate({k: v for k, v in data.items() if v is not None})
        except pydantic.ValidationError:
            return cls()


#: The Platform API's words for a stale ``version`` on a PUT: a 409 "The version number of the modified
#: resource must match the version number in the database.", and some 400s "... does not match the current
#: version" (which the CX-as-Code provider retries like a 409).
_VERSION_MISMATCH_409 = "must match the version number"
_VERSION_MISMATCH_400 = "does not match the current version"


def is_version_mismatch(status: int, code: str | None, message: str) -> bool:
    text = message.lower()
    if status == 409:
        return code == "version.mismatch" or _VERSION_MISMATCH_409 in text
    return status == 400 and _VERSION_MISMATCH_400 in text


_BY_STATUS: dict[int, type[GenesysApiError]] = {
    400: ValidationError,
    401: UnauthorizedError,
    403: ForbiddenError,
    404: NotFoundError,
    409: ConflictError,
    429: RateLimitedError,
}


def parse_retry_after(value: str | None) -> float | None:
    """Seconds from a Retry-After header (delta-seconds form; HTTP dates are not used by Genesys)."""
    if not value:
        return None
    try:
        seconds = float(value.strip())
    except ValueError:
        return None
    return max(0.0, seconds)


def error_from_response(response: httpx.Response, *, method: str, path: str) -> GenesysApiError:
    """Map a non-2xx reply to its typed error, reading only the Genesys error body's public fields."""
    status = response.status_code
    body = ErrorBody.of(response)
    message = body.message or body.description or response.reason_phrase or "HTTP error"
    code = body.code or body.error
    field_errors = [
        FieldError(
            message=str(e.get("message", "")),
            code=e.get("code"),
            field_name=e.get("fieldName"),
        )
        for e in body.errors
        if isinstance(e, dict)
    ] + [
        FieldError(message=d.error_code or "invalid", code=d.error_code, field_name=d.field_name)
        for d in body.details
        if d.field_name
    ]
    kw: dict[str, Any] = {
        "status": status,
        "code": code,
        "context_id": body.context_id,
        "method": method,
        "path": path,
        "errors": field_errors,
    }
    if is_version_mismatch(status, code, message):
        return VersionConflictError(message, **kw)
    if status == 429:
        return RateLimitedError(str(message), retry_after=parse_retry_after(response.headers.get("Retry-After")), **kw)
    if status >= 500:
        return ServerError(str(message), **kw)
    cls = _BY_STATUS.get(status, GenesysApiError)
    return cls(str(message), **kw)
