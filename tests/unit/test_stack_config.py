"""The stack's config read outside a Pulumi run: which CLI reads it, and what its JSON means."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import pytest

from inspection.stack import config_values, pulumi_cli


def fake_cli(folder: Path) -> Path:
    folder.mkdir(parents=True)
    cli = folder / "pulumi"
    cli.write_text("#!/bin/sh\n")
    cli.chmod(cli.stat().st_mode | stat.S_IXUSR)
    return cli


def test_the_built_cli_is_chosen_before_another_on_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    built, other = fake_cli(tmp_path / "tools"), fake_cli(tmp_path / "elsewhere")
    monkeypatch.setenv("PULUMI_TOOLS_DIR", str(built.parent))
    monkeypatch.setenv("PATH", str(other.parent))
    assert pulumi_cli() == str(built)


def test_without_a_built_cli_the_one_on_path_is_used(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    other = fake_cli(tmp_path / "elsewhere")
    monkeypatch.setenv("PULUMI_TOOLS_DIR", str(tmp_path / "empty"))
    monkeypatch.setenv("PATH", str(other.parent))
    assert pulumi_cli() == str(other)


def test_no_cli_anywhere_is_none(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("PULUMI_TOOLS_DIR", str(tmp_path / "empty"))
    monkeypatch.setenv("PATH", str(tmp_path / "nothing"))
    assert pulumi_cli() is None


def test_config_values_unwraps_plain_structured_and_secret_entries():
    printed = json.dumps(
        {
            "genesys:apiUrl": {"value": "http://127.0.0.1:8787", "secret": False},
            "genesys:clientSecret": {"value": "s3cr3t", "secret": True},
            "genesys-trunks:trunks": {"value": "[...]", "objectValue": [{"name": "a"}], "secret": False},
        }
    )
    assert config_values(printed) == {
        "genesys:apiUrl": "http://127.0.0.1:8787",
        "genesys:clientSecret": "s3cr3t",
        "genesys-trunks:trunks": [{"name": "a"}],
    }
    assert config_values("") == {}
