"""The policy pack on a machine that has never run it: a fresh clone (no policy/.venv), an empty tools folder
(no language host yet), and `make preview POLICY=1`, then a stack that names the pack in its config.

The pulumi CLI itself comes from PATH, as scripts/bootstrap-pulumi.sh allows (test_bootstrap.py builds it);
everything else the pack needs, `make` installs: the language host that runs packs into the tools folder, and
the pack's own virtualenv from PyPI.
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from devtools.trunks_project import REPO
from emulator.testing import free_port
from inspection.stack import pulumi_cli

#: `[mandatory]  rule-id  (type: resource-name)` as `pulumi preview --diff` lists a policy violation.
VIOLATION = re.compile(r"\[(mandatory|advisory)\]\s+(\S+)\s+\((\S+): ([^)\s]+)\)")


def path_with_only(cli: Path, under: Path) -> str:
    """PATH with a folder holding only the built CLI, and no other folder that holds a `pulumi` or its plugins."""
    folder = under / "cli"
    folder.mkdir()
    (folder / "pulumi").symlink_to(cli)
    rest = [
        f
        for f in os.environ.get("PATH", "").split(os.pathsep)
        if f and not (Path(f) / "pulumi").exists() and not (Path(f) / "pulumi-language-python").exists()
    ]
    return os.pathsep.join([str(folder), *rest])


def test_make_preview_runs_the_pack_on_a_machine_that_never_ran_it(tmp_path: Path) -> None:
    built = pulumi_cli()
    if built is None:
        pytest.fail("no pulumi CLI: run `make toolchain`")
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "--quiet", str(REPO), str(clone)], check=True)
    (clone / ".venv").symlink_to(Path(sys.prefix))  # the program's virtualenv is not the subject here
    assert not (clone / "policy" / ".venv").exists()
    tools = tmp_path / "tools"
    tools.mkdir()
    stack_file = clone / "Pulumi.dev-cloud.yaml"
    port = free_port()
    stack_file.write_text(stack_file.read_text().replace("http://127.0.0.1:8787", f"http://127.0.0.1:{port}"))
    env = {k: v for k, v in os.environ.items() if not k.startswith("PULUMI_")}
    env.update(STACK="dev-cloud", PULUMI_TOOLS_DIR=str(tools), PATH=path_with_only(Path(built).resolve(), tmp_path))

    def make(*args: str) -> tuple[subprocess.CompletedProcess[str], float]:
        started = time.monotonic()
        proc = subprocess.run(
            ["make", "--no-print-directory", *args], cwd=clone, env=env, capture_output=True, text=True, timeout=900
        )
        return proc, time.monotonic() - started

    try:
        first, seconds = make("preview", "POLICY=1")
        said = first.stdout + first.stderr
        print(f"first make preview POLICY=1: {seconds:.0f} s")
        assert first.returncode == 0, said
        assert (tools / "pulumi-language-python").exists() and (tools / "pulumi_plugins" / "plugin_runs.py").exists()
        assert f"[policy-venv] creating {clone / 'policy' / '.venv'}" in said
        assert "policy pack: " in said and "(POLICY=1)" in said
        assert "genesys-trunks@v0.1.0" in first.stdout
        found = sorted((level, rule) for level, rule, _t, _n in VIOLATION.findall(first.stdout))
        assert found == [("advisory", "digest-credentials-over-tls")], first.stdout

        # The stack names the pack and raises the rule to mandatory: a plain `make preview` now stops on it.
        (clone / "levels.json").write_text(json.dumps({"digest-credentials-over-tls": "mandatory"}))
        with stack_file.open("a") as f:
            f.write("  genesys-trunks:policyPack: policy\n  genesys-trunks:policyPackConfig: levels.json\n")
        second, seconds = make("preview")
        print(f"make preview on a stack that names the pack: {seconds:.0f} s")
        assert second.returncode != 0, second.stdout
        assert "[policy-venv]" not in second.stdout + second.stderr  # made once
        assert "(genesys-trunks:policyPack in Pulumi.dev-cloud.yaml)" in second.stderr
        named = sorted((level, rule, n) for level, rule, _t, n in VIOLATION.findall(second.stdout))
        assert named == [("mandatory", "digest-credentials-over-tls", "carrier-b-hd-trunk-base")], second.stdout
    finally:
        pid_file = clone / ".emulator" / "emulator.pid"
        if pid_file.exists():
            os.kill(int(pid_file.read_text()), signal.SIGTERM)
