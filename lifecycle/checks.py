"""Turning pydantic validation errors into Pulumi check failures that name the field."""

from __future__ import annotations

from typing import Any

import pydantic
from pulumi.dynamic import CheckFailure
from pydantic_core import ErrorDetails

from .values import field_path


def failure_reason(error: ErrorDetails, *, show_input: bool = True) -> str:
    """'codecs[1]: Input should be 'G711u', ... (got 'G722')'."""
    path = field_path(error["loc"])
    message = error["msg"].removeprefix("Value error, ")
    if error["type"] == "missing":
        return f"{path}: required, but not set"
    if error["type"] == "extra_forbidden":
        return f"{path}: unknown property; remove it"
    got = error.get("input")
    if (
        error["type"]
        in {
            "literal_error",
            "enum",
            "string_too_short",
            "string_too_long",
            "greater_than_equal",
            "less_than_equal",
            "int_parsing",
            "bool_parsing",
            "string_type",
            "int_type",
            "list_type",
            "dict_type",
        }
        and show_input
        and _short(got)
    ):
        message += f" (got {got!r})"
    return f"{path}: {message}" if path else message


def _short(value: Any) -> bool:
    return not isinstance(value, dict | list) and len(repr(value)) <= 80


def validation_failures(
    exc: pydantic.ValidationError,
    *,
    unknown_keys: frozenset[str] = frozenset(),
    secret_keys: frozenset[str] = frozenset(),
) -> list[CheckFailure]:
    """One CheckFailure per bad field. Errors about values that are unknown during preview are
    dropped (they are checked again when known); a secret's value is never echoed."""
    failures = []
    for error in exc.errors(include_url=False):
        loc = error["loc"]
        top = str(loc[0]) if loc else ""
        if error["type"] == "missing" and field_path(loc) in unknown_keys:
            continue
        failures.append(CheckFailure(top, failure_reason(error, show_input=top not in secret_keys)))
    return failures
