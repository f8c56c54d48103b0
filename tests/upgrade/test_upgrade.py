"""Stacks deployed by the previous release keep working with this one.

``previous_release/`` holds what a user of that release has (written by ``release_state.py`` from its
checkout): each stack's file and state, the network stack one of them reads, and the org. This release
imports them, then previews, refreshes, previews and ups: no new resource, no replacement, no diff, no
write to the org, no traceback, in both dialects.
"""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest
import yaml

from devtools.pulumi_cli import PulumiProject, change_summary
from devtools.trunks_project import TrunksProject, copy_program
from emulator.testing import running_emulator
from tests.e2e.conftest import writes

pytestmark = pytest.mark.e2e

RELEASE = Path(__file__).with_name("previous_release")
STACKS = ["upgrade-seed", "upgrade-cloud"]


@pytest.fixture(scope="module")
def org(tmp_path_factory):
    """The previous release's org: its database loaded into a fresh emulator."""
    db = tmp_path_factory.mktemp("org") / "emulator.db"
    with sqlite3.connect(db) as conn:
        conn.executescript((RELEASE / "org.sql").read_text())
    with running_emulator(db, registration_delay=0.2, rate_limit=100_000) as emulator:
        yield emulator


@pytest.fixture(scope="module")
def backend(tmp_path_factory):
    """A backend holding the network stack the seed stack reads from, as the release left it."""
    root = tmp_path_factory.mktemp("release")
    network_dir = root / "network"
    network_dir.mkdir()
    (network_dir / "Pulumi.yaml").write_text("name: network\nruntime: python\n")
    shutil.copy2(RELEASE / "network.main.py", network_dir / "__main__.py")
    network = PulumiProject(workdir=network_dir, stack="net", backend_dir=root / "state")
    network.init()
    network.run("stack", "import", "--file", str(RELEASE / "network.state.json"), "--stack", "net")
    return root


def released_stack(stack: str, root: Path, emulator_url: str) -> TrunksProject:
    """This release's program with the previous release's stack file and state, pointed at ``emulator_url``."""
    workdir = root / stack / "genesys-trunks"
    copy_program(workdir)
    stack_file = yaml.safe_load((RELEASE / f"Pulumi.{stack}.yaml").read_text())
    released_url = stack_file["config"]["genesys:apiUrl"]
    stack_file["config"]["genesys:apiUrl"] = emulator_url
    (workdir / f"Pulumi.{stack}.yaml").write_text(yaml.safe_dump(stack_file, sort_keys=False))
    # The org answers where it did: the state's provider (which refresh and destroy use) has its URL too.
    state = workdir.parent / "state.json"
    state.write_text((RELEASE / f"{stack}.state.json").read_text().replace(released_url, emulator_url))
    project = TrunksProject(workdir=workdir, stack=stack, backend_dir=root / "state")
    project.init()
    project.run("stack", "import", "--file", str(state), "--stack", stack)
    return project


def _unchanged(summary: dict[str, int]) -> bool:
    return set(summary) == {"same"}


@pytest.mark.parametrize("stack", STACKS)
def test_a_stack_of_the_previous_release_upgrades_without_a_change(stack, org, backend):
    project = released_stack(stack, backend, org.url)
    before = {r["urn"]: r.get("id") for r in project.resources()}
    org.reset_requests()

    first = project.preview_json()
    assert _unchanged(change_summary(first)), first
    refreshed = project.refresh("--json")
    assert "Traceback" not in refreshed.stdout + refreshed.stderr
    again = project.preview_json()
    assert _unchanged(change_summary(again)), again
    up = project.up()
    assert "Traceback" not in up.stdout + up.stderr
    assert _unchanged(change_summary(project.preview_json()))

    assert writes(org.requests()) == []
    after = {r["urn"]: r.get("id") for r in project.resources()}
    assert after == before  # no new URN, nothing replaced
