"""Drives the real pulumi CLI the way a user types it, for end-to-end tests and benchmarks."""

from __future__ import annotations

import atexit
import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from inspection.stack import pulumi_cli

TOOLS_DIR = Path(os.environ.get("PULUMI_TOOLS_DIR", Path.home() / ".pulumi" / "bin"))
DEV_PASSPHRASE = "genesys-trunks-dev"
#: Operations at once, as the Makefile sets PULUMI_PARALLEL.
PARALLEL = "64"


def pulumi_binary() -> str:
    """The CLI `make` bootstrapped; a clear failure when it is missing."""
    found = pulumi_cli()
    if not found:
        raise RuntimeError("no pulumi CLI: run `make toolchain` (scripts/bootstrap-pulumi.sh) first")
    return found


def cli_root(under: Path) -> Path:
    """A folder whose `bin/pulumi` is the bootstrapped CLI: where the Automation API's
    `PulumiCommand(root=...)` looks, whatever folder PULUMI_TOOLS_DIR names."""
    (under / "bin").mkdir(parents=True, exist_ok=True)
    link = under / "bin" / "pulumi"
    if not link.exists():
        link.symlink_to(pulumi_binary())
    return under


def base_env(backend_dir: Path, passphrase: str = DEV_PASSPHRASE) -> dict[str, str]:
    """An offline pulumi environment: file backend, passphrase secrets, this interpreter."""
    env = dict(os.environ)
    env.update(
        PATH=f"{TOOLS_DIR}{os.pathsep}{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}",
        PULUMI_BACKEND_URL=f"file://{backend_dir}",
        PULUMI_CONFIG_PASSPHRASE=passphrase,
        PULUMI_PYTHON_CMD=sys.executable,
        PULUMI_SKIP_UPDATE_CHECK="true",
        PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION="true",
        PULUMI_AUTOMATION_API_SKIP_VERSION_CHECK="true",
        PULUMI_HOME=str(backend_dir / ".pulumi-home"),
        NO_COLOR="1",
    )
    env.pop("PULUMI_ACCESS_TOKEN", None)
    env.setdefault("PULUMI_PARALLEL", PARALLEL)
    return env


def inline_stack(root: Path, project_name: str, program: Callable[[], None], import_path: Path) -> Any:
    """An Automation API stack whose inline program runs in this process, with the bootstrapped CLI and
    an offline backend under ``root``; the provider process imports dynamic providers from ``import_path``."""
    from pulumi import automation as auto

    (root / "state").mkdir(parents=True)
    (root / "inline").mkdir()
    return auto.create_or_select_stack(
        stack_name="inline",
        project_name=project_name,
        program=program,
        opts=auto.LocalWorkspaceOptions(
            work_dir=str(root / "inline"),
            env_vars={**base_env(root / "state"), "PYTHONPATH": str(import_path)},
            pulumi_command=auto.PulumiCommand(root=str(cli_root(root / "cli"))),
            secrets_provider="passphrase",
        ),
    )


class PulumiError(AssertionError):
    """A pulumi command that failed, with its whole output for the test report."""


@dataclass
class PulumiProject:
    """One project directory and one stack, run through the CLI."""

    workdir: Path
    stack: str
    backend_dir: Path
    extra_env: dict[str, str] = field(default_factory=dict)

    @property
    def env(self) -> dict[str, str]:
        return {**base_env(self.backend_dir), **self.extra_env}

    def run(self, *args: str, check: bool = True, timeout: float = 600) -> subprocess.CompletedProcess:
        cmd = [pulumi_binary(), *args, "--non-interactive"]
        proc = subprocess.run(cmd, cwd=self.workdir, env=self.env, capture_output=True, text=True, timeout=timeout)
        if check and proc.returncode != 0:
            raise PulumiError(
                f"`pulumi {' '.join(args)}` exited {proc.returncode}\n"
                f"--- stdout ---\n{proc.stdout}\n--- stderr ---\n{proc.stderr}"
            )
        return proc

    @classmethod
    def copied(cls, source: Path, root: Path, stack: str = "check") -> PulumiProject:
        """A throwaway copy of the program in ``source``, with a fresh stack on its own backend."""
        workdir = root / source.name
        shutil.copytree(source, workdir)
        project = cls(workdir=workdir, stack=stack, backend_dir=root / "state")
        project.init()
        return project

    def init(self) -> None:
        """Select the stack, made first where it does not exist (on a fresh file backend, without asking)."""
        self.backend_dir.mkdir(parents=True, exist_ok=True)
        fresh = "PULUMI_BACKEND_URL" not in self.extra_env and not (self.backend_dir / ".pulumi").exists()
        if fresh and not self.stack_file.exists():
            self._init_from_template()
        elif fresh or self.run("stack", "select", self.stack, check=False).returncode != 0:
            self.run("stack", "init", self.stack, "--secrets-provider", "passphrase")

    @property
    def project_name(self) -> str:
        for line in (self.workdir / "Pulumi.yaml").read_text().splitlines():
            if line.startswith("name:"):
                return line.split(":", 1)[1].strip()
        raise ValueError(f"{self.workdir / 'Pulumi.yaml'} names no project")

    @property
    def stack_file(self) -> Path:
        return self.workdir / f"Pulumi.{self.stack}.yaml"

    def _init_from_template(self) -> None:
        """`pulumi stack init` on a fresh file backend, run once per process for each project, stack name and
        passphrase, and its files copied for the next: the CLI's start and the passphrase's key derivation are
        0.3 s of CPU that the tests after the first are not about. The copies share the first one's salt."""
        key = (self.project_name, self.stack, self.env["PULUMI_CONFIG_PASSPHRASE"])
        template = _TEMPLATES.get(key)
        if template is None:
            self.run("stack", "init", self.stack, "--secrets-provider", "passphrase")
            template = Path(tempfile.mkdtemp(prefix="stack-template-"))
            atexit.register(shutil.rmtree, template, True)
            shutil.copytree(self.backend_dir / ".pulumi", template / ".pulumi")
            shutil.copy2(self.stack_file, template / "stack.yaml")
            _TEMPLATES[key] = template
            return
        shutil.copytree(template / ".pulumi", self.backend_dir / ".pulumi")
        shutil.copy2(template / "stack.yaml", self.stack_file)

    def config_set(self, key: str, value: str, *, secret: bool = False, path: bool = False) -> None:
        flags = [*(["--secret"] if secret else []), *(["--path"] if path else [])]
        self.run("config", "set", key, value, *flags, "--stack", self.stack)

    def up(self, *extra: str, check: bool = True) -> subprocess.CompletedProcess:
        return self.run("up", "--yes", "--skip-preview", "--stack", self.stack, *extra, check=check)

    def preview(self, *extra: str, check: bool = True) -> subprocess.CompletedProcess:
        return self.run("preview", "--stack", self.stack, *extra, check=check)

    def preview_json(self, check: bool = True) -> dict:
        """Change counts of a preview, by operation ('same', 'update', 'create', ...)."""
        proc = self.preview("--json", check=check)
        return json.loads(proc.stdout) if proc.stdout.strip() else {}

    def refresh(self, *extra: str, check: bool = True) -> subprocess.CompletedProcess:
        return self.run("refresh", "--yes", "--skip-preview", "--stack", self.stack, *extra, check=check)

    def destroy(self, *extra: str, check: bool = True) -> subprocess.CompletedProcess:
        return self.run("destroy", "--yes", "--skip-preview", "--stack", self.stack, *extra, check=check)

    def outputs(self, show_secrets: bool = False) -> dict:
        args = ["stack", "output", "--json", "--stack", self.stack]
        if show_secrets:
            args.append("--show-secrets")
        return json.loads(self.run(*args).stdout or "{}")

    def export(self) -> dict:
        return json.loads(self.run("stack", "export", "--stack", self.stack).stdout)

    def resources(self, type_suffix: str = "") -> list[dict]:
        deployment = self.export().get("deployment", {})
        return [r for r in deployment.get("resources") or [] if r["type"].endswith(type_suffix)]


#: Made stacks by (project, stack, passphrase): a folder with the backend's `.pulumi` and the stack file.
_TEMPLATES: dict[tuple[str, str, str], Path] = {}


def change_summary(preview: dict) -> dict[str, int]:
    """`pulumi preview --json`'s changeSummary, e.g. {'same': 2, 'update': 1}."""
    return dict(preview.get("changeSummary") or {})
