"""`make state-server` on a folder an earlier release's server (SeaweedFS) left: it is not touched, and the message
says how to carry its stacks over."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from devtools.state_server import main


def test_a_folder_of_the_earlier_server_is_left_as_it_is_with_the_way_to_carry_its_stacks_over(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / ".state-server"
    (folder / "data").mkdir(parents=True)
    recorded = {"ports": {"s3": 8333, "master": 9333}, "credentials": {"access_key": "a", "secret_key": "b"}}
    (folder / "server.json").write_text(json.dumps({**recorded, "bucket": "genesys-trunks-state"}))
    before = sorted(p.name for p in folder.iterdir())

    assert main(["start", "--dir", str(folder)]) == 1

    said = capsys.readouterr()
    assert "holds the bucket of the SeaweedFS server that earlier releases bundled" in said.err
    assert "pulumi stack export --stack <name>" in said.err and "pulumi stack import" in said.err
    assert "Traceback" not in said.err and said.out == ""
    assert sorted(p.name for p in folder.iterdir()) == before
