"""What a stack leaves in its state, from `pulumi stack export`: bytes per resource and per trunk.

Sizes are of compact JSON (``separators=(",", ":")``), as a measure independent of the backend's
indentation. ``__provider`` (the pickled dynamic provider, stored by the SDK as a secret object in both
``inputs`` and ``outputs``) is measured as the JSON of that secret object, i.e. what the state holds.
"""

from __future__ import annotations

import json
from collections import defaultdict
from typing import Any

PROVIDER_KEY = "__provider"
DYNAMIC_PREFIX = "pulumi-python:dynamic/"


def json_bytes(value: Any) -> int:
    return len(json.dumps(value, separators=(",", ":"), sort_keys=True).encode())


def short_type(type_token: str) -> str:
    """``pulumi-python:dynamic/genesys:Edge`` -> ``Edge``; ``pulumi:pulumi:Stack`` -> ``Stack``."""
    return type_token.rsplit(":", 1)[-1]


def state_summary(export: dict[str, Any], trunks: int) -> dict[str, Any]:
    """Bytes of the whole deployment, per trunk, and per resource type (mean of each type's resources)."""
    deployment = export.get("deployment") or {}
    resources = deployment.get("resources") or []
    by_type: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for res in resources:
        by_type[res["type"]].append(res)

    types: dict[str, dict[str, Any]] = {}
    for type_token, items in sorted(by_type.items()):
        entry = [json_bytes(r) for r in items]
        outputs = [json_bytes(r.get("outputs") or {}) for r in items]
        provider_out = [
            json_bytes((r.get("outputs") or {})[PROVIDER_KEY])
            for r in items
            if PROVIDER_KEY in (r.get("outputs") or {})
        ]
        provider_in = [
            json_bytes((r.get("inputs") or {})[PROVIDER_KEY]) for r in items if PROVIDER_KEY in (r.get("inputs") or {})
        ]
        types[short_type(type_token)] = {
            "type": type_token,
            "count": len(items),
            "mean_bytes": round(sum(entry) / len(items)),
            "max_bytes": max(entry),
            "mean_output_bytes": round(sum(outputs) / len(items)),
            "provider_bytes": max(provider_out) if provider_out else None,
            "provider_bytes_in_inputs": max(provider_in) if provider_in else None,
        }
    dynamic = [r for r in resources if r["type"].startswith(DYNAMIC_PREFIX)]
    total = json_bytes(deployment)
    return {
        "deployment_bytes": total,
        "resources": len(resources),
        "dynamic_resources": len(dynamic),
        "dynamic_per_trunk": round(len(dynamic) / trunks, 2) if trunks else None,
        "bytes_per_trunk": round(total / trunks) if trunks else None,
        "bytes_per_dynamic_resource": round(sum(json_bytes(r) for r in dynamic) / len(dynamic)) if dynamic else None,
        "max_provider_bytes": max((t["provider_bytes"] or 0 for t in types.values()), default=0) or None,
        "types": types,
    }


def provider_plaintext_bytes(export_with_secrets: dict[str, Any]) -> dict[str, int]:
    """Bytes of the decrypted ``__provider`` value per resource type (from `stack export --show-secrets`)."""
    out: dict[str, int] = {}
    for res in (export_with_secrets.get("deployment") or {}).get("resources") or []:
        value = (res.get("outputs") or {}).get(PROVIDER_KEY)
        if value is None:
            continue
        if isinstance(value, dict) and "plaintext" in value:
            value = value["plaintext"]
        size = len(value.encode()) if isinstance(value, str) else json_bytes(value)
        out[short_type(res["type"])] = max(out.get(short_type(res["type"]), 0), size)
    return out
