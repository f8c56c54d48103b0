"""Figures the suites tally (faults injected, inputs refused), printed once at the end of the run.

Under pytest-xdist each worker tallies its own tests: a worker hands its tally to the controller when it
finishes, and the controller prints the sum.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest

REPORT: Counter[str] = Counter()
_KEY = "genesys_trunks_report"


def pytest_sessionfinish(session: pytest.Session) -> None:
    workeroutput = getattr(session.config, "workeroutput", None)
    if workeroutput is not None:  # an xdist worker
        workeroutput[_KEY] = dict(REPORT)


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node: Any, error: Any) -> None:
    """The controller adds up what each worker tallied."""
    REPORT.update(getattr(node, "workeroutput", {}).get(_KEY, {}))


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if not REPORT:
        return
    terminalreporter.section("reliability report")
    for key in sorted(REPORT):
        terminalreporter.write_line(f"{key}: {REPORT[key]}")
