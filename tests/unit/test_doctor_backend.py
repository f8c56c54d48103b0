"""The doctor's state section: which backend, and the locks held on the stack (file:// from the folder,
s3:// through boto3, stubbed here at botocore's wire: the real S3 server is tests/state's)."""

from __future__ import annotations

import io
import json
import os
import socket
import subprocess
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import boto3
import pytest
from botocore.response import StreamingBody
from botocore.stub import Stubber

from doctor import backend
from doctor.backend_locks import LockReadError, S3Location, file_locks, lock_prefixes, parse_lock, s3_locks
from inspection.findings import Level, Section

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client

PROJECT_YAML = "name: genesys-trunks\nruntime: python\n"
LOCK = {"pid": 4242, "username": "ci", "hostname": "runner-7", "timestamp": "2026-12-04T19:10:00.123456789Z"}


def write_lock(root: Path, stack: str, content: dict | str, name: str = "0d6b1f0e.json") -> Path:
    folder = root / ".pulumi" / "locks" / "organization" / "genesys-trunks" / stack
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(content if isinstance(content, str) else json.dumps(content))
    return path


# --------------------------------------------------------------------------------------------- lock objects


def test_a_lock_object_as_the_cli_writes_it():
    lock = parse_lock("k", json.dumps(LOCK).encode())
    assert lock.owner == "ci@runner-7 (pid 4242)"
    assert lock.since == datetime(2026, 12, 4, 19, 10, 0, 123456, tzinfo=UTC)  # nanoseconds cut to micro


def test_an_unreadable_lock_object_is_still_a_lock():
    lock = parse_lock("k", b"\x00not json")
    assert (lock.username, lock.hostname, lock.pid, lock.since) == ("?", "?", -1, None)


def test_file_backend_locks_are_read_from_the_stacks_folder_only(tmp_path):
    write_lock(tmp_path, "dev", LOCK)
    write_lock(tmp_path, "prod", {**LOCK, "pid": 1})  # another stack's lock is not dev's
    (tmp_path / ".pulumi" / "locks" / "organization" / "genesys-trunks" / "dev" / "notes.txt").write_text("x")

    (lock,) = file_locks(f"file://{tmp_path}", "genesys-trunks", "dev")
    assert lock.pid == 4242 and lock.key.endswith("/dev/0d6b1f0e.json")
    assert file_locks(f"file://{tmp_path}?no_tmp_dir=true", "genesys-trunks", "staging") == []


def test_a_backend_made_before_project_folders_keeps_locks_under_the_stack_name(tmp_path):
    legacy = tmp_path / ".pulumi" / "locks" / "dev"
    legacy.mkdir(parents=True)
    (legacy / "a.json").write_text(json.dumps(LOCK))
    assert [lock.pid for lock in file_locks(f"file://{tmp_path}", "genesys-trunks", "dev")] == [4242]


def test_a_missing_state_folder_is_an_error_naming_it(tmp_path):
    with pytest.raises(LockReadError, match=f"the state folder {tmp_path / 'nope'} does not exist"):
        file_locks(f"file://{tmp_path / 'nope'}", "genesys-trunks", "dev")


# --------------------------------------------------------------------------------------------- s3://


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        (
            "s3://state?endpoint=127.0.0.1:8333&disableSSL=true&s3ForcePathStyle=true&region=us-east-1",
            S3Location("state", "", "http://127.0.0.1:8333", "us-east-1", None, True),
        ),
        (
            "s3://state/teams/voice?region=eu-west-1&profile=ops",
            S3Location("state", "teams/voice/", None, "eu-west-1", "ops", False),
        ),
        (
            "s3://state?endpoint=https://minio.internal:9000&use_path_style=true&disable_https=false",
            S3Location("state", "", "https://minio.internal:9000", None, None, True),
        ),
        ("s3://state?endpoint=s3.example.net", S3Location("state", "", "https://s3.example.net")),
    ],
)
def test_an_s3_url_as_the_cli_reads_it(url, expected):
    assert S3Location.parse(url) == expected


def stubbed_s3() -> tuple[S3Client, Stubber]:
    client = boto3.session.Session().client(
        "s3", region_name="us-east-1", aws_access_key_id="k", aws_secret_access_key="s"
    )
    return client, Stubber(client)


def body(data: bytes) -> StreamingBody:
    return StreamingBody(io.BytesIO(data), len(data))


def test_s3_locks_list_the_stacks_prefixes_and_read_each_lock():
    client, stub = stubbed_s3()
    key = "teams/voice/.pulumi/locks/organization/genesys-trunks/prod/5c1e.json"
    stub.add_response(
        "list_objects_v2",
        {"Contents": [{"Key": key}], "IsTruncated": False},
        {"Bucket": "state", "Prefix": "teams/voice/.pulumi/locks/organization/genesys-trunks/prod/", "Delimiter": "/"},
    )
    stub.add_response(
        "list_objects_v2",
        {"IsTruncated": False},
        {"Bucket": "state", "Prefix": "teams/voice/.pulumi/locks/prod/", "Delimiter": "/"},
    )
    stub.add_response("get_object", {"Body": body(json.dumps(LOCK).encode())}, {"Bucket": "state", "Key": key})
    with stub:
        (lock,) = s3_locks("s3://state/teams/voice?region=us-east-1", "genesys-trunks", "prod", client=client)
    stub.assert_no_pending_responses()
    assert (lock.key, lock.owner) == (key, "ci@runner-7 (pid 4242)")


def test_a_refused_s3_read_says_what_the_bucket_answered():
    client, stub = stubbed_s3()
    stub.add_client_error(
        "list_objects_v2",
        service_error_code="InvalidAccessKeyId",
        service_message="The AWS Access Key Id you provided does not exist in our records.",
        http_status_code=403,
    )
    with stub, pytest.raises(LockReadError) as caught:
        s3_locks("s3://state?region=us-east-1", "genesys-trunks", "prod", client=client)
    assert str(caught.value) == (
        "bucket 'state' refused the read: InvalidAccessKeyId The AWS Access Key Id you provided does not exist "
        "in our records."
    )


def test_the_lock_prefixes_are_the_clis():
    assert lock_prefixes("genesys-trunks", "dev") == [
        ".pulumi/locks/organization/genesys-trunks/dev/",
        ".pulumi/locks/dev/",
    ]


# --------------------------------------------------------------------------------------------- findings


@pytest.fixture
def project(tmp_path) -> Path:
    (tmp_path / "Pulumi.yaml").write_text(PROJECT_YAML)
    return tmp_path


def test_the_backend_is_found_as_the_cli_finds_it(project, tmp_path):
    home = tmp_path / "home"
    home.mkdir()
    (home / "credentials.json").write_text(json.dumps({"current": "s3://from-login"}))
    env = {"PULUMI_HOME": str(home)}
    assert backend.configured_backend(env, project) == ("s3://from-login", f"`pulumi login` ({home}/credentials.json)")
    (project / "Pulumi.yaml").write_text(PROJECT_YAML + "backend:\n  url: file://~/state\n")
    assert backend.configured_backend(env, project) == ("file://~/state", "backend.url in Pulumi.yaml")
    env["PULUMI_BACKEND_URL"] = "s3://from-env"
    assert backend.configured_backend(env, project) == ("s3://from-env", "PULUMI_BACKEND_URL")
    nowhere = {"PULUMI_HOME": str(tmp_path / "none")}
    assert backend.configured_backend(nowhere, tmp_path / "elsewhere")[0] is None
    token = {**nowhere, "PULUMI_ACCESS_TOKEN": "pul-0"}
    assert backend.configured_backend(token, tmp_path / "elsewhere")[0] == "https://api.pulumi.com"


def test_a_free_file_backend_is_all_ok(project, tmp_path):
    state = tmp_path / "state"
    (state / ".pulumi").mkdir(parents=True)
    found = backend.check("dev", project, {"PULUMI_BACKEND_URL": f"file://{state}"})
    assert [(f.section, f.level, f.subject) for f in found] == [
        (Section.STATE, Level.OK, "backend"),
        (Section.STATE, Level.OK, "lock"),
    ]
    assert "a folder on this machine" in found[0].message and "from PULUMI_BACKEND_URL" in found[0].message
    assert found[1].message == "none held on organization/genesys-trunks/dev: a refresh, up or destroy may start"


def test_a_held_lock_names_its_owner_its_age_and_how_to_clear_it(project, tmp_path):
    state = tmp_path / "state"
    path = write_lock(state, "prod", {**LOCK, "timestamp": "2026-12-04T19:10:00Z"})
    found = backend.check("prod", project, {"PULUMI_BACKEND_URL": f"file://{state}"})
    lock = found[1]
    assert lock.level is Level.FAIL
    assert lock.message.startswith(
        "held on organization/genesys-trunks/prod by ci@runner-7 (pid 4242) since 2026-12-04T19:10:00+00:00 ("
    )
    assert str(path) in lock.message
    assert lock.fix is not None and "`pulumi cancel --yes --stack prod`" in lock.fix and "interrupted" in lock.fix


def test_a_lock_of_a_process_gone_from_this_machine_says_so(project, tmp_path):
    state = tmp_path / "state"
    ended = subprocess.Popen(["true"])
    ended.wait()
    gone = ended.pid
    write_lock(state, "dev", {**LOCK, "pid": gone, "hostname": socket.gethostname()}, "gone.json")
    write_lock(state, "dev", {**LOCK, "pid": os.getpid(), "hostname": socket.gethostname()}, "live.json")
    found = backend.check("dev", project, {"PULUMI_BACKEND_URL": f"file://{state}"})[1:]
    by_file = {f.message.rsplit("/", 1)[-1]: f.message for f in found}
    assert f"(pid {gone}) since" in by_file["gone.json)"]
    assert f"; no process {gone} runs on this machine any more" in by_file["gone.json)"]
    assert f"; process {os.getpid()} still runs on this machine" in by_file["live.json)"]


def test_the_age_of_a_lock():
    lock = parse_lock("k", json.dumps({**LOCK, "timestamp": "2026-12-04T19:10:00Z"}).encode())
    now = datetime(2026, 12, 4, 20, 0, tzinfo=UTC)
    assert "(50 min ago)" in backend.held(lock, "organization/p/s", "s", now).message
    assert "(2 h ago)" in backend.held(lock, "organization/p/s", "s", datetime(2026, 12, 4, 22, 0, tzinfo=UTC)).message


def test_pulumi_cloud_locks_are_the_services(project):
    found = backend.check("prod", project, {"PULUMI_BACKEND_URL": "https://api.pulumi.com"})
    assert found[0].level is Level.OK and "Pulumi Cloud" in found[0].message
    assert found[1].level is Level.INFO and "pulumi cancel --yes --stack prod" in (found[1].fix or "")


def test_no_backend_at_all_is_a_warning(tmp_path):
    found = backend.check("dev", tmp_path, {"PULUMI_HOME": str(tmp_path)})
    assert [f.level for f in found] == [Level.WARN]


def test_a_password_in_the_url_is_not_shown():
    assert backend.shown("postgres://ops:hunter2@db:5432/state") == "postgres://ops:****@db:5432/state"
