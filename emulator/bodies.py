"""Request bodies read through pydantic models, their problems turned into field errors named by path
(``codecs[1]``, ``trunkMetabase.id``) for the Genesys error body."""

from __future__ import annotations

from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from .errors import FieldError, bad_request

M = TypeVar("M", bound=BaseModel)

_CODES = {"missing": "required", "extra_forbidden": "unknown.field"}


def field_path(loc: tuple[int | str, ...]) -> str:
    """``("codecs", 1)`` -> ``codecs[1]``; ``("registration", "port")`` -> ``registration.port``."""
    path = ""
    for part in loc:
        path += f"[{part}]" if isinstance(part, int) else (f".{part}" if path else str(part))
    return path or "body"


def _code(error: ErrorDetails) -> str:
    kind = error["type"]
    if kind in _CODES:
        return _CODES[kind]
    return "invalid.type" if kind.endswith("_type") or kind.endswith("_parsing") else "invalid.value"


def field_errors(exc: ValidationError) -> list[FieldError]:
    """One field error per pydantic error; the input value is never echoed (it may be a secret)."""
    return [FieldError(field_path(tuple(e["loc"])), e["msg"], _code(e)) for e in exc.errors(include_input=False)]


def read_body(model: type[M], body: Any) -> M:
    """``body`` as a ``model``; a 400 naming every bad field otherwise."""
    if not isinstance(body, dict):
        raise bad_request([FieldError("body", "must be a JSON object", "invalid.type")])
    try:
        return model.model_validate(body)
    except ValidationError as exc:
        raise bad_request(field_errors(exc)) from None
