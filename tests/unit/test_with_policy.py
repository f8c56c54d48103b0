"""scripts/with_policy.py, which `make preview` and `make up` run pulumi through: the pack and config a stack
names reach the command line; a bad setting stops before pulumi runs, naming the key and the file."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import yaml

REPO = Path(__file__).resolve().parents[2]
SCRIPT = REPO / "scripts" / "with_policy.py"
PACK = REPO / "policy"


def stack(tmp_path: Path, name: str = "dev", **config: object) -> Path:
    (tmp_path / f"Pulumi.{name}.yaml").write_text(yaml.safe_dump({"config": {"genesys:apiUrl": "x", **config}}))
    return tmp_path


def run(project: Path, *args: str, name: str = "dev") -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(SCRIPT), "--stack", name, "--project", str(project), *args],
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_command_gets_the_pack_and_config_the_stack_names(tmp_path: Path) -> None:
    levels = tmp_path / "levels.json"
    levels.write_text(json.dumps({"digest-credentials-over-tls": "mandatory"}))
    project = stack(
        tmp_path, **{"genesys-trunks:policyPack": str(PACK), "genesys-trunks:policyPackConfig": "levels.json"}
    )
    proc = run(project, "--", "echo", "pulumi", "preview")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.split() == ["pulumi", "preview", "--policy-pack", str(PACK), "--policy-pack-config", str(levels)]
    assert f"policy pack: {PACK}, config {levels} (genesys-trunks:policyPack in Pulumi.dev.yaml)" in proc.stderr


def test_without_the_key_nothing_is_added_unless_policy_1(tmp_path: Path) -> None:
    project = stack(tmp_path)
    assert run(project, "--", "echo", "up").stdout.split() == ["up"]
    assert json.loads(run(project, "--explain").stdout) == {
        "pack": None,
        "config": None,
        "source": "Pulumi.dev.yaml sets no genesys-trunks:policyPack",
    }
    # POLICY=1 runs the project's own pack, policy/ beside the stack file; this project has none.
    explained = json.loads(run(project, "--always", "--explain").stdout)
    assert f"{project / 'policy'} is not a policy pack (no PulumiPolicy.yaml there)" in explained["error"]
    (project / "policy").symlink_to(PACK)
    assert json.loads(run(project, "--always", "--explain").stdout) == {
        "pack": str(project / "policy"),
        "config": None,
        "source": "POLICY=1",
    }


def test_bad_settings_stop_before_pulumi_runs(tmp_path: Path) -> None:
    cases = {
        "missing.json": "genesys-trunks:policyPackConfig in Pulumi.dev.yaml: {} does not exist",
        "broken.json": "is not a JSON file",
        "list.json": "must hold a JSON object of rule ids",
    }
    (tmp_path / "broken.json").write_text("{not json")
    (tmp_path / "list.json").write_text("[]")
    for file, said in cases.items():
        project = stack(tmp_path, **{"genesys-trunks:policyPack": str(PACK), "genesys-trunks:policyPackConfig": file})
        proc = run(project, "--", "echo", "ran")
        assert proc.returncode == 2, proc
        assert proc.stdout == ""  # the command did not run
        assert said.format(tmp_path / file) in proc.stderr, proc.stderr
    not_a_path: dict[str, Any] = {"genesys-trunks:policyPack": 42}
    project = stack(tmp_path, **not_a_path)
    proc = run(project, "--", "echo", "ran")
    assert proc.returncode == 2 and "genesys-trunks:policyPack in Pulumi.dev.yaml: must be a path" in proc.stderr
