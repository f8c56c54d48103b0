"""The pulumi engine itself, end to end: CLI, language host and a dynamic provider, offline."""

from __future__ import annotations

from pathlib import Path

import pytest

from devtools.pulumi_cli import PulumiProject, change_summary, inline_stack

pytestmark = pytest.mark.e2e
PROJECT = Path(__file__).with_name("engine_project")


@pytest.fixture
def project(tmp_path: Path) -> PulumiProject:
    return PulumiProject.copied(PROJECT, tmp_path)


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


def test_automation_api_inline_program(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.syspath_prepend(str(PROJECT))
    from counter_provider import Counter

    def program() -> None:
        import pulumi

        pulumi.export("label", Counter("counter", label="inline").label)

    # The provider process unpickles CounterProvider by reference: it must import it.
    stack = inline_stack(tmp_path, "engine-check-inline", program, PROJECT)
    result = stack.up()
    assert result.summary.resource_changes == {"create": 2}
    assert result.outputs["label"].value == "inline"
    assert stack.preview().change_summary == {"same": 2}
    stack.destroy()
