"""The pulumi engine itself, end to end: CLI, language host and a dynamic provider, offline."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest

from tests.support.pulumi_cli import PulumiProject, base_env, change_summary, cli_root

pytestmark = pytest.mark.e2e
PROJECT = Path(__file__).with_name("engine_project")


@pytest.fixture
def project(tmp_path: Path) -> PulumiProject:
    workdir = tmp_path / "engine-check"
    shutil.copytree(PROJECT, workdir)
    proj = PulumiProject(workdir=workdir, stack="check", backend_dir=tmp_path / "state")
    proj.init()
    return proj


def test_cli_lifecycle(project: PulumiProject) -> None:
    up = project.up()
    assert "+ 2 created" in up.stdout, up.stdout  # the stack and the counter
    assert "Traceback" not in up.stdout + up.stderr, up.stdout + up.stderr
    assert project.outputs() == {"label": "first", "writes": 1}

    again = project.up()
    assert "2 unchanged" in again.stdout, again.stdout
    assert project.outputs()["writes"] == 1  # nothing was written

    project.config_set("label", "second")
    summary = change_summary(project.preview_json())
    assert summary.get("update") == 1, summary
    assert not summary.get("create") and not summary.get("delete"), summary

    project.up()
    assert project.outputs() == {"label": "second", "writes": 2}

    provider_state = [r for r in project.resources(":Counter")][0]["outputs"]["__provider"]
    assert len(provider_state) < 1500, "the provider class must be pickled by reference"

    project.destroy()
    assert project.resources(":Counter") == []


def test_automation_api_inline_program(tmp_path: Path) -> None:
    from pulumi import automation as auto

    sys.path.insert(0, str(PROJECT))
    try:
        from counter_provider import Counter

        def program() -> None:
            import pulumi

            pulumi.export("label", Counter("counter", label="inline").label)

        (tmp_path / "state").mkdir()
        (tmp_path / "inline").mkdir()
        # The provider process unpickles CounterProvider by reference: it must import it.
        env = {**base_env(tmp_path / "state"), "PYTHONPATH": str(PROJECT)}
        stack = auto.create_or_select_stack(
            stack_name="inline",
            project_name="engine-check-inline",
            program=program,
            opts=auto.LocalWorkspaceOptions(
                work_dir=str(tmp_path / "inline"),
                env_vars=env,
                pulumi_command=auto.PulumiCommand(root=str(cli_root(tmp_path / "cli"))),
                secrets_provider="passphrase",
            ),
        )
        result = stack.up()
        assert result.summary.resource_changes == {"create": 2}
        assert result.outputs["label"].value == "inline"
        assert stack.preview().change_summary == {"same": 2}
        stack.destroy()
    finally:
        sys.path.remove(str(PROJECT))
