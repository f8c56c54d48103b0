"""The tests' stacks through the real CLI: a stack made once per process and copied, and a secret the CLI has
encrypted under a salt written again as it wrote it, without the CLI, and read back by the CLI as the value."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import yaml

from devtools.trunks_project import TrunksProject, cloud_trunk


class Counted(TrunksProject):
    """Records the CLI's runs, by command."""

    runs: list[str]

    def run(self, *args: str, check: bool = True, timeout: float = 600) -> subprocess.CompletedProcess:
        self.runs.append(" ".join(a for a in args[:2] if not a.startswith("-")))
        return super().run(*args, check=check, timeout=timeout)


def project(root: Path) -> Counted:
    root.mkdir(parents=True)
    (root / "Pulumi.yaml").write_text("name: stacks-under-test\nruntime: python\n")
    made = Counted(workdir=root, stack="check", backend_dir=root / "state")
    made.runs = []
    made.init()
    return made


def test_a_second_stack_is_copied_and_its_secrets_written_as_the_cli_wrote_them(tmp_path: Path) -> None:
    trunks = [cloud_trunk("a", webhook={"headers": {"X-Token": "tok-a"}}), cloud_trunk("b")]
    first = project(tmp_path / "first")
    first.set_trunks(trunks, also_secret=[("genesys:clientSecret", "client-s3cret")])
    assert first.runs == ["stack init", "config set-all"]  # every secret in one encrypting call

    second = project(tmp_path / "second")
    second.set_trunks(trunks, also_secret=[("genesys:clientSecret", "client-s3cret")])
    assert second.runs == []  # no CLI run at all
    assert yaml.safe_load(second.stack_file.read_text()) == yaml.safe_load(first.stack_file.read_text())
    written = second.stack_file.read_text()
    assert "pw-a-s3cret" not in written and "tok-a" not in written and "client-s3cret" not in written

    # The CLI reads the copies back as the values: same salt, same key, its own ciphertexts.
    shown = json.loads(second.run("config", "--show-secrets", "--json", "--stack", second.stack).stdout)
    stacked = json.loads(shown["genesys-trunks:trunks"]["value"])
    assert stacked[0]["credentials"]["password"] == "pw-a-s3cret"
    assert stacked[0]["webhook"]["headers"] == {"X-Token": "tok-a"}
    assert stacked[1]["credentials"]["password"] == "pw-b-s3cret"
    assert shown["genesys:clientSecret"]["value"] == "client-s3cret"

    # A new value goes to the CLI alone; the known ones stay as they were.
    second.set_trunks([cloud_trunk("a", credentials={"password": "rotated"}), trunks[1]])
    assert second.runs[-1] == "config set-all"
    doc = yaml.safe_load(second.stack_file.read_text())["config"]["genesys-trunks:trunks"]
    before = yaml.safe_load(first.stack_file.read_text())["config"]["genesys-trunks:trunks"]
    assert doc[1]["credentials"]["password"] == before[1]["credentials"]["password"]
    assert doc[0]["credentials"]["password"] != before[0]["credentials"]["password"]
