"""Request bodies read through pydantic models, their problems turned into field errors named by path
(``codecs[1]``, ``trunkMetabase.id``) for the Genesys error body.

A validator raises :func:`problem` to give its own message and code; pydantic's own errors for a missing
field, an unknown field or a non-object get the house wording; any other keeps pydantic's message.
"""

from __future__ import annotations

from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError
from pydantic.fields import FieldInfo
from pydantic_core import PydanticCustomError

from .errors import FieldError, bad_request

M = TypeVar("M", bound=BaseModel)


def json_type(value: Any) -> str:
    """The JSON name of a value's type, for "must be X, got Y" (never the value: it may be a secret)."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    return "object"


def problem(message: str, code: str = "invalid.value", at: str = "") -> PydanticCustomError:
    """A validation error with its own message and code; ``at`` extends its path (``[1]``, ``.password``)."""
    return PydanticCustomError(code, "{message}", {"message": message, "at": at})


def problems(found: list[tuple[str, str, str]]) -> PydanticCustomError:
    """Several errors of one value at once, as (path extension, message, code): e.g. each duplicate item."""
    message = "; ".join(f"{at}: {text}" for at, text, _ in found)
    return PydanticCustomError("many", "{message}", {"message": message, "at": "", "many": found})


def required_hint(hint: str) -> dict[str, Any]:
    """``json_schema_extra`` for a required field whose "is required" message says more."""
    return {"required": hint}


def field_path(loc: tuple[int | str, ...]) -> str:
    """``("codecs", 1)`` -> ``codecs[1]``; ``("registration", "port")`` -> ``registration.port``."""
    path = ""
    for part in loc:
        path += f"[{part}]" if isinstance(part, int) else (f".{part}" if path else str(part))
    return path


def _fields(model: type[BaseModel]) -> dict[str, FieldInfo]:
    """A model's fields by their wire name."""
    return {f.alias or name: f for name, f in model.model_fields.items()}


def _model_at(model: type[BaseModel], loc: tuple[int | str, ...]) -> type[BaseModel] | None:
    """The model of the object at ``loc`` (None where the path leaves the models)."""
    for part in loc:
        field = _fields(model).get(str(part))
        inner = field.annotation if field is not None else None
        if not (isinstance(inner, type) and issubclass(inner, BaseModel)):
            return None
        model = inner
    return model


def field_errors(exc: ValidationError, model: type[BaseModel]) -> list[FieldError]:
    """One field error per pydantic error of ``model``."""
    errors = []
    for error in exc.errors():
        loc = tuple(part for part in error["loc"] if part != "[key]")
        path, ctx, kind = field_path(loc), error.get("ctx") or {}, error["type"]
        holder = _model_at(model, loc[:-1])
        if "many" in ctx:
            errors += [FieldError((path + at).lstrip("."), text, code) for at, text, code in ctx["many"]]
        elif "message" in ctx:
            errors.append(FieldError((path + ctx["at"]).lstrip("."), ctx["message"], kind))
        elif kind == "missing":
            field = _fields(holder).get(str(loc[-1])) if holder is not None else None
            extra = field.json_schema_extra if field is not None else None
            hint = extra.get("required") if isinstance(extra, dict) else None
            errors.append(FieldError(path, str(hint or "is required"), "required"))
        elif kind == "extra_forbidden":
            allowed = ", ".join(k for k in _fields(holder) if k != "version") if holder is not None else ""
            errors.append(FieldError(path, f"unknown field; allowed: {allowed}", "unknown.field"))
        elif kind in ("model_type", "model_attributes_type", "dict_type"):
            errors.append(FieldError(path, f"must be an object, got {json_type(error['input'])}", "invalid.type"))
        else:
            errors.append(FieldError(path, error["msg"], "invalid.type" if kind.endswith("_type") else "invalid.value"))
    return errors


def parse_body(model: type[M], body: Any, context: dict[str, Any] | None = None) -> tuple[M | None, list[FieldError]]:
    """``body`` as a ``model``, or the field errors that say why not."""
    if not isinstance(body, dict):
        return None, [FieldError("body", "must be a JSON object", "invalid.type")]
    try:
        return model.model_validate(body, context=context), []
    except ValidationError as exc:
        return None, field_errors(exc, model)


def read_body(model: type[M], body: Any) -> M:
    """``body`` as a ``model``; a 400 naming every bad field otherwise."""
    parsed, errors = parse_body(model, body)
    if parsed is None:
        raise bad_request(errors)
    return parsed
