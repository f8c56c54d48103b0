"""The stack on disk and through the pulumi CLI: its config (secrets decrypted), its file, its secrets."""

from __future__ import annotations

import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from .genesys import config_values, pulumi_cli


class StackError(RuntimeError):
    """The stack's config could not be read or written; the message says what to do."""


@dataclass(frozen=True)
class Stack:
    name: str
    project_dir: Path

    @property
    def file(self) -> Path:
        return self.project_dir / f"Pulumi.{self.name}.yaml"

    @property
    def namespace(self) -> str:
        """The project's config namespace (its name in Pulumi.yaml): `genesys-trunks`."""
        project_file = self.project_dir / "Pulumi.yaml"
        try:
            project = yaml.safe_load(project_file.read_text(encoding="utf-8")) or {}
        except OSError as exc:
            raise StackError(f"{project_file}: {exc.strerror}; run the export in the project's directory") from None
        return str(project.get("name") or "genesys-trunks")

    def config(self) -> Callable[[str], Any]:
        """The stack's config by key, secrets decrypted by the pulumi CLI. Without a CLI, the plain values of
        the stack file (an encrypted one then has to come from its `GENESYSCLOUD_*` variable)."""
        cli = pulumi_cli()
        if cli is None:
            values = self._plain_file_values()
        else:
            out = self._pulumi(cli, "config", "--json", "--show-secrets")
            values = config_values(out)
        return values.get

    def set_secret(self, path: str, value: str) -> None:
        """`pulumi config set --secret --path`, the value on stdin (never in a process listing)."""
        cli = pulumi_cli()
        if cli is None:
            raise StackError(
                f"no pulumi CLI in PULUMI_TOOLS_DIR or on PATH to store {path} encrypted: run `make toolchain`"
            )
        self._pulumi(cli, "config", "set", "--secret", "--path", path, stdin=value)

    def _pulumi(self, cli: str, *args: str, stdin: str | None = None) -> str:
        proc = subprocess.run(
            [cli, *args, "--stack", self.name, "--non-interactive"],
            cwd=self.project_dir,
            input=stdin,
            capture_output=True,
            text=True,
        )
        if proc.returncode != 0:
            said = (proc.stderr.strip() or proc.stdout.strip()).splitlines()
            raise StackError(
                f"`pulumi {args[0]} {args[1] if len(args) > 1 else ''}` on stack {self.name!r} failed: "
                f"{said[-1] if said else f'exit {proc.returncode}'}"
            )
        return proc.stdout

    def _plain_file_values(self) -> dict[str, Any]:
        try:
            doc = yaml.safe_load(self.file.read_text(encoding="utf-8")) or {}
        except FileNotFoundError:
            return {}
        config = doc.get("config") or {}
        return {k: v for k, v in config.items() if not (isinstance(v, dict) and "secure" in v)}
