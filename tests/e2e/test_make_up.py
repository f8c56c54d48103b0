"""The README's main command on a fresh clone: `make up`, then preview, outputs and destroy."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from devtools.trunks_project import REPO
from emulator.testing import free_port

pytestmark = pytest.mark.e2e


def make(clone: Path, *targets: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        ["make", "--no-print-directory", *targets],
        cwd=clone,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )


#: Per stack: the resources of one trunk (seed: TrunkStack, edge, registration; cloud: TrunkStack, trunk base,
#: registration) and of the whole stack beside them (the stack; dev's one webhook; dev-cloud's two routes).
STACKS = [
    pytest.param("dev", 3, 1 + 1, id="dev-seed"),
    pytest.param("dev-cloud", 3, 1 + 2, id="dev-cloud"),
]


@pytest.mark.parametrize(("stack", "per_trunk", "others"), STACKS)
def test_make_up_on_a_fresh_clone(tmp_path: Path, stack: str, per_trunk: int, others: int):
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "--quiet", str(REPO), str(clone)], check=True)
    # The clone reuses this interpreter's virtualenv instead of installing its own:
    # .ci/run proves that install on a clean clone; this test proves what follows it.
    (clone / ".venv").symlink_to(Path(sys.prefix))
    # Its own emulator port, so a developer's emulator on 8787 is neither used nor disturbed.
    stack_file = clone / f"Pulumi.{stack}.yaml"
    port = free_port()
    stack_file.write_text(stack_file.read_text().replace("http://127.0.0.1:8787", f"http://127.0.0.1:{port}"))
    # A fresh environment, but for where this run's pulumi CLI and plugin scripts live.
    env = {k: v for k, v in os.environ.items() if not k.startswith("PULUMI_") or k == "PULUMI_TOOLS_DIR"}
    env["STACK"] = stack
    try:
        up = make(clone, "up", env=env)
        assert up.returncode == 0, up.stdout + up.stderr
        assert f"emulator: started at http://127.0.0.1:{port}" in up.stdout
        outputs = json.loads(up.stdout[up.stdout.rindex("\n{\n") :])
        config = yaml.safe_load(stack_file.read_text())["config"]
        configured = [t["name"] for t in config["genesys-trunks:trunks"]]
        assert sorted(outputs["trunks"]) == sorted(configured)
        assert all(t["registrationStatus"] == "registered" for t in outputs["trunks"].values())
        routes = [r["name"] for r in config.get("genesys-trunks:outboundRoutes", [])]
        assert sorted(outputs.get("outboundRoutes", {})) == sorted(routes)

        unchanged = others + per_trunk * len(configured)
        again = make(clone, "up", env=env)
        assert again.returncode == 0 and f"{unchanged} unchanged" in again.stdout, again.stdout + again.stderr
        preview = make(clone, "preview", env=env)
        assert preview.returncode == 0 and f"{unchanged} unchanged" in preview.stdout, preview.stdout

        destroy = make(clone, "destroy", env=env)
        assert destroy.returncode == 0, destroy.stdout + destroy.stderr
        assert "deleted" in destroy.stdout
    finally:
        pid_file = clone / ".emulator" / "emulator.pid"
        if pid_file.exists():
            os.kill(int(pid_file.read_text()), signal.SIGTERM)
