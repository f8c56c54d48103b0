"""A SIGKILLed pulumi CLI leaves no policy pack running: the pack the language host started (`RunPlugin`) goes
with the host, as the program runner does (test_killed_cli.py covers the other processes of a run)."""

from __future__ import annotations

import pytest

from devtools.trunks_project import REPO, trunk

from .test_killed_cli import EVERY_ROLE, kill_when, roles_running

pytestmark = [pytest.mark.e2e, pytest.mark.reliability]


def test_killed_during_a_preview_with_the_policy_pack(scenario):
    emu = scenario.start()
    project = scenario.new_project([trunk(f"kpp-{i}") for i in range(3)])
    emu.set_faults(latency_ms=3000)  # the Edge checks' catalogue reads are in flight at the kill
    proc = project.popen("preview", "--stack", project.stack, "--policy-pack", str(REPO / "policy"))
    kill_when(
        scenario,
        proc,
        lambda _: roles_running(proc.pid) >= {*EVERY_ROLE, "policy pack"},
        "during a preview with the policy pack",
    )
