"""A team's state on a real S3 server: the bundled versitygw (`devtools/state_server.py`), one per module, with
its own data folder, port, identity and bucket; every stack of this module lives in that bucket.

Proves, through the real pulumi CLI against the emulator: a stack's whole life on the S3 backend; two `up`s at
once from two checkouts (one applies, the other stops at once naming the lock's owner); a SIGKILLed `up`
(its lock stays, the doctor names it, the README's recovery converges); the S3 server killed during an `up`
(a clear error, then after a restart the same recovery, nothing lost, nothing duplicated); a wrong S3 key
refused at the first command; `fromStacks` between stacks of the bucket, and a reference of the wrong form
failing preview; `make state-server` and `make up BACKEND=s3` on a fresh clone. After each stack's
writes every object in the bucket is read: no secret in plaintext.
"""

from __future__ import annotations

import gzip
import json
import os
import pwd
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from devtools.pulumi_cli import PulumiProject
from devtools.state_server import Credentials, Recorded, StateServer, running_state_server
from devtools.trunks_project import DEV_CLIENT_SECRET, REPO, copy_program, trunk
from emulator.testing import free_port
from tests.support.waiting import wait_until

from .conftest import (
    REPORT,
    SEED,
    OutputReader,
    RecordingProject,
    assert_no_changes,
    kill_cli,
    kill_tree,
    report_kill,
    writes,
)
from .test_interrupted_up import readable_state, recover

pytestmark = [pytest.mark.e2e, pytest.mark.reliability]

PROJECT = "genesys-trunks"
NETWORK_PROGRAM = """
import pulumi
pulumi.export("sipHost", "sip.from-network-stack.example.com")
"""


@pytest.fixture(scope="module")
def s3(tmp_path_factory: pytest.TempPathFactory) -> Iterator[StateServer]:
    with running_state_server(tmp_path_factory.mktemp("state-server")) as server:
        yield server


class S3Project(RecordingProject):
    """A RecordingProject whose state is in the S3 server's bucket."""

    s3: StateServer

    @property
    def lock_files(self) -> list[str]:  # type: ignore[override]
        """The lock objects held on this stack, as the CLI writes them."""
        return lock_keys(self.s3, self.stack)


def lock_keys(s3: StateServer, stack: str) -> list[str]:
    return s3.keys(f".pulumi/locks/organization/{PROJECT}/{stack}/")


def s3_project(scenario, s3: StateServer, trunks: list[dict[str, Any]], stack: str, root: Path | None = None):
    """The scenario's project, on a stack of its own in the bucket."""
    scenario.secrets |= {s for t in trunks for s in _secrets(t)}
    root = root or scenario.root / "project"
    project = S3Project.create(root, scenario.emu.url, trunks, stack=stack, extra_env=s3.env)
    project.s3 = s3
    scenario.project = project
    scenario.dialect = SEED
    return project


def _secrets(t: dict[str, Any]) -> list[str]:
    found = [t["registration"]["password"]]
    found += list((t.get("webhook") or {}).get("headers", {}).values())
    return found


def second_checkout(project: S3Project, root: Path) -> S3Project:
    """Another engineer's (or CI runner's) clone: the same program and stack file, its own directory."""
    workdir = root / "genesys-trunks"
    shutil.copytree(project.workdir, workdir, symlinks=True, ignore=shutil.ignore_patterns("__pycache__"))
    other = S3Project(workdir=workdir, stack=project.stack, backend_dir=root / "state", extra_env=project.extra_env)
    other.s3 = project.s3
    return other


def assert_no_plaintext_in_bucket(s3: StateServer, secrets: set[str], stack: str) -> None:
    """Every object of the bucket read back: none holds a secret; the stack's state is there, readable (its name
    in clear) and its secrets are ciphertext (in the state, or in its history after a destroy), so the scan reads
    what the CLI wrote."""
    objects = s3.objects()
    checkpoint = objects[f".pulumi/stacks/{PROJECT}/{stack}.json"].decode()
    assert f'"stack":"organization/{PROJECT}/{stack}"' in checkpoint
    assert any(b'"ciphertext"' in data for key, data in objects.items() if f"/{stack}" in key)
    leaks = sorted((secret, key) for key, data in objects.items() for secret in secrets if secret.encode() in data)
    REPORT["S3 objects scanned for secrets"] += len(objects)
    REPORT["secret leaks found"] += len(leaks)
    assert leaks == [], f"secrets in plaintext in the bucket: {leaks}"


def doctor_report(project: PulumiProject) -> dict[str, Any]:
    proc = subprocess.run(
        [sys.executable, "-m", "doctor", "--stack", project.stack, "--json"],
        cwd=project.workdir,
        env={**project.env, "PYTHONPATH": str(REPO)},
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert proc.stderr == "", proc.stderr
    report = json.loads(proc.stdout)
    assert report["exitStatus"] == proc.returncode
    return report


def state_findings(report: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {f["subject"]: f for f in report["findings"] if f["section"] == "state"}


def me() -> str:
    """user@host as the CLI writes it into its lock."""
    return f"{pwd.getpwuid(os.getuid()).pw_name}@{socket.gethostname()}"


# --------------------------------------------------------------------------------------------- the stack's life


def test_a_stacks_whole_life_on_the_s3_backend(scenario, s3):
    emu = scenario.start()
    trunks = [SEED.trunk("life-a", hook_token="life-hook-t0k3n"), SEED.trunk("life-b")]
    project = s3_project(scenario, s3, trunks, stack="life")
    assert s3.keys(f".pulumi/stacks/{PROJECT}/life.json"), "`pulumi stack init` made no stack in the bucket"
    assert not (project.backend_dir / ".pulumi").exists(), "the state went to a local folder"

    project.up()
    assert {n: t["registrationStatus"] for n, t in project.trunks_output().items()} == {
        "life-a": "registered",
        "life-b": "registered",
    }
    assert lock_keys(s3, "life") == [], "the up left its lock"
    emu.reset_requests()
    assert project.preview_json()["changeSummary"] == {"same": 8}  # stack, 2 x (TrunkStack, edge, outcome), 1 hook
    project.refresh()
    assert writes(emu.requests()) == []

    trunks[0]["maxConcurrentSessions"] = 40
    SEED.set_password(trunks[1], "life-b-n3w-s3cret")
    scenario.set_trunks(trunks)
    updated = project.up("--diff")
    assert " updated" in updated.stdout, updated.stdout
    edges = {e["name"]: e for e in SEED.entities(emu)}
    assert edges["life-a"]["maxConcurrentSessions"] == 40

    history = json.loads(project.run("stack", "history", "--json", "--stack", "life").stdout)
    assert [(h["kind"], h["result"]) for h in history] == [
        ("update", "succeeded"),
        ("refresh", "succeeded"),
        ("update", "succeeded"),
    ]
    assert len(s3.keys(f".pulumi/history/{PROJECT}/life/")) >= 3
    assert_no_plaintext_in_bucket(s3, scenario.secrets, "life")

    report = doctor_report(project)
    state = state_findings(report)
    assert state["backend"]["level"] == "ok" and state["backend"]["message"].startswith(s3.backend_url)
    assert "from PULUMI_BACKEND_URL" in state["backend"]["message"]
    assert state["lock"] == {
        "section": "state",
        "level": "ok",
        "subject": "lock",
        "message": f"none held on organization/{PROJECT}/life: a refresh, up or destroy may start",
        "fix": None,
    }

    project.destroy()
    assert SEED.entities(emu) == [] and emu.api("GET", "/api/v2/webhooks").json()["entities"] == []
    assert project.export()["deployment"].get("resources") in (None, [])
    assert lock_keys(s3, "life") == []
    assert_no_plaintext_in_bucket(s3, scenario.secrets, "life")


# --------------------------------------------------------------------------------------------- the lock


def test_two_ups_at_once_from_two_checkouts_one_applies_the_other_stops(scenario, s3, tmp_path):
    emu = scenario.start(registration_delay=3.0)  # the first `up` waits for its carriers: it holds the lock a while
    trunks = [SEED.trunk(f"race-{i}") for i in range(4)]
    first = s3_project(scenario, s3, trunks, stack="race")
    second = second_checkout(first, tmp_path / "checkout-2")

    running = first.up_popen()
    output = OutputReader(running)
    try:
        assert wait_until(lambda: lock_keys(s3, "race") != [], 60), "the first up never took the lock"
        started = time.monotonic()
        refused = second.up(check=False)
        took = time.monotonic() - started
        still_running = running.poll() is None
        assert running.wait(180) == 0, output.text()
    finally:
        kill_tree(running)
        first.record(output.text())

    text = refused.stdout + refused.stderr
    REPORT["seconds the second up took to stop on the lock"] = round(took, 1)
    assert refused.returncode != 0
    assert still_running, "the second up waited for the first instead of stopping"
    assert "the stack is currently locked by 1 lock(s)" in text, text
    assert f"created by {me()} (pid {running.pid})" in text, text
    assert "pulumi cancel" in text
    assert "Traceback" not in text
    assert took < 15, f"the second up took {took:.1f} s to stop"

    edges = [e["name"] for e in SEED.entities(emu)]
    assert sorted(edges) == [t["name"] for t in trunks], "an edge was created twice, or not at all"
    emu.reset_requests()
    again = second.up("--diff")
    assert_no_changes(again.stdout)
    assert writes(emu.requests()) == []
    assert lock_keys(s3, "race") == []


def test_a_sigkilled_up_leaves_its_lock_the_doctor_names_it_and_the_readme_recovery_converges(scenario, s3):
    emu = scenario.start(registration_delay=1.0)
    trunks = [SEED.trunk(f"kill-{i:02d}", hook_token="kill-t0k3n" if i % 2 == 0 else None) for i in range(10)]
    project = s3_project(scenario, s3, trunks, stack="killed")
    proc = project.up_popen("--parallel", "4")
    output = OutputReader(proc)
    try:
        assert wait_until(lambda: len(SEED.entities(emu)) >= 4, 120), "the up did not get going"
        killed = kill_cli(proc.pid)
        report_kill("on the S3 backend", killed)
        assert killed.left == {}, killed.left
    finally:
        kill_tree(proc)
        project.record(output.text())
    assert len(SEED.entities(emu)) < 10, "the kill came too late: everything was created"

    (key,) = lock_keys(s3, "killed")
    lock = json.loads(s3.client().get_object(Bucket=s3.bucket, Key=key)["Body"].read())
    assert lock["pid"] == proc.pid and f"{lock['username']}@{lock['hostname']}" == me()

    report = doctor_report(project)
    held = state_findings(report)["lock"]
    assert held["level"] == "fail" and report["exitStatus"] == 1
    assert held["message"].startswith(f"held on organization/{PROJECT}/killed by {me()} (pid {proc.pid}) since ")
    assert f"no process {proc.pid} runs on this machine any more" in held["message"]
    assert key in held["message"]
    assert "`pulumi cancel --yes --stack killed`" in held["fix"]

    recover(project, trunks)
    assert lock_keys(s3, "killed") == []
    scenario.converge(trunks)
    assert_no_plaintext_in_bucket(s3, scenario.secrets, "killed")


def test_the_s3_server_killed_during_an_up_fails_it_clearly_and_nothing_is_lost(scenario, s3):
    """The CLI retries each state write for about 80 s before it gives up (so a bucket back within that time goes
    unnoticed), and every step in flight fails that way in turn: one at a time (`--parallel 1`) keeps it short."""
    emu = scenario.start(registration_delay=0.5)
    first = [SEED.trunk(f"outage-{i}") for i in range(3)]
    project = s3_project(scenario, s3, first, stack="outage")
    project.up()
    before = {r["urn"]: r["id"] for r in project.resources() if r.get("id")}
    trunks = first + [SEED.trunk(f"outage-{i}") for i in range(3, 6)]
    scenario.set_trunks(trunks)

    proc = project.up_popen("--parallel", "1")
    output = OutputReader(proc)
    try:
        assert wait_until(lambda: len(SEED.entities(emu)) >= 4, 120), "the up did not get going"
        s3.kill()
        REPORT["faults injected: the S3 server SIGKILLed during an up"] += 1
        started = time.monotonic()
        status = proc.wait(600)
        REPORT["seconds the up took to fail once its S3 server was gone"] = round(time.monotonic() - started, 1)
    finally:
        kill_tree(proc)
        text = output.text()
        project.record(text)
        if s3.process is None:
            s3.start()  # same port, same data: the restart the recovery needs (and the other tests)

    assert status != 0
    assert "Traceback" not in text, text
    assert "failed to save snapshot" in text, text
    assert f"127.0.0.1:{s3.port}: connect: connection refused" in text, text
    assert "there was a problem deleting the lock" in text, text  # and so it stays: the recovery's `pulumi cancel`
    exported = readable_state(project)["deployment"]
    after = {r["urn"]: r.get("id") for r in exported.get("resources") or []}
    assert all(after.get(urn) == id_ for urn, id_ in before.items()), "the restart lost what the first up saved"

    recover(project, trunks)
    scenario.converge(trunks)
    assert_no_plaintext_in_bucket(s3, scenario.secrets, "outage")


# --------------------------------------------------------------------------------------------- access


def test_a_wrong_s3_key_is_refused_at_the_first_command(s3, tmp_path):
    copy_program(tmp_path / "genesys-trunks")
    # A key the server does not know: AWS answers 403 InvalidAccessKeyId, versitygw 404 XAdminUserNotFound.
    for name, status, words, wrong in (
        (
            "SignatureDoesNotMatch",
            403,
            "Check your key",
            Credentials(s3.credentials.access_key, "not-" + s3.credentials.secret_key),
        ),
        (
            "XAdminUserNotFound",
            404,
            "No user exists with the provided access key ID",
            Credentials("AKIANOSUCHKEY000", s3.credentials.secret_key),
        ),
    ):
        env = {**s3.env, "AWS_ACCESS_KEY_ID": wrong.access_key, "AWS_SECRET_ACCESS_KEY": wrong.secret_key}
        project = PulumiProject(tmp_path / "genesys-trunks", "wrong-key", tmp_path / "state", extra_env=env)
        started = time.monotonic()
        proc = project.run("stack", "init", "wrong-key", "--secrets-provider", "passphrase", check=False)
        took = time.monotonic() - started
        text = proc.stdout + proc.stderr
        assert proc.returncode != 0, (name, text)
        # Pulumi's own words, at once: the backend's first read, refused, with the S3 error and what to check.
        assert text.startswith('error: read ".pulumi/meta.yaml"'), text
        assert f"StatusCode: {status}, RequestID: " in text and f"api error {name}: " in text and words in text, text
        assert "Traceback" not in text and wrong.secret_key not in text and s3.credentials.secret_key not in text
        assert took < 30, (name, took)
        lock = state_findings(doctor_report(project))["lock"]
        assert lock["level"] == "fail" and f"bucket '{s3.bucket}' refused the read: " in lock["message"], lock
        assert "AWS_ACCESS_KEY_ID" in lock["fix"]
    assert s3.keys(f".pulumi/stacks/{PROJECT}/wrong-key") == []


# --------------------------------------------------------------------------------------------- references


def test_stack_references_between_stacks_of_the_bucket_and_a_wrong_form_fails_preview(scenario, s3, tmp_path):
    emu = scenario.start()
    network_dir = tmp_path / "network"
    network_dir.mkdir()
    (network_dir / "Pulumi.yaml").write_text("name: network\nruntime: python\n")
    (network_dir / "__main__.py").write_text(NETWORK_PROGRAM)
    (network_dir / ".venv").symlink_to(REPO / ".venv")
    network = PulumiProject(workdir=network_dir, stack="net", backend_dir=tmp_path / "state", extra_env=s3.env)
    network.init()
    network.up()

    referring = trunk("refs-a", fromStacks={"registration.host": {"stack": "acme/network/net", "output": "sipHost"}})
    project = s3_project(scenario, s3, [referring], stack="refs")
    emu.reset_requests()
    refused = project.preview(check=False)
    text = refused.stdout + refused.stderr
    assert refused.returncode != 0
    assert "trunks[0].fromStacks.registration.host.stack: 'acme/network/net' names the organization 'acme'" in text
    assert "write 'organization/network/net'" in text, text
    assert "organization name must be 'organization'" not in text  # stopped before Pulumi's own resolution
    assert "Traceback" not in text
    assert [r for r in emu.requests() if r["path"].startswith("/api/v2")] == []  # not one trunk was checked

    referring["fromStacks"]["registration.host"]["stack"] = "organization/network/net"
    scenario.set_trunks([referring])
    project.up()
    assert project.trunks_output()["refs-a"]["registrationHost"] == "sip.from-network-stack.example.com"
    project.destroy()
    network.destroy()


# --------------------------------------------------------------------------------------------- make


def test_make_state_server_and_make_up_with_backend_s3_on_a_fresh_clone(tmp_path):
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "--quiet", str(REPO), str(clone)], check=True)
    (clone / ".venv").symlink_to(Path(sys.prefix))
    emulator_port, s3_port = free_port(), free_port()
    stack_file = clone / "Pulumi.dev.yaml"
    stack_file.write_text(stack_file.read_text().replace("http://127.0.0.1:8787", f"http://127.0.0.1:{emulator_port}"))
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PULUMI_", "AWS_")) or k == "PULUMI_TOOLS_DIR"}

    def make(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            ["make", "--no-print-directory", *args, "BACKEND=s3", f"STATE_SERVER_PORT={s3_port}"],
            cwd=clone,
            env=env,
            capture_output=True,
            text=True,
            timeout=900,
        )

    try:
        server = make("state-server")
        assert server.returncode == 0, server.stdout + server.stderr
        url = f"s3://genesys-trunks-state?endpoint=127.0.0.1:{s3_port}&disableSSL=true&s3ForcePathStyle=true"
        assert "state server: started" in server.stdout and f"backend URL:  {url}" in server.stdout
        backend_env = clone / ".state-server" / "backend.env"
        assert backend_env.stat().st_mode & 0o077 == 0, "the credentials file is readable by others"
        again = make("state-server")
        assert "state server: already running" in again.stdout, again.stdout + again.stderr

        up = make("up")
        assert up.returncode == 0, up.stdout + up.stderr
        outputs = json.loads(up.stdout[up.stdout.rindex('{\n  "trunks"') :])
        assert outputs["trunks"] and all(t["registrationStatus"] == "registered" for t in outputs["trunks"].values())
        assert not list((clone / ".pulumi-state").rglob("*.json")), "the state went to the file backend"
        values = dict(line.split("=", 1) for line in backend_env.read_text().splitlines())
        creds = Credentials(values["AWS_ACCESS_KEY_ID"], values["AWS_SECRET_ACCESS_KEY"])
        port = Recorded.load(clone / ".state-server").port
        bucket = StateServer(clone / ".state-server", port=port, credentials=creds)
        checkpoint = gzip.decompress(bucket.objects()[f".pulumi/stacks/{PROJECT}/dev.json.gz"]).decode()
        assert all(name in checkpoint for name in outputs["trunks"])
        assert DEV_CLIENT_SECRET not in checkpoint

        doctor = make("doctor", "DOCTOR_ARGS=--json")
        report = json.loads(doctor.stdout[doctor.stdout.index("{\n") :])
        state = state_findings(report)
        assert state["backend"]["message"].startswith(url), state
        assert state["lock"]["level"] == "ok", state

        destroy = make("destroy")
        assert destroy.returncode == 0 and "deleted" in destroy.stdout, destroy.stdout + destroy.stderr
    finally:
        subprocess.run(["make", "--no-print-directory", "state-server-stop"], cwd=clone, env=env, timeout=60)
        pid_file = clone / ".emulator" / "emulator.pid"
        if pid_file.exists():
            os.kill(int(pid_file.read_text()), signal.SIGTERM)
    assert wait_until(lambda: not _listening(s3_port), 20), "make state-server-stop left the server running"


def _listening(port: int) -> bool:
    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", port)) == 0
