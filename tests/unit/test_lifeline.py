"""lifecycle/lifeline.py with real processes: a parent starts a child bound to it, the parent is SIGKILLed, and
the child must be gone within a second, by each of the module's ways (pidfd, parent-pid polling, PDEATHSIG)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from tests.support.processes import alive

REPO = Path(__file__).resolve().parents[2]

#: The parent: starts the child, prints its pid, then waits to be killed.
PARENT = textwrap.dedent(
    """
    import subprocess, sys, time
    child = subprocess.Popen([sys.executable, "-c", sys.argv[1]])
    print(child.pid, flush=True)
    time.sleep(600)
    """
)

CHILDREN = {
    # Polling so slow that only the pidfd can end the child within the test's second.
    "pidfd": "from lifecycle import lifeline\nlifeline.POLL_SECONDS = 60\nlifeline.exit_with_parent()\n",
    "polling the parent pid": (
        "from lifecycle import lifeline\nlifeline._pidfd = lambda pid: None\nlifeline.exit_with_parent()\n"
    ),
    "PR_SET_PDEATHSIG": (
        "import os\nfrom lifecycle import lifeline\nlifeline._kill_me_with_my_parent()\nassert os.getppid() != 1\n"
    ),
}


@pytest.mark.parametrize("way", list(CHILDREN))
def test_the_child_goes_with_its_parent(way: str) -> None:
    child_code = CHILDREN[way] + "import time\nprint('ready', flush=True)\ntime.sleep(600)\n"
    parent = subprocess.Popen([sys.executable, "-c", PARENT, child_code], cwd=REPO, stdout=subprocess.PIPE, text=True)
    assert parent.stdout is not None
    child = int(parent.stdout.readline())
    try:
        assert parent.stdout.readline().strip() == "ready"  # the child's line: it is bound by now
        parent.send_signal(signal.SIGKILL)
        parent.wait(10)
        killed = time.monotonic()
        while alive(child) and time.monotonic() - killed < 5:
            time.sleep(0.01)
        gone_after = time.monotonic() - killed
        assert not alive(child), f"the child outlived its parent by 5 s ({way})"
        assert gone_after < 1.0, gone_after
    finally:
        if alive(child):
            os.kill(child, signal.SIGKILL)


def test_a_second_watch_in_one_process_is_refused() -> None:
    code = (
        "from lifecycle import lifeline\n"
        "import importlib.util, sys\n"
        "spec = importlib.util.spec_from_file_location('lifeline', 'scripts/pulumi_plugins/lifeline.py')\n"
        "copy = importlib.util.module_from_spec(spec); spec.loader.exec_module(copy)\n"
        "print(lifeline.exit_with_parent(), copy.exit_with_parent(), lifeline.exit_with_parent())\n"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, timeout=30)
    assert out.stdout.split() == ["True", "False", "False"], out
