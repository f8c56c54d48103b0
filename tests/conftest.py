"""Plugins every test run loads (the controller's too, under pytest-xdist), and the order its workers start in."""

import os
import sys
from pathlib import Path

import pytest

pytest_plugins = ["tests.support.report"]

# The official SDK (the tests' oracle of the real API's shapes) watches its config folder from the moment it is
# imported, and where ~/.genesyscloudpython does not exist it watches the whole home folder, recursively: 3.5 s
# more CPU for each test process that imports it, and a watcher woken by every file written under home. Its empty
# config folder keeps the watch to itself.
(Path.home() / ".genesyscloudpython").mkdir(exist_ok=True)

# The tests start the pulumi CLI, a Go program, about 900 times, mostly for runs of a second or two. Go's collector
# at its default pace spends a third of the CLI's start-up (0.18 -> 0.13 s of CPU without it); bounded by memory
# instead, it collects only in a run that grows past that bound.
os.environ.setdefault("GOGC", "off")
os.environ.setdefault("GOMEMLIMIT", "1GiB")

# A test run's Python processes (workers, emulators, the doctor and the exporter) share the bytecode the first of
# them writes, even where the environment says not to write it: otherwise each compiles every module it imports.
os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
sys.dont_write_bytecode = False

#: Tests that spend most of their time waiting on a clock (the CLI retrying a state server that is gone, a rate
#: limit's window), not on the CPU.
WAITING = (
    "test_the_s3_server_killed_during_an_up_fails_it_clearly_and_nothing_is_lost",
    "test_429_storm_at_20_requests_per_minute",
)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Under pytest-xdist, which hands each worker a contiguous share of the collection to start with, each
    waiting test goes to the start of a different share: they then overlap the other workers' CPU-bound tests
    instead of running alone at the end of the run."""
    workers = getattr(config, "workerinput", {}).get("workercount")
    if not workers:
        return
    waiting = [item for item in items if getattr(item, "originalname", "") in WAITING]
    ordered = [item for item in items if item not in waiting]
    starts, left = [], len(items)
    for share in range(workers):  # the shares as xdist's work-stealing scheduler cuts them
        starts.append(len(items) - left)
        left -= left // (workers - share)
    for n, item in enumerate(waiting):
        ordered.insert(starts[n % workers] + n // workers, item)
    items[:] = ordered
