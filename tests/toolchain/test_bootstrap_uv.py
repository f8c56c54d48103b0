"""`scripts/bootstrap-uv.sh` into an empty folder: two runs at once (parallel test workers) each install uv from
PyPI, one install is kept and both print its path; a third run finds it without installing.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
BOOTSTRAP = REPO / "scripts" / "bootstrap-uv.sh"


def test_two_runs_into_an_empty_folder_keep_one_uv_and_a_third_finds_it(tmp_path: Path) -> None:
    tools = tmp_path / "cache" / "uv"
    env = {**os.environ, "UV_TOOLS_DIR": str(tools)}
    env.pop("UV_VERSION", None)
    runs = [
        subprocess.Popen(["bash", str(BOOTSTRAP)], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for _ in range(2)
    ]
    results = [(run.wait(600), *run.communicate()) for run in runs]

    for status, stdout, stderr in results:
        assert status == 0, stderr
        assert stdout.strip() == str(tools / "bin" / "uv")  # the path, alone on stdout
        assert "installing uv 0.13.9" in stderr
    assert sorted(p.name for p in tools.parent.iterdir()) == ["uv"]  # the other install is gone
    version = subprocess.run([str(tools / "bin" / "uv"), "--version"], capture_output=True, text=True, timeout=60)
    assert version.stdout.startswith("uv 0.13.9"), version

    again = subprocess.run(["bash", str(BOOTSTRAP)], env=env, capture_output=True, text=True, timeout=60)
    assert again.returncode == 0 and again.stdout.strip() == str(tools / "bin" / "uv")
    assert again.stderr == ""  # nothing installed


def test_a_failed_install_says_what_it_needs_and_leaves_nothing(tmp_path: Path) -> None:
    tools = tmp_path / "cache" / "uv"
    env = {**os.environ, "UV_TOOLS_DIR": str(tools), "UV_VERSION": "0.0.0"}  # no such release
    run = subprocess.run(["bash", str(BOOTSTRAP)], env=env, capture_output=True, text=True, timeout=600)
    assert run.returncode != 0 and run.stdout == ""
    assert "pip could not install uv 0.0.0: it needs PyPI" in run.stderr
    assert not tools.exists() and list(tools.parent.iterdir()) == []
