"""The stack's config as `pulumi config --json --show-secrets` prints it, read outside a Pulumi run (by the
doctor and the exporter), where `pulumi.Config` is not available."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path
from typing import Any


def pulumi_cli() -> str | None:
    """The CLI `make toolchain` built (in ``PULUMI_TOOLS_DIR``, else ``~/.pulumi/bin``) before any other on
    PATH, so the stack is read by the pinned version that wrote it; None when there is none."""
    tools = os.environ.get("PULUMI_TOOLS_DIR") or str(Path.home() / ".pulumi" / "bin")
    return shutil.which("pulumi", path=f"{tools}{os.pathsep}{os.environ.get('PATH', '')}")


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
