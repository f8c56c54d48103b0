"""The stack's config with its secrets, read through the pulumi CLI (which holds the decryption key)."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

from components.stack_config import config_values, pulumi_cli


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
