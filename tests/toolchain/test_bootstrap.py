"""`scripts/bootstrap-pulumi.sh` on a machine that never built the CLI: it must build it and exit 0.

The build is real (the Go module proxy's pulumi source, compiled); on a machine whose `make toolchain` built
the CLI once, the Go build cache makes it a link step of about a minute, not the first build's many minutes.
"""

from __future__ import annotations

import os
import re
import subprocess
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
BOOTSTRAP = REPO / "scripts" / "bootstrap-pulumi.sh"


def pinned_version() -> str:
    """The pulumi version requirements.txt pins: the one source of the CLI's version too."""
    match = re.search(r"^pulumi==([0-9.]+)\s*$", (REPO / "requirements.txt").read_text(), re.MULTILINE)
    assert match, "requirements.txt pins no pulumi version"
    return match.group(1)


def path_without_pulumi() -> str:
    """PATH less every folder holding a `pulumi`, so the bootstrap cannot take a CLI already installed."""
    folders = os.environ.get("PATH", "").split(os.pathsep)
    return os.pathsep.join(f for f in folders if f and not (Path(f) / "pulumi").exists())


def test_bootstrap_builds_the_pinned_cli_into_an_empty_tools_dir(tmp_path: Path) -> None:
    tools = tmp_path / "tools"
    env = {**os.environ, "PULUMI_TOOLS_DIR": str(tools), "PATH": path_without_pulumi()}
    env.pop("PULUMI_VERSION", None)
    started = time.monotonic()
    run = subprocess.run(["bash", str(BOOTSTRAP)], env=env, capture_output=True, text=True, timeout=850)
    elapsed = time.monotonic() - started
    print(f"bootstrap into an empty tools dir: {elapsed:.0f} s")

    assert run.returncode == 0, f"exit status {run.returncode}\n{run.stderr}"
    want = f"v{pinned_version()}"
    assert f"building pulumi {want}" in run.stderr, run.stderr  # it built, it did not take a CLI found elsewhere
    version = subprocess.run([str(tools / "pulumi"), "version"], capture_output=True, text=True, timeout=60)
    assert version.stdout.strip() == want, version
    for plugin in ("pulumi-language-python", "pulumi-resource-pulumi-python"):
        assert os.access(tools / plugin, os.X_OK), plugin

    again = subprocess.run(["bash", str(BOOTSTRAP)], env=env, capture_output=True, text=True, timeout=120)
    assert again.returncode == 0, again.stderr
    assert f"pulumi {want} already built in {tools}" in again.stderr, again.stderr
