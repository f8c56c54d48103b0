"""Small helpers for the property bags Pulumi hands to dynamic providers."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pulumi.output import Unknown
from pulumi.runtime import rpc

#: The key under which the SDK stores the pickled provider in every resource's state.
PROVIDER_KEY = "__provider"


def is_unknown(value: Any) -> bool:
    """True for a value that is not known yet (during preview)."""
    return isinstance(value, Unknown) or (isinstance(value, str) and value == rpc.UNKNOWN)


def contains_unknown(value: Any) -> bool:
    if is_unknown(value):
        return True
    if isinstance(value, dict):
        return any(contains_unknown(v) for v in value.values())
    if isinstance(value, list | tuple):
        return any(contains_unknown(v) for v in value)
    return False


def without_unknowns(value: Any) -> Any:
    """A copy with unknown values left out, so the known part can be validated."""
    if isinstance(value, dict):
        return {k: without_unknowns(v) for k, v in value.items() if not is_unknown(v)}
    if isinstance(value, list | tuple):
        return [without_unknowns(v) for v in value if not is_unknown(v)]
    return value


def user_inputs(props: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in props.items() if k != PROVIDER_KEY}


def iso_utc(value: datetime | None) -> str | None:
    """A timestamp as Genesys writes it: ISO-8601 with a Z."""
    return value.isoformat(timespec="milliseconds").replace("+00:00", "Z") if value is not None else None


def field_path(loc: tuple[Any, ...]) -> str:
    """pydantic's error location as a config-style path: ('codecs', 1) -> 'codecs[1]'."""
    path = ""
    for part in loc:
        if part == "[key]":
            continue  # pydantic's mark of an error about a mapping's key, which the path already ends with
        if isinstance(part, str) and not part.isprintable():
            path += f"[{part!r}]"
        elif isinstance(part, int):
            path += f"[{part}]"
        else:
            path += f".{part}" if path else str(part)
    return path


def unknown_paths(value: Any, prefix: tuple[Any, ...] = ()) -> frozenset[str]:
    """Config-style paths of every unknown value, e.g. {'registration.host'}."""
    if is_unknown(value):
        return frozenset({field_path(prefix)})
    found: set[str] = set()
    if isinstance(value, dict):
        for k, v in value.items():
            found |= unknown_paths(v, (*prefix, k))
    elif isinstance(value, list | tuple):
        for i, v in enumerate(value):
            found |= unknown_paths(v, (*prefix, i))
    return frozenset(found)


def known_version(outputs: dict[str, Any]) -> int | None:
    """The entity version the state last saw (numbers come back from the engine as floats)."""
    version = outputs.get("version")
    return int(version) if isinstance(version, int | float) and not isinstance(version, bool) else None
