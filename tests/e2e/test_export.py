"""`python -m exporter` end to end: an org whose trunks were made outside the stack (plain HTTP), exported
into the stack file, their passwords set with the printed lines, then taken over by the real `pulumi up`
without creating or duplicating anything."""

from __future__ import annotations

import hashlib
import os
import re
import shlex
import subprocess
import sys
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qs

import pytest
import yaml

from devtools.pulumi_cli import change_summary, pulumi_binary
from devtools.trunks_project import (
    GROUP_DR,
    GROUP_PRIMARY,
    PROFILE_HD,
    PROFILE_LEGACY,
    PROFILE_STANDARD,
    REPO,
    TrunksProject,
    trunk,
)
from tests.e2e.conftest import assert_adoption_said, writes

pytestmark = pytest.mark.e2e
EDGES = "/api/v2/telephony/providers/edges"
WEBHOOKS = "/api/v2/webhooks"
HOOK = "https://hooks.example.com/genesys-trunks"

#: Trunks made by hand in the org: odd names, both edge groups, every SIP profile.
ORG: list[dict[str, Any]] = [
    {
        "name": 'Carrier "A": Zürich',
        "edgeGroupId": GROUP_DR,
        "sipProfileId": PROFILE_HD,
        "maxConcurrentSessions": 42,
        "codecs": ["Opus", "G711a"],
        "registration": {"type": "REGISTER", "host": "sip.zurich.example.com", "port": 5070, "username": "zh-1"},
        "healthProbe": {"enabled": False, "intervalSeconds": 45},
        "description": "made in the admin UI",
    },
    {
        "name": "東京: trunk ünïcode",
        "edgeGroupId": GROUP_PRIMARY,
        "sipProfileId": PROFILE_LEGACY,
        "maxConcurrentSessions": 7,
        "codecs": ["GSM", "G711u"],
        "registration": {"type": "STATIC", "host": "203.0.113.20", "port": 5080, "username": "tokyo"},
        "healthProbe": {"enabled": True, "intervalSeconds": 30},
    },
    {
        "name": 'o\'brien "quoted" :: trunk',
        "edgeGroupId": GROUP_PRIMARY,
        "sipProfileId": PROFILE_STANDARD,
        "maxConcurrentSessions": 2000,
        "codecs": ["G729"],
        "registration": {"type": "REGISTER", "host": "sip.obrien.example.com", "port": 5060, "username": "ob"},
        "healthProbe": {"enabled": True, "intervalSeconds": 3600},
    },
]


def password_of(name: str) -> str:
    return f"pw-{hashlib.sha256(name.encode()).hexdigest()[:10]}-s3cret"


def run_export(project: TrunksProject, *args: str) -> subprocess.CompletedProcess:
    env = {**project.env, "PYTHONPATH": os.pathsep.join([str(REPO), os.environ.get("PYTHONPATH", "")])}
    return subprocess.run(
        [sys.executable, "-m", "exporter", "--stack", project.stack, *args],
        cwd=project.workdir,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def set_passwords(project: TrunksProject, printed: str, typed: Callable[[str], str] | None = None) -> list[str]:
    """Runs every printed `pulumi config set` line as a user would, typing the trunk's password
    (``typed(name)``, by default ``password_of``)."""
    typed = typed or password_of
    paths = []
    name = None
    for line in printed.splitlines():
        if line.startswith("# "):
            name = line[2:].split(": the digest password", 1)[0]
        elif line.startswith("pulumi config set "):
            assert name is not None, printed
            argv = shlex.split(line)
            paths.append(argv[-1])
            subprocess.run(
                [pulumi_binary(), *argv[1:], "--non-interactive"],
                cwd=project.workdir,
                env=project.env,
                input=typed(name) + "\n",
                check=True,
                capture_output=True,
                text=True,
            )
    return paths


def org_edges(emulator) -> dict[str, dict[str, Any]]:
    return {e["id"]: e for e in emulator.api("GET", EDGES, params={"pageSize": 500}).json()["entities"]}


def org_webhooks(emulator) -> dict[str, dict[str, Any]]:
    return {w["id"]: w for w in emulator.api("GET", WEBHOOKS, params={"pageSize": 500}).json()["entities"]}


def settings(edge: dict[str, Any]) -> dict[str, Any]:
    """What a user configures on an edge (not its version, dates or registration status)."""
    keep = ("name", "edgeGroupId", "sipProfileId", "maxConcurrentSessions", "codecs", "registration", "healthProbe")
    return {k: edge.get(k) for k in (*keep, "description")}


def test_export_merge_set_passwords_and_take_over(emulator, new_project):
    project = new_project([trunk("in-stack", webhook={"targetUri": HOOK})])
    project.up()
    in_stack_id = project.trunks_output()["in-stack"]["edgeId"]

    made: dict[str, str] = {}
    for body in ORG:
        reply = emulator.api(
            "POST",
            EDGES,
            json={**body, "registration": {**body["registration"], "password": password_of(body["name"])}},
        )
        assert reply.status_code == 201, reply.text
        made[body["name"]] = reply.json()["id"]
    zurich, obrien = made['Carrier "A": Zürich'], made['o\'brien "quoted" :: trunk']
    hook = emulator.api(
        "POST",
        WEBHOOKS,
        json={
            "name": "Zürich status",
            "eventType": ["telephony:edge:status:changed"],
            "targetUri": HOOK,
            "filterCriteria": f"resourceIds:[{zurich}]",
            "headers": {"X-Receiver-Key": "rk-2718"},
        },
    ).json()
    shared = emulator.api(
        "POST",
        WEBHOOKS,
        json={
            "name": "two edges",
            "eventType": ["telephony:edge:status:changed"],
            "targetUri": HOOK,
            "filterCriteria": f"resourceIds:[{obrien},{in_stack_id}]",
        },
    ).json()
    edges_before, hooks_before = org_edges(emulator), org_webhooks(emulator)
    assert len(edges_before) == 4 and len(hooks_before) == 3

    # The stack has trunks: the export refuses and writes nothing.
    original = project.stack_file.read_bytes()
    refused = run_export(project)
    assert refused.returncode == 1, refused.stdout + refused.stderr
    assert "already has 1 trunk(s); nothing was written" in refused.stderr and "--merge" in refused.stderr
    assert "Traceback" not in refused.stderr
    assert project.stack_file.read_bytes() == original

    # --merge adds the org's three other trunks after the stack's own, which stays as it was.
    merged = run_export(project, "--merge")
    assert merged.returncode == 0, merged.stdout + merged.stderr
    text = project.stack_file.read_text(encoding="utf-8")
    config = yaml.safe_load(text)["config"]
    entries = config["genesys-trunks:trunks"]
    assert [e["name"] for e in entries] == ["in-stack", *sorted(made, key=str.casefold)]
    assert entries[0] == yaml.safe_load(original)["config"]["genesys-trunks:trunks"][0]
    by_name = {e["name"]: e for e in entries[1:]}
    for body in ORG:
        entry = by_name[body["name"]]
        assert entry["adopt"] is True and "password" not in entry["registration"]
        assert {k: entry.get(k) for k in body} == body  # every setting the API returns, in the config's names
    assert by_name['Carrier "A": Zürich']["webhook"] == {
        "name": "Zürich status",
        "targetUri": HOOK,
        "eventTypes": ["telephony:edge:status:changed"],
        "headers": {
            "X-Receiver-Key": {
                "secure": by_name['Carrier "A": Zürich']["webhook"]["headers"]["X-Receiver-Key"]["secure"]
            }
        },
    }
    assert "webhook" not in by_name['o\'brien "quoted" :: trunk']  # its webhook names two edges
    assert "rk-2718" not in text and not any(password_of(n) in text for n in made)
    assert f"# {GROUP_DR}" not in text and re.search(rf"edgeGroupId: {GROUP_DR} +# DR BYOC Group", text)
    assert re.search(rf"sipProfileId: {PROFILE_LEGACY} +# Legacy PSTN", text)
    assert re.search(rf"# edge {zurich}", text)
    out = merged.stdout
    assert "3 of the org's 4 edges written to Pulumi.e2e.yaml" in out and "'in-stack'" in out
    assert f"webhook 'two edges' ({shared['id']}) stays outside the stack" in out

    # Until the passwords are set, preview fails naming each one, before any API call.
    emulator.reset_requests()
    failed = project.preview(check=False)
    assert failed.returncode != 0
    for i in (1, 2, 3):
        assert f"trunks[{i}].registration.password: required" in failed.stdout + failed.stderr
    assert emulator.requests() == []

    # The printed lines, run as printed.
    assert set_passwords(project, out) == [f"trunks[{i}].registration.password" for i in (1, 2, 3)]

    # The preview says which trunks take an existing edge over.
    assert_adoption_said(project, made, "in-stack", "trunk with this registration")

    # up takes every exported trunk over: nothing created, nothing duplicated, every id kept.
    emulator.reset_requests()
    project.up()
    taken_over = emulator.requests()
    requests = writes(taken_over)
    assert [r for r in requests if r["status"] == 201] == []
    edges_after, hooks_after = org_edges(emulator), org_webhooks(emulator)
    assert set(edges_after) == set(edges_before) and set(hooks_after) == set(hooks_before)
    outputs = project.trunks_output()
    assert {name: outputs[name]["edgeId"] for name in made} == made
    assert outputs['Carrier "A": Zürich']["webhookId"] == hook["id"]
    assert outputs["in-stack"]["edgeId"] == in_stack_id
    for edge_id in made.values():
        assert settings(edges_after[edge_id]) == settings(edges_before[edge_id])
        assert edges_after[edge_id]["registrationStatus"] == "registered"
    assert hooks_after[hook["id"]]["headers"] == {"X-Receiver-Key": "rk-2718"}
    # The takeover's only writes: per edge one PUT carrying the password (found in its group's listing
    # first: no POST), and the webhook's PUT (the program gives it a description it lacked).
    calls = sorted((r["method"], r["path"], r["status"]) for r in requests)
    assert calls == sorted(
        [("PUT", f"{EDGES}/{edge_id}", 200) for edge_id in made.values()] + [("PUT", f"{WEBHOOKS}/{hook['id']}", 200)]
    ), calls
    # Each edge group's edges and the webhooks listed once for all of them; no edge read one by one.
    gets = [r for r in taken_over if r["method"] == "GET"]
    listings = sorted(
        (r["path"], parse_qs(r["query"]).get("edgeGroupId", [""])[0]) for r in gets if r["path"] in {EDGES, WEBHOOKS}
    )
    assert listings == sorted([(EDGES, GROUP_DR), (EDGES, GROUP_PRIMARY), (WEBHOOKS, "")]), listings
    assert not [r for r in gets if r["path"].startswith(f"{EDGES}/") and r["path"].rsplit("/", 1)[1] in made.values()]

    # A second up changes nothing.
    emulator.reset_requests()
    again = project.up()
    assert "unchanged" in again.stdout and writes(emulator.requests()) == []
    assert set(change_summary(project.preview_json())) == {"same"}


def test_stdout_name_filter_and_force(emulator, new_project):
    made = []
    for name in ["exp-alpha", "exp-beta", "other-gamma"]:
        body = trunk(name)
        body["registration"] = {**body["registration"], "type": "REGISTER", "port": 5060}
        reply = emulator.api("POST", EDGES, json=body)
        assert reply.status_code == 201, reply.text
        made.append(reply.json()["id"])
    try:
        _stdout_name_filter_and_force(new_project([trunk("kept-by-default")]))
    finally:
        for edge_id in made:
            emulator.api("DELETE", f"{EDGES}/{edge_id}")


def _stdout_name_filter_and_force(project: TrunksProject) -> None:
    original = project.stack_file.read_bytes()

    printed = run_export(project, "--stdout", "--name", "EXP-*")
    assert printed.returncode == 0, printed.stderr
    listed = yaml.safe_load(printed.stdout)["config"]["genesys-trunks:trunks"]
    assert [e["name"] for e in listed] == ["exp-alpha", "exp-beta"]
    assert "pulumi config set --stack e2e --secret --path 'trunks[1].registration.password'" in printed.stderr
    assert project.stack_file.read_bytes() == original

    for args, said in (
        (["--stack", "no-such-stack"], "on stack 'no-such-stack' failed"),
        (["--name", "x", "--stack", "e2e", "--cwd", "/nonexistent"], "Pulumi.yaml"),
    ):
        failed = run_export(project, *args)
        assert failed.returncode == 1 and failed.stderr.startswith("error: ") and said in failed.stderr, failed.stderr
        assert "Traceback" not in failed.stderr
    project.write_config({"genesys:clientId": "not-a-client"})
    denied = run_export(project, "--stdout")
    assert denied.returncode == 1 and denied.stderr.startswith("error: "), denied.stderr
    assert "Traceback" not in denied.stderr and "dev-only-secret" not in denied.stderr
    project.write_config({"genesys:clientId": "genesys-trunks-dev"})

    forced = run_export(project, "--force", "--name", "other-*")
    assert forced.returncode == 0, forced.stderr
    entries = yaml.safe_load(project.stack_file.read_text(encoding="utf-8"))["config"]["genesys-trunks:trunks"]
    assert [e["name"] for e in entries] == ["other-gamma"]
    assert "'trunks[0].registration.password'" in forced.stdout
