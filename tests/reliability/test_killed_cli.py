"""A SIGKILLed pulumi CLI leaves no process behind, wherever the kill lands.

Each case kills the CLI (only it, as `kill -9 <pid>` or a cancelled CI job does) at one point of a run and
asserts that every process it started (language host, program runner, provider process) is gone within
KILL_GRACE_SECONDS; the reliability report gives the time each took. Under the Automation API the program
runs in the calling process, and the CLI it starts starts the provider process: both a killed CLI and a
killed calling program are covered. Recovery after such a kill is test_interrupted_up.py's subject.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from devtools.pulumi_cli import inline_stack
from devtools.trunks_project import trunk
from tests.support.waiting import wait_until

from .conftest import (
    KILL_GRACE_SECONDS,
    OutputReader,
    command_line,
    edge_count,
    kill_cli,
    kill_tree,
    process_tree,
    report_kill,
    role,
)

pytestmark = [pytest.mark.e2e, pytest.mark.reliability]

REPO = Path(__file__).resolve().parents[2]
PROBE_PROJECT = REPO / "tests" / "e2e" / "probe_project"
EVERY_ROLE = {"language host", "program runner", "provider process"}


def roles_running(cli_pid: int) -> set[str]:
    return {role(command_line(pid)) for pid in process_tree(cli_pid)}


def kill_when(scenario: Any, proc: Any, ready: Callable[[OutputReader], bool], point: str) -> None:
    """Wait for ``ready``, SIGKILL the CLI, and assert nothing it started outlives the grace period."""
    output = OutputReader(proc)
    try:
        assert wait_until(lambda: ready(output), 120), f"the run never got {point}:\n{''.join(output.lines)}"
        killed = kill_cli(proc.pid)
        report_kill(point, killed)
        assert killed.left == {}, f"left running {KILL_GRACE_SECONDS} s after the CLI was killed: {killed.left}"
        assert killed.gone_after, "the kill found no process of the run"
    finally:
        kill_tree(proc)
        scenario.project.record(output.text())


def test_killed_during_preview(scenario):
    emu = scenario.start()
    project = scenario.new_project([trunk(f"kp-{i}") for i in range(3)])
    emu.set_faults(latency_ms=3000)  # the Edge checks' catalogue reads are in flight at the kill
    proc = project.popen("preview", "--stack", project.stack)
    kill_when(scenario, proc, lambda _: roles_running(proc.pid) >= EVERY_ROLE, "during preview")


def test_killed_during_creates(scenario):
    emu = scenario.start(registration_delay=1.0)
    project = scenario.new_project([trunk(f"kc-{i}") for i in range(8)])
    emu.set_faults(latency_ms=300)
    proc = project.up_popen("--parallel", "2")
    kill_when(scenario, proc, lambda _: edge_count(emu) >= 2, "during creates")
    assert edge_count(emu) < 8


def test_killed_during_the_registration_wait(scenario):
    emu = scenario.start(registration_delay=60.0)
    project = scenario.new_project([trunk(f"kr-{i}") for i in range(3)])
    proc = project.up_popen()
    kill_when(
        scenario,
        proc,
        lambda out: edge_count(emu) == 3 and out.count(r"Registration kr-\d-registration creating") == 3,
        "during the registration wait",
    )


def test_killed_while_the_outputs_are_made(scenario):
    scenario.start()
    project = scenario.new_project([trunk(f"ko-{i}") for i in range(3)])
    proc = project.up_popen()
    # The last resource is done: the program is resolving and registering the stack's outputs.
    kill_when(
        scenario,
        proc,
        lambda out: out.count(r"Registration ko-\d-registration created") == 3,
        "while the outputs are made",
    )


def test_killed_under_the_automation_api(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The Automation API runs the program in the calling process and starts the CLI, which starts the
    provider process: that one must go with a killed CLI too."""
    monkeypatch.syspath_prepend(str(PROBE_PROJECT))
    from probe_provider import Probe

    def program() -> None:
        Probe("slow", fail="", seconds=120)

    stack = inline_stack(tmp_path, "probe-inline", program, PROBE_PROJECT)
    failures: list[BaseException] = []

    def up() -> None:
        try:
            stack.up()
        except BaseException as exc:  # noqa: BLE001 - the killed CLI fails the up; kept for the assertion
            failures.append(exc)

    runner = threading.Thread(target=up, daemon=True)
    runner.start()

    def cli_creating() -> int | None:
        """The CLI's `pulumi up` once its provider process runs (the probe's create takes minutes)."""
        for pid in process_tree(os.getpid()):
            line = command_line(pid)
            if line.startswith(str(tmp_path / "cli")) and " up " in line and "provider process" in roles_running(pid):
                return pid
        return None

    assert wait_until(lambda: cli_creating() is not None, 120), "the Automation API's up never started a provider"
    pid = cli_creating()
    assert pid is not None
    killed = kill_cli(pid)
    report_kill("under the Automation API", killed)
    runner.join(60)
    assert not runner.is_alive(), "the Automation API's up did not return after its CLI was killed"
    assert failures, "the up of a killed CLI cannot succeed"
    assert killed.left == {}, killed.left
    assert set(killed.gone_after) == {"provider process"}, killed.gone_after


#: A program using the Automation API, as a user's deployment script would: an inline stack whose create
#: takes minutes.
AUTOMATION_HOST = """
import sys
from pathlib import Path
from probe_provider import Probe
from devtools.pulumi_cli import inline_stack

stack = inline_stack(Path(sys.argv[1]), "probe-host", lambda: Probe("slow", fail="", seconds=120), Path(sys.argv[2]))
stack.up()
"""


def test_an_automation_api_program_killed(tmp_path: Path) -> None:
    """The program that uses the Automation API is SIGKILLed: the CLI it started loses the program (served
    from the killed process) and ends, and the provider process ends with the CLI."""
    script = tmp_path / "deploy.py"
    script.write_text(AUTOMATION_HOST)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(REPO), str(PROBE_PROJECT)])}
    host = subprocess.Popen([sys.executable, str(script), str(tmp_path / "run"), str(PROBE_PROJECT)], env=env)
    try:
        assert wait_until(lambda: "provider process" in roles_running(host.pid), 120), "the up never got going"
        killed = kill_cli(host.pid)
        report_kill("with the Automation API program", killed)
        assert killed.left == {}, killed.left
        assert {"pulumi", "provider process"} <= set(killed.gone_after), killed.gone_after
    finally:
        kill_tree(host)
