"""The doctor's policy-pack line: what `make preview` and `make up` of a stack run, read from the stack file by
the same code (scripts/with_policy.py) and the pack's own level table (in the pack's virtualenv)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from doctor import policy_pack
from inspection.findings import Level

REPO = Path(__file__).resolve().parents[2]
PACK = REPO / "policy"


@pytest.fixture
def tools(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A tools dir whose language host is the project's current one (it has plugin_runs.py beside it)."""
    folder = tmp_path / "tools"
    (folder / "pulumi_plugins").mkdir(parents=True)
    (folder / "pulumi_plugins" / "plugin_runs.py").write_text("")
    launcher = folder / "pulumi-language-python"
    launcher.write_text(f'#!/bin/sh\nexec python3 "{folder}/pulumi_plugins/language_host.py" "$@"\n')
    launcher.chmod(0o755)
    monkeypatch.setenv("PULUMI_TOOLS_DIR", str(folder))
    return folder


def project(tmp_path: Path, stack: str, **config: object) -> Path:
    folder = tmp_path / "project"
    folder.mkdir(exist_ok=True)
    (folder / f"Pulumi.{stack}.yaml").write_text(yaml.safe_dump({"config": {"genesys:apiUrl": "x", **config}}))
    return folder


def only(findings: list) -> tuple[Level, str, str | None]:
    [finding] = findings
    assert finding.subject == "policy pack"
    return finding.level, finding.message, finding.fix


def test_a_stack_that_names_no_pack_is_told_how(tmp_path: Path, tools: Path) -> None:
    level, message, fix = only(policy_pack.check("dev", project(tmp_path, "dev")))
    assert level is Level.INFO
    assert (
        message
        == "none runs on `make preview` or `make up` of this stack (Pulumi.dev.yaml sets no genesys-trunks:policyPack)"
    )
    assert fix and "genesys-trunks:policyPack: policy" in fix and "POLICY=1" in fix
    level, _, _ = only(policy_pack.check("prod-eu", project(tmp_path, "prod-eu")))
    assert level is Level.WARN  # a production stack without the guardrails


def test_a_stack_that_names_the_pack_gets_each_rules_level_on_it(tmp_path: Path, tools: Path) -> None:
    if not (PACK / ".venv" / "bin" / "python").exists():
        pytest.fail("run `make policy-venv` (`make test` does)")
    levels = tmp_path / "levels.json"
    levels.write_text(json.dumps({"session-limit-within-bound": "mandatory"}))
    folder = project(
        tmp_path, "prod-eu", **{"genesys-trunks:policyPack": str(PACK), "genesys-trunks:policyPackConfig": str(levels)}
    )
    level, message, _ = only(policy_pack.check("prod-eu", folder))
    assert level is Level.OK, message
    source = "genesys-trunks:policyPack in Pulumi.prod-eu.yaml"
    assert message.startswith(f"runs on `make preview` and `make up` ({source}): {PACK} with {levels}; ")
    assert "digest-credentials-over-tls mandatory" in message and "session-limit-within-bound mandatory" in message
    dev = project(tmp_path, "dev", **{"genesys-trunks:policyPack": str(PACK)})
    assert "digest-credentials-over-tls advisory" in only(policy_pack.check("dev", dev))[1]


def test_bad_settings_fail_naming_the_key_or_the_entry(tmp_path: Path, tools: Path) -> None:
    nowhere = project(tmp_path, "dev", **{"genesys-trunks:policyPack": "no-such-folder"})
    level, message, _ = only(policy_pack.check("dev", nowhere))
    assert level is Level.FAIL
    assert message.startswith("genesys-trunks:policyPack in Pulumi.dev.yaml: ") and "is not a policy pack" in message

    typo = tmp_path / "typo.json"
    typo.write_text(json.dumps({"emergency-route": "mandatory"}))
    named = project(
        tmp_path, "dev", **{"genesys-trunks:policyPack": str(PACK), "genesys-trunks:policyPackConfig": str(typo)}
    )
    level, message, _ = only(policy_pack.check("dev", named))
    assert level is Level.FAIL and "'emergency-route': not a rule of the pack; its rules are" in message

    orphan = project(tmp_path, "dev", **{"genesys-trunks:policyPackConfig": str(typo)})
    level, message, _ = only(policy_pack.check("dev", orphan))
    assert level is Level.FAIL and "genesys-trunks:policyPack names no pack, so none runs" in message


def test_a_language_host_that_predates_packs_fails(tmp_path: Path, tools: Path) -> None:
    (tools / "pulumi_plugins" / "plugin_runs.py").unlink()
    folder = project(tmp_path, "dev", **{"genesys-trunks:policyPack": str(PACK)})
    findings = policy_pack.check("dev", folder)
    failed = [f for f in findings if f.level is Level.FAIL]
    assert len(failed) == 1 and "predates policy packs" in failed[0].message
    assert failed[0].fix == "run `make toolchain` (it installs the project's current language host)"
