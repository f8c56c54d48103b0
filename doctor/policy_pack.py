"""Whether `make preview` and `make up` run the policy pack on the stack, and at which levels (no org read).

It asks the code `make` itself runs: `scripts/with_policy.py --explain` for the choice the stack's config
makes, and the pack's `genesys_policy.levels` (in the pack's virtualenv) for each rule's level on this stack
with its `--policy-pack-config`. It also checks that the CLI's Python language host can start a pack.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

from inspection.findings import Finding, Section, fail, info, ok, warn

PROJECT = Path(__file__).resolve().parent.parent
WITH_POLICY = PROJECT / "scripts" / "with_policy.py"
SUBJECT = "policy pack"
#: Stacks the pack treats as production (its rules.PRODUCTION_PREFIX): one should run the pack.
PRODUCTION_PREFIX = "prod"


def _json(command: list[str], cwd: Path) -> dict[str, Any]:
    proc = subprocess.run(command, cwd=cwd, capture_output=True, text=True, timeout=120)
    try:
        answer = json.loads(proc.stdout)
    except json.JSONDecodeError:
        detail = " ".join((proc.stderr or proc.stdout).split())[-300:]
        return {"error": f"`{' '.join(command[1:3])}` failed: {detail}"}
    return answer if isinstance(answer, dict) else {"error": f"unexpected answer {answer!r}"}


def check(stack: str, project: Path | None = None) -> list[Finding]:
    """The findings about the policy pack for ``stack`` (whose Pulumi.<stack>.yaml is in ``project``)."""
    project = project or Path.cwd()
    choice = _json(
        [sys.executable, str(WITH_POLICY), "--stack", stack, "--project", str(project), "--explain"], project
    )
    if "error" in choice:
        return [fail(Section.CONFIG, SUBJECT, choice["error"], f"fix that setting in Pulumi.{stack}.yaml")]
    if choice.get("pack") is None:
        said = warn if stack.casefold().startswith(PRODUCTION_PREFIX) else info
        return [
            said(
                Section.CONFIG,
                SUBJECT,
                f"none runs on `make preview` or `make up` of this stack ({choice.get('source')})",
                f"set `genesys-trunks:policyPack: policy` in Pulumi.{stack}.yaml "
                "(`make preview POLICY=1` runs it once)",
            )
        ]
    return [_levels(stack, choice), *_language_host()]


def _levels(stack: str, choice: dict[str, Any]) -> Finding:
    pack = Path(choice["pack"])
    python = pack / ".venv" / "bin" / "python"
    runs = f"runs on `make preview` and `make up` ({choice['source']}): {pack}" + (
        f" with {choice['config']}" if choice.get("config") else ""
    )
    if not python.exists():
        return info(Section.CONFIG, SUBJECT, f"{runs}; its virtualenv is not made yet", "`make policy-venv` makes it")
    command = [str(python), "-m", "genesys_policy.levels", "--stack", stack]
    if choice.get("config"):
        command += ["--config", choice["config"]]
    answer = _json(command, pack)
    if "error" in answer:
        return fail(Section.CONFIG, SUBJECT, f"{runs}: {answer['error']}", "fix the pack's config file")
    levels = ", ".join(f"{r['id']} {r['level']}" for r in answer.get("rules", []))
    return ok(Section.CONFIG, SUBJECT, f"{runs}; {levels}")


def _language_host() -> list[Finding]:
    """The project's language host starts a pack only from the version that has `plugin_runs.py` beside it."""
    tools = os.environ.get("PULUMI_TOOLS_DIR") or str(Path.home() / ".pulumi" / "bin")
    host = shutil.which("pulumi-language-python", path=f"{tools}{os.pathsep}{os.environ.get('PATH', '')}")
    if host is None:
        return [fail(Section.CONFIG, SUBJECT, "no pulumi-language-python to start it", "run `make toolchain`")]
    launcher = Path(host)
    if "pulumi_plugins/language_host.py" not in launcher.read_text(errors="replace"):
        return []  # another host (the official one runs packs too)
    if not (launcher.parent / "pulumi_plugins" / "plugin_runs.py").exists():
        return [
            fail(
                Section.CONFIG,
                SUBJECT,
                f"the language host {launcher} predates policy packs: a preview with the pack would fail to start it",
                "run `make toolchain` (it installs the project's current language host)",
            )
        ]
    return []
