"""The bundled S3 server where the data folder's file system keeps no extended attributes: object metadata goes to
a sidecar folder, and every request the pulumi CLI's state makes still works (list by prefix, look-up, copy to
`.bak`, write, read, delete)."""

from __future__ import annotations

from pathlib import Path

import pytest

from devtools import state_server
from devtools.state_server import running_state_server

STACK = ".pulumi/stacks/genesys-trunks/dev.json.gz"


def test_a_file_system_without_xattrs_keeps_metadata_beside_the_objects(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(state_server, "_xattrs_work", lambda _folder: False)
    with running_state_server(tmp_path / "s3") as server:
        assert server.process is not None and isinstance(server.process.args, list)
        assert "--sidecar" in server.process.args
        s3 = server.client()
        s3.put_object(Bucket=server.bucket, Key=STACK, Body=b"first", ContentType="application/gzip")
        s3.copy_object(Bucket=server.bucket, Key=STACK + ".bak", CopySource={"Bucket": server.bucket, "Key": STACK})
        s3.put_object(Bucket=server.bucket, Key=STACK, Body=b"second", ContentType="application/gzip")

        listed = s3.list_objects_v2(
            Bucket=server.bucket, Prefix=".pulumi/stacks/genesys-trunks/dev.json", Delimiter="/"
        )
        assert sorted(o["Key"] for o in listed["Contents"]) == [STACK, STACK + ".bak"]
        assert s3.head_object(Bucket=server.bucket, Key=STACK)["ContentType"] == "application/gzip"
        assert server.objects() == {STACK: b"second", STACK + ".bak": b"first"}
        s3.delete_object(Bucket=server.bucket, Key=STACK + ".bak")
        assert list(server.objects()) == [STACK]
        assert any(p.is_file() for p in (tmp_path / "s3" / "metadata").rglob("*")), "no metadata in the sidecar"
