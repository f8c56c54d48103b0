"""`python -m doctor` against the running emulator: what it finds, its exit status, and that it only reads."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
import yaml

from devtools.trunks_project import (
    DEV_CLIENT_SECRET,
    GROUP_DR,
    GROUP_PRIMARY,
    PROFILE_HD,
    PROFILE_STANDARD,
    REPO,
    TrunksProject,
    trunk,
)
from emulator.testing import free_port

pytestmark = pytest.mark.e2e
READONLY_CLIENT = ("genesys-trunks-readonly", "readonly-secret")
WEBHOOK = {"targetUri": "https://monitoring.example.com/hooks/trunks"}
#: The calls only a write (or the events query, a POST) would check: named, never tried.
UNCHECKABLE = {
    "POST /api/v2/telephony/providers/edges [up]",
    "PUT /api/v2/telephony/providers/edges/{id} [up]",
    "DELETE /api/v2/telephony/providers/edges/{id} [up, destroy]",
    "POST /api/v2/analytics/events/query [up]",
}


def doctor(project: TrunksProject, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """The command as a user runs it, in the project directory, with the CLI and passphrase of its stack."""
    return subprocess.run(
        [sys.executable, "-m", "doctor", "--stack", project.stack, *args],
        cwd=project.workdir,
        env={**project.env, "PYTHONPATH": str(REPO), **(env or {})},
        capture_output=True,
        text=True,
        timeout=180,
    )


def diagnose(
    emulator, project: TrunksProject, *args: str, env: dict[str, str] | None = None
) -> tuple[int, dict[str, Any]]:
    """Exit status and JSON report of one run, after proving from the emulator's log that it only read."""
    emulator.reset_requests()
    proc = doctor(project, "--json", *args, env=env)
    assert_read_only(emulator.requests())
    assert DEV_CLIENT_SECRET not in proc.stdout + proc.stderr
    assert "s3cret" not in proc.stdout + proc.stderr  # the trunks' registration passwords
    assert proc.stderr == "", proc.stderr
    report = json.loads(proc.stdout)
    assert report["exitStatus"] == proc.returncode
    return proc.returncode, report


def assert_read_only(requests: list[dict]) -> None:
    """Only GETs and one token; each GET once."""
    assert requests, "the doctor made no request"
    calls = [(r["method"], r["path"] + (f"?{r['query']}" if r["query"] else "")) for r in requests]
    writes = [c for c in calls if c[0] != "GET" and c != ("POST", "/oauth/token")]
    assert writes == []
    assert calls.count(("POST", "/oauth/token")) == 1
    repeated = [c for c, n in Counter(calls).items() if n > 1]
    assert repeated == []


def by_level(report: dict[str, Any], level: str) -> list[dict[str, Any]]:
    return [f for f in report["findings"] if f["level"] == level]


def finding(report: dict[str, Any], section: str, subject: str) -> dict[str, Any]:
    found = [f for f in report["findings"] if f["section"] == section and f["subject"] == subject]
    assert len(found) == 1, (section, subject, report["findings"])
    return found[0]


def test_a_healthy_stack_is_all_ok_before_and_after_its_first_up(emulator, new_project):
    project = new_project(
        [
            trunk("doc-ok-a", webhook=WEBHOOK),
            trunk("doc-ok-b", edgeGroupId=GROUP_DR, sipProfileId=PROFILE_HD, codecs=["Opus", "G711a"]),
        ]
    )

    status, report = diagnose(emulator, project)

    assert status == 0, report
    assert by_level(report, "fail") == [] and by_level(report, "warn") == []
    assert report["dialect"] == "seed" and report["clientId"] == "genesys-trunks-dev"
    endpoint = finding(report, "connection", "endpoint")["message"]
    assert f"URL {emulator.url}" in endpoint and "genesys:apiUrl" in endpoint and "dialect seed" in endpoint
    assert "'genesys-trunks-dev'" in finding(report, "connection", "token")["message"]
    assert "inin-ratelimit-allowed 100000" in finding(report, "connection", "rate limit")["message"]
    permissions = [f for f in report["findings"] if f["section"] == "permissions"]
    assert {f["subject"] for f in permissions if f["level"] == "info"} == UNCHECKABLE
    assert all(
        "telephony:edge:write" in f["message"]
        for f in permissions
        if "edges [" in f["subject"] and f["subject"].split()[0] in {"POST", "PUT", "DELETE"}
    )
    webhook_read = finding(report, "permissions", "GET /api/v2/webhooks [up]")
    assert webhook_read["level"] == "ok" and "webhook:write" in webhook_read["message"]
    assert finding(report, "catalogue", "trunk 'doc-ok-b' codecs")["level"] == "ok"
    assert finding(report, "catalogue", f"SIP profile {PROFILE_HD}")["message"].startswith("'Carrier HD' exists")
    assert finding(report, "unknowns", "password on GET of an edge")["message"].startswith("not learned")

    project.up()
    status, report = diagnose(emulator, project)

    assert status == 0, report
    assert by_level(report, "fail") == [] and by_level(report, "warn") == []
    password = finding(report, "unknowns", "password on GET of an edge")
    assert password["level"] == "ok" and password["message"].startswith("absent: GET of edge 'doc-ok-")
    group = finding(report, "unknowns", "edge group on GET of an edge")
    assert group["level"] == "ok" and "edgeGroupId and edgeGroup.id" in group["message"]
    # Beside them, one fact: the stack names no policy pack (doctor/policy_pack.py).
    assert {f["subject"] for f in by_level(report, "info")} == UNCHECKABLE | {"policy pack"}

    # Another stack that would register as the same carrier account in the same group: `up` would stop.
    twin = new_project([trunk("doc-twin", registration={"username": "user-doc-ok-a"})])
    status, report = diagnose(emulator, twin)
    clash = finding(report, "catalogue", "trunk 'doc-twin' registration")
    assert clash["level"] == "warn" and "doc-ok-a" in clash["message"] and "trunks[0].adopt" in clash["fix"]
    assert status == 0


def test_an_oauth_client_missing_a_scope_fails_in_the_orgs_own_words(emulator, new_project):
    project = new_project([trunk("doc-perm", webhook=WEBHOOK)])
    client_id, secret = READONLY_CLIENT
    project.write_config({"genesys:clientId": client_id}, secrets=[("genesys:clientSecret", secret)])

    status, report = diagnose(emulator, project)

    assert status == 1
    refused = finding(report, "permissions", "GET /api/v2/webhooks [up]")
    assert refused["level"] == "fail"
    assert "403 Missing the required OAuth scope webhook:write" in refused["message"]
    assert refused["fix"] == f"give the OAuth client {client_id!r} the scope webhook:write"
    create = finding(report, "permissions", "POST /api/v2/webhooks [up]")
    assert create["level"] == "fail" and "refused on GET /api/v2/webhooks" in create["message"]
    # What the client does hold is shown as held; the catalogue reads still work.
    assert finding(report, "permissions", "GET /api/v2/telephony/providers/sipprofiles/{id} [preview]")["level"] == "ok"
    assert finding(report, "catalogue", "trunk 'doc-perm' codecs")["level"] == "ok"
    assert {f["subject"] for f in by_level(report, "fail")} == {
        f"{method} /api/v2/webhooks{path} [{ops}]"
        for method, path, ops in (
            ("POST", "", "up"),
            ("GET", "", "up"),
            ("GET", "/{id}", "up, refresh"),
            ("PUT", "/{id}", "up"),
            ("DELETE", "/{id}", "up, destroy"),
        )
    }


def test_a_scope_the_stack_does_not_need_yet_is_only_a_warning(emulator, new_project):
    project = new_project([trunk("doc-nohook")])
    client_id, secret = READONLY_CLIENT
    project.write_config({"genesys:clientId": client_id}, secrets=[("genesys:clientSecret", secret)])

    status, report = diagnose(emulator, project)

    assert status == 0
    refused = finding(report, "permissions", "GET /api/v2/webhooks [up]")
    assert refused["level"] == "warn" and "not needed yet: no trunk sets webhook" in refused["message"]


def test_credentials_and_endpoint_from_the_environment_when_the_stack_has_none(emulator, new_project):
    project = new_project([trunk("doc-env")])
    for key in ("genesys:apiUrl", "genesys:clientId", "genesys:clientSecret"):
        project.run("config", "rm", key, "--stack", project.stack)
    client_id, secret = READONLY_CLIENT
    env = {
        "GENESYSCLOUD_API_URL": emulator.url,
        "GENESYSCLOUD_OAUTHCLIENT_ID": client_id,
        "GENESYSCLOUD_OAUTHCLIENT_SECRET": secret,
    }

    status, report = diagnose(emulator, project, env=env)

    assert status == 0, report
    assert "from GENESYSCLOUD_API_URL" in finding(report, "connection", "endpoint")["message"]
    assert report["clientId"] == client_id
    assert secret not in json.dumps(report)


def test_it_stays_within_the_rate_limit_and_warns_when_the_window_is_nearly_spent(emulator, new_project):
    project = new_project([trunk("doc-rate")])  # one group, one profile, the edge and webhook lists: 4 reads
    before = emulator.settings()["rateLimitPerMinute"]
    emulator.settings(rate_limit_per_minute=4)
    try:
        status, report = diagnose(emulator, project)
        statuses = [r["status"] for r in emulator.requests()]
    finally:
        emulator.settings(rate_limit_per_minute=before)

    assert 429 not in statuses and len(statuses) == 5  # the token and 4 reads
    rate = finding(report, "connection", "rate limit")
    assert rate["level"] == "warn"
    assert rate["message"].startswith("inin-ratelimit-allowed 4, inin-ratelimit-count 4, inin-ratelimit-reset ")
    assert "the window is nearly spent (4 API read(s) this run, each once)" in rate["message"]
    assert rate["fix"].startswith("wait ") and status == 0


def test_an_unknown_sip_profile_and_edge_group_fail_naming_what_the_org_has(emulator, new_project):
    project = new_project(
        [
            trunk("doc-cat-a", sipProfileId="no-such-profile"),
            trunk("doc-cat-b", edgeGroupId="no-such-group"),
        ]
    )

    status, report = diagnose(emulator, project)

    assert status == 1
    profile = finding(report, "catalogue", "SIP profile no-such-profile")
    assert profile["level"] == "fail"
    assert "does not exist (used by trunks[0] 'doc-cat-a')" in profile["message"]
    assert f"'Carrier Standard' ({PROFILE_STANDARD})" in profile["message"]
    assert profile["fix"] == "set trunks[0].sipProfileId to one of the SIP profiles listed"
    group = finding(report, "catalogue", "edge group no-such-group")
    assert group["level"] == "fail" and f"'Primary BYOC Group' ({GROUP_PRIMARY})" in group["message"]
    assert group["fix"] == "set trunks[1].edgeGroupId to one of the edge groups listed"
    # A missing entry is not a missing permission.
    assert [f for f in by_level(report, "fail") if f["section"] != "catalogue"] == []


def test_a_codec_the_profile_does_not_offer_fails_with_the_profiles_that_do(emulator, new_project, tmp_path):
    project = new_project([trunk("doc-codec", codecs=["G711u", "Opus"])])  # Carrier Standard has no Opus

    status, report = diagnose(emulator, project)

    assert status == 1
    codecs = finding(report, "catalogue", "trunk 'doc-codec' codecs")
    assert codecs["level"] == "fail"
    assert codecs["message"] == (
        f"codecs[1] 'Opus' not offered by SIP profile 'Carrier Standard' ({PROFILE_STANDARD}), "
        "which offers G711u, G711a, G729"
    )
    assert codecs["fix"] == (
        "remove 'Opus' from trunks[0].codecs, or set trunks[0].sipProfileId to a profile that offers all of them: "
        f"'Carrier HD' ({PROFILE_HD})"
    )

    # The same run as a person reads it: one line per finding, the failure with its fix, and the exit status.
    emulator.reset_requests()
    proc = doctor(project)
    assert_read_only(emulator.requests())
    assert proc.returncode == 1
    lines = proc.stdout.splitlines()
    assert lines[0] == f"genesys-trunks doctor: stack {project.stack}, dialect seed, {emulator.url}"
    assert len(lines) == len(report["findings"]) + 2
    assert f"FAIL  catalogue    trunk 'doc-codec' codecs: {codecs['message']}  -> fix: {codecs['fix']}" in lines
    assert lines[-1] == "summary: {ok} ok, {info} info, {warn} warn, {fail} fail".format(**report["summary"])


def test_template_out_writes_the_orgs_catalogue(emulator, new_project, tmp_path):
    project = new_project([trunk("doc-template")])
    out = tmp_path / "catalogue.json"

    status, report = diagnose(emulator, project, "--template-out", str(out))

    assert status == 0
    catalogue = json.loads(out.read_text())
    assert {p["name"]: p["codecs"] for p in catalogue["sipProfiles"]}["Carrier HD"] == ["Opus", "G711u", "G711a"]
    assert {g["id"] for g in catalogue["edgeGroups"]} == {GROUP_PRIMARY, GROUP_DR}
    assert catalogue["errors"] == []
    assert finding(report, "catalogue", "catalogue")["message"] == (
        f"written to {out} (5 codecs, 3 sipProfiles, 2 edgeGroups)"
    )


def test_an_invalid_trunks_config_fails_and_the_rest_is_still_checked(emulator, new_project):
    project = new_project([trunk("doc-bad", maxConcurrentSessions=0)])

    status, report = diagnose(emulator, project)

    assert status == 1
    config = finding(report, "config", "genesys-trunks:trunks")
    assert config["level"] == "fail" and "trunks[0].maxConcurrentSessions" in config["message"]
    assert finding(report, "permissions", "GET /api/v2/telephony/providers/sipprofiles [preview]")["level"] == "ok"


def test_a_wrong_client_secret_fails_at_the_token_without_showing_it(emulator, new_project):
    project = new_project([trunk("doc-secret")], client_secret="not-the-secret")

    emulator.reset_requests()
    proc = doctor(project, "--json")

    assert proc.returncode == 1
    assert "not-the-secret" not in proc.stdout + proc.stderr
    report = json.loads(proc.stdout)
    token = finding(report, "connection", "token")
    assert token["level"] == "fail" and "'genesys-trunks-dev'" in token["message"]
    assert "genesys:clientSecret" in token["fix"]
    assert [(r["method"], r["path"]) for r in emulator.requests()] == [("POST", "/oauth/token")]


def test_an_unknown_stack_is_a_clear_failure(emulator, new_project):
    project = new_project([trunk("doc-nostack")])
    proc = subprocess.run(
        [sys.executable, "-m", "doctor", "--stack", "no-such-stack"],
        cwd=project.workdir,
        env={**project.env, "PYTHONPATH": str(REPO)},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 1
    assert "FAIL  config       stack no-such-stack: `pulumi config --stack no-such-stack` failed" in proc.stdout
    assert "Traceback" not in proc.stdout + proc.stderr


def test_make_doctor_on_a_fresh_clone_starts_the_emulator_and_checks_the_dev_stack(tmp_path):
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "--quiet", str(REPO), str(clone)], check=True)
    (clone / ".venv").symlink_to(Path(sys.prefix))
    stack_file = clone / "Pulumi.dev.yaml"
    port = free_port()  # its own emulator: one on 8787 is neither used nor disturbed
    for name in ("Pulumi.dev.yaml", "Pulumi.dev-cloud.yaml"):
        path = clone / name
        path.write_text(path.read_text().replace("http://127.0.0.1:8787", f"http://127.0.0.1:{port}"))
    env = {k: v for k, v in os.environ.items() if not k.startswith("PULUMI_") or k == "PULUMI_TOOLS_DIR"}

    def make_doctor(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            ["make", "--no-print-directory", "doctor", *args, "DOCTOR_ARGS=--json"],
            cwd=clone,
            env=env,
            capture_output=True,
            text=True,
            timeout=600,
        )

    try:
        proc = make_doctor()
        assert proc.returncode == 0, proc.stdout + proc.stderr
        assert f"emulator: started at http://127.0.0.1:{port}" in proc.stdout
        report = json.loads(proc.stdout[proc.stdout.index("{\n") :])
        assert report["stack"] == "dev" and report["exitStatus"] == 0
        assert report["summary"]["fail"] == 0 and report["summary"]["warn"] == 0
        configured = yaml.safe_load(stack_file.read_text())["config"]["genesys-trunks:trunks"]
        codecs = [f for f in report["findings"] if f["subject"].endswith(" codecs")]
        assert len(codecs) == len(configured) and all(f["level"] == "ok" for f in codecs)
        assert all(not r.startswith(("PUT", "DELETE")) for r in report["requests"])
        assert [r for r in report["requests"] if r.startswith("POST")] == ["POST /oauth/token 200"]

        # The cloud dialect's dev stack, against the same emulator: all in order, and only reads.
        proc = make_doctor("STACK=dev-cloud")
        assert proc.returncode == 0, proc.stdout + proc.stderr
        report = json.loads(proc.stdout[proc.stdout.index("{\n") :])
        assert report["dialect"] == "cloud" and report["summary"]["fail"] == 0 and report["summary"]["warn"] == 0
        properties = [f for f in report["findings"] if f["subject"].endswith(" properties")]
        assert len(properties) == 3 and all(f["level"] == "ok" for f in properties)
        posts = sorted(r for r in report["requests"] if r.startswith("POST"))
        assert posts == ["POST /api/v2/audits/query/realtime 200", "POST /oauth/token 200"]
        assert all(not r.startswith(("PUT", "DELETE")) for r in report["requests"])
    finally:
        pid_file = clone / ".emulator" / "emulator.pid"
        if pid_file.exists():
            os.kill(int(pid_file.read_text()), signal.SIGTERM)
