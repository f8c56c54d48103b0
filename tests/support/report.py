"""Figures the suites tally (faults injected, inputs refused), printed once at the end of the run.

Under pytest-xdist each worker tallies its own tests: a worker hands its tally to the controller when it
finishes, and the controller prints the sum.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from typing import Any

import pytest

#: Counts (summed over the workers) and measured seconds, by name; one not yet tallied is 0.
REPORT: defaultdict[str, float] = defaultdict(int)
_KEY = "genesys_trunks_report"


def tally(figures: Mapping[str, float]) -> None:
    """Adds ``figures`` to the report's."""
    for key, value in figures.items():
        REPORT[key] += value


def pytest_sessionfinish(session: pytest.Session) -> None:
    workeroutput = getattr(session.config, "workeroutput", None)
    if workeroutput is not None:  # an xdist worker
        workeroutput[_KEY] = dict(REPORT)


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node: Any, error: Any) -> None:
    """The controller adds up what each worker tallied."""
    tally(getattr(node, "workeroutput", {}).get(_KEY, {}))


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if not REPORT:
        return
    terminalreporter.section("reliability report")
    for key in sorted(REPORT):
        terminalreporter.write_line(f"{key}: {REPORT[key]}")
