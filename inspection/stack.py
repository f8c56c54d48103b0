"""The stack's config as `pulumi config --json --show-secrets` prints it, read outside a Pulumi run (by the
doctor and the exporter), where `pulumi.Config` is not available; the pulumi CLI holds the decryption key."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
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


class StackConfigError(Exception):
    """The stack's config could not be read; the message says what to do."""


def load(stack: str, cwd: Path | None = None) -> dict[str, Any]:
    """Every key of ``Pulumi.<stack>.yaml`` (``genesys:clientId``, ``genesys-trunks:trunks``...), decrypted."""
    cli = pulumi_cli()
    if cli is None:
        raise StackConfigError(
            "no pulumi CLI in PULUMI_TOOLS_DIR or on PATH: run `make toolchain`, or use `make doctor STACK=...`"
        )
    proc = subprocess.run(
        [cli, "config", "--json", "--show-secrets", "--stack", stack, "--non-interactive"],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
    )
    if proc.returncode != 0:
        detail = " ".join((proc.stderr or proc.stdout).split())[-400:]
        raise StackConfigError(
            f"`pulumi config --stack {stack}` failed: {detail}. Check the stack name, PULUMI_BACKEND_URL and "
            "PULUMI_CONFIG_PASSPHRASE (`make doctor STACK=...` sets them as `make up` does)"
        )
    try:
        return config_values(proc.stdout)
    except json.JSONDecodeError as exc:
        raise StackConfigError(f"`pulumi config --json` printed something else than JSON: {exc}") from None
