"""Trunk base properties: a write's ``{key: {value: {instance}}}`` checked against the metabase's template,
and the stored instances rendered back in the template's full shape.

Keys the template does not know are stored and returned as given, without a check: the real API does the
same, which is why a client must check keys against the template itself.
"""

from __future__ import annotations

import copy
import json
import re
from typing import Any

from ..bodies import json_type
from ..errors import FieldError
from .catalog import SECRET_KEYS, Metabase

MASK = "********"


def _show(value: Any) -> str:
    text = json.dumps(value)
    return text if len(text) <= 80 else text[:80] + "..."


def _check(schema: dict[str, Any], value: Any, path: str, errors: list[FieldError], secret: bool) -> None:
    """Type, enum, pattern, bounds and items of one value; a secret value is never echoed."""
    kind = schema.get("type", "string")
    shown = "the value" if secret else _show(value)
    if json_type(value) != kind and not (kind == "number" and json_type(value) == "integer"):
        errors.append(FieldError(path, f"must be of type {kind}, got {json_type(value)}", "invalid.type"))
        return
    if "enum" in schema and value not in schema["enum"]:
        allowed = ", ".join(str(v) for v in schema["enum"])
        errors.append(FieldError(path, f"{shown} is not allowed; allowed: {allowed}"))
    if "pattern" in schema and isinstance(value, str) and not re.search(schema["pattern"], value):
        errors.append(FieldError(path, f"{shown} does not match the pattern {schema['pattern']}"))
    for bound, wrong in (("minimum", lambda v, b: v < b), ("maximum", lambda v, b: v > b)):
        if bound in schema and isinstance(value, int | float) and wrong(value, schema[bound]):
            errors.append(FieldError(path, f"must be from {schema.get('minimum')} to {schema.get('maximum')}"))
    if kind == "array":
        items = schema.get("items", {})
        for i, item in enumerate(value):
            _check(items, item, f"{path}[{i}]", errors, secret)
        if schema.get("uniqueItems"):
            seen: list[Any] = []
            for i, item in enumerate(value):
                if item in seen:
                    errors.append(FieldError(f"{path}[{i}]", f"{_show(item)} is listed more than once"))
                seen.append(item)


def parse(metabase: Metabase, given: dict[str, Any]) -> tuple[dict[str, Any], list[FieldError]]:
    """The instance values to store and the problems found. A write replaces the whole object, as a PUT of
    a full ``TrunkBase`` does: a key left out (or sent without an instance, as a GET returns a secret) takes
    the template's default, a secret too. Whether the real API keeps a stored password that a PUT leaves out
    is not known: the stricter case is modelled, so a client that forgets the password on an update loses it.

    A key the template marks ``required`` is not enforced: the CX-as-Code acceptance tests create BYOC trunk
    bases with no properties at all against real orgs, which fill in the defaults.
    """
    errors: list[FieldError] = []
    values = {key: copy.deepcopy(schema["value"]["default"]) for key, schema in metabase.template.items()}
    for key, prop in given.items():
        path = f"properties.{key}"
        if not isinstance(prop, dict) or not isinstance(prop.get("value", {}), dict):
            errors.append(FieldError(path, 'must be an object {"value": {"instance": ...}}', "invalid.type"))
            continue
        value = prop.get("value", {})
        if "instance" not in value or (value["instance"] is None and key in SECRET_KEYS):
            continue  # the default
        instance = value["instance"]
        schema = metabase.template.get(key)
        if schema is not None and instance is not None:
            _check(schema, instance, f"{path}.value.instance", errors, key in SECRET_KEYS)
        values[key] = instance
    return values, errors


def render(metabase: Metabase, values: dict[str, Any]) -> dict[str, Any]:
    """The read shape: every template key with its schema, default and instance; a secret's instance is
    left out (write-only); keys unknown to the template as they were stored."""
    out: dict[str, Any] = {}
    for key, instance in values.items():
        schema = metabase.template.get(key)
        if schema is None:
            out[key] = {"value": {"instance": instance}}
            continue
        prop = copy.deepcopy(schema)
        if key in SECRET_KEYS:
            del prop["value"]["instance"]
        else:
            prop["value"]["instance"] = copy.deepcopy(instance)
        out[key] = prop
    return out


def audit_values(key: str, value: Any) -> list[str]:
    """A value as an audit's ``oldValues``/``newValues`` strings; secrets masked."""
    if value is None or value == "" or value == []:
        return []
    if key in SECRET_KEYS:
        return [MASK]
    items = value if isinstance(value, list) else [value]
    return [item if isinstance(item, str) else json.dumps(item) for item in items]
