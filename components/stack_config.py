"""The stack's config as `pulumi config --json --show-secrets` prints it, read outside a Pulumi run (by the
doctor and the exporter), where `pulumi.Config` is not available."""

from __future__ import annotations

import json
from typing import Any


def config_values(printed: str) -> dict[str, Any]:
    """Every key (``genesys:clientId``, ``genesys-trunks:trunks``...) with its value: a structured one as its
    object, a plain one as its string. ``json.JSONDecodeError`` when the CLI printed something else."""
    entries = json.loads(printed or "{}")
    return {key: _value(entry) for key, entry in entries.items()}


def _value(entry: Any) -> Any:
    if not isinstance(entry, dict):
        return entry
    if "objectValue" in entry:
        return entry["objectValue"]
    return entry.get("value")
