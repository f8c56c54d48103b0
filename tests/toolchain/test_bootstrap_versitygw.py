"""`scripts/bootstrap-versitygw.sh` into an empty folder: two runs at once (parallel test workers) make one build,
the other waits for it; a third finds it at once.

The build is real (the Go module proxy's versitygw source, compiled); on a machine whose `make test` built the
server once, the Go build cache makes it a link step of seconds.
"""

from __future__ import annotations

import os
import subprocess
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
BOOTSTRAP = REPO / "scripts" / "bootstrap-versitygw.sh"


def test_two_runs_into_an_empty_folder_build_once_and_a_third_finds_it(tmp_path: Path) -> None:
    tools = tmp_path / "tools"
    env = {**os.environ, "STATE_SERVER_TOOLS_DIR": str(tools)}
    env.pop("VERSITYGW_VERSION", None)
    started = time.monotonic()
    runs = [
        subprocess.Popen(["bash", str(BOOTSTRAP)], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for _ in range(2)
    ]
    results = [(run.wait(1800), *run.communicate()) for run in runs]
    print(f"bootstrap into an empty folder, two runs at once: {time.monotonic() - started:.0f} s")

    for status, stdout, stderr in results:
        assert status == 0, stderr
        assert stdout.strip() == str(tools / "versitygw")  # the path, alone on stdout
    said = [stderr for _, _, stderr in results]
    assert sum("building versitygw" in s for s in said) == 1, said
    assert sum("built by another run" in s for s in said) == 1, said
    version = subprocess.run([str(tools / "versitygw"), "--version"], capture_output=True, text=True, timeout=60)
    assert "v1.8.0" in version.stdout, version
    assert not list(tools.glob(".partial-*"))

    again = subprocess.run(["bash", str(BOOTSTRAP)], env=env, capture_output=True, text=True, timeout=60)
    assert again.returncode == 0 and "already built" in again.stderr, again.stderr
