"""The program end to end: the real pulumi CLI, the real providers, the emulator as Genesys Cloud."""

from __future__ import annotations

import json

import pytest

from devtools.pulumi_cli import change_summary
from devtools.trunks_project import GROUP_DR, trunk
from tests.e2e.conftest import api_calls, edge_made_by_hand, writes
from tests.support.waiting import wait_until

pytestmark = pytest.mark.e2e
EDGES = "/api/v2/telephony/providers/edges"


def edge(emulator, edge_id):
    return emulator.api("GET", f"{EDGES}/{edge_id}")


def edges_named(emulator, name):
    return emulator.api("GET", EDGES, params={"name": name, "pageSize": 500}).json()["entities"]


def assert_only_program_frames_recorded(state: dict) -> None:
    """Every resource the program registered records its own frames, down to `__main__.py`, and none of the
    runtime's below them (paths outside the project, which the engine writes as `project:///../`)."""
    resources = [r for r in state["deployment"]["resources"] if r["type"].startswith(("genesys", "pulumi-python:"))]
    assert len(resources) == 7, [r["type"] for r in resources]  # 2 TrunkStacks, 2 edges, 2 outcomes, 1 webhook
    for resource in resources:
        frames = [f.get("sourcePosition", "") for f in resource["stackTrace"]]
        assert frames[0] == resource["sourcePosition"], resource["urn"]
        assert frames[-1].startswith("project:///__main__.py#"), (resource["urn"], frames)
        assert all(f.startswith("project:///") and "/../" not in f for f in frames), (resource["urn"], frames)


def test_lifecycle_create_noop_update_replace_destroy(emulator, new_project):
    hook = "http://127.0.0.1:9/genesys-events"
    trunks = [trunk("lc-a", webhook={"targetUri": hook}), trunk("lc-b")]
    project = new_project(trunks)

    project.up()
    out = project.trunks_output()
    assert set(out) == {"lc-a", "lc-b"}
    a, b = out["lc-a"], out["lc-b"]
    assert a["registrationStatus"] == b["registrationStatus"] == "registered"
    assert a["registrationLatencySeconds"] is not None and a["registrationLatencySeconds"] >= 0.25
    assert [e["type"] for e in a["auditEvents"]][0] == "audit:edge:created"
    assert a["webhookId"] and b["webhookId"] is None
    assert edge(emulator, a["edgeId"]).json()["codecs"] == ["G711u", "G729"]
    webhook = emulator.api("GET", f"/api/v2/webhooks/{a['webhookId']}").json()
    assert webhook["filterCriteria"] == f"resourceIds:[{a['edgeId']}]" and webhook["targetUri"] == hook
    assert_only_program_frames_recorded(project.export())

    # A second up and a preview change nothing and write nothing.
    emulator.reset_requests()
    again = project.up()
    # the stack, 2 TrunkStacks, 2 edges, 2 registrations, 1 webhook
    assert "8 unchanged" in again.stdout, again.stdout
    assert change_summary(project.preview_json()) == {"same": 8}
    assert writes(emulator.requests()) == []

    # One codec changed: one in-place update of one edge (and its registration outcome read again).
    trunks[0]["codecs"] = ["G711u"]
    project.set_trunks(trunks)
    assert change_summary(project.preview_json()) == {"same": 6, "update": 2}
    emulator.reset_requests()
    project.up()
    assert edge(emulator, a["edgeId"]).json()["codecs"] == ["G711u"]
    assert [(r["method"], r["path"].rsplit("/", 1)[0]) for r in writes(emulator.requests())] == [("PUT", EDGES)]

    # A new edge group cannot be set in place: the edge is replaced (created, then the old one deleted).
    trunks[1]["edgeGroupId"] = GROUP_DR
    project.set_trunks(trunks)
    assert change_summary(project.preview_json()) == {"same": 6, "replace": 1, "update": 1}
    project.up()
    new_b = project.trunks_output()["lc-b"]["edgeId"]
    assert new_b != b["edgeId"]
    assert edge(emulator, b["edgeId"]).status_code == 404
    assert edge(emulator, new_b).json()["edgeGroupId"] == GROUP_DR

    project.destroy()
    assert edges_named(emulator, "lc-a") == [] and edges_named(emulator, "lc-b") == []
    assert emulator.api("GET", f"/api/v2/webhooks/{a['webhookId']}").status_code == 404


def test_bad_input_fails_preview_and_creates_nothing(emulator, new_project):
    project = new_project([trunk("bad-a", codecs=["G711u", "G722"])])
    emulator.reset_requests()
    failed = project.preview(check=False)
    assert failed.returncode != 0
    assert "trunks[0].codecs[1]" in failed.stdout + failed.stderr and "G722" in failed.stdout
    assert api_calls(emulator.requests()) == []  # config errors stop before any API call

    # A codec the SIP profile lacks: found by the Edge's check, at preview, with no write.
    project.set_trunks([trunk("bad-a", codecs=["G711u", "Opus"])])
    failed = project.preview(check=False)
    output = failed.stdout + failed.stderr
    assert failed.returncode != 0
    assert "'bad-a'" in output and "'Opus'" in output and "G711u, G711a, G729" in output
    failed_up = project.up(check=False)
    assert failed_up.returncode != 0
    assert writes(emulator.requests()) == []
    assert edges_named(emulator, "bad-a") == []


def test_refresh_shows_out_of_band_changes_and_up_repairs_them(emulator, new_project):
    project = new_project([trunk("oob-a"), trunk("oob-b")])
    project.up()
    out = project.trunks_output()
    a_id, b_id = out["oob-a"]["edgeId"], out["oob-b"]["edgeId"]

    assert emulator.api("DELETE", f"{EDGES}/{a_id}").status_code == 204
    current = edge(emulator, b_id).json()
    changed = emulator.api("PUT", f"{EDGES}/{b_id}", json={**current, "codecs": ["G711a"]})
    assert changed.status_code == 200, changed.text

    refreshed = project.refresh()
    assert "deleted" in refreshed.stdout and "updated" in refreshed.stdout, refreshed.stdout
    # a: the edge is created again; b: updated back; both registrations follow their edges
    assert change_summary(project.preview_json()) == {"same": 3, "create": 1, "update": 3}
    project.up()
    out = project.trunks_output()
    assert edge(emulator, out["oob-a"]["edgeId"]).status_code == 200
    assert edge(emulator, b_id).json()["codecs"] == ["G711u", "G729"]
    assert change_summary(project.preview_json()) == {"same": 7}
    assert len(edges_named(emulator, "oob-a")) == 1


def test_an_existing_edge_is_adopted_only_when_asked(emulator, new_project):
    desired = trunk("adopt-a")
    existing = edge_made_by_hand(emulator, desired, "made-by-hand")
    project = new_project([desired])

    refused = project.up(check=False)
    assert refused.returncode != 0
    assert "adopt: true" in refused.stdout and existing["id"] in refused.stdout

    project.set_trunks([trunk("adopt-a", adopt=True)])
    project.up()
    out = project.trunks_output()["adopt-a"]
    assert out["edgeId"] == existing["id"]
    adopted = edge(emulator, out["edgeId"]).json()
    assert adopted["name"] == "adopt-a" and adopted["codecs"] == ["G711u", "G729"]
    assert edges_named(emulator, "made-by-hand") == []


def test_failed_registration_is_reported_then_fixed(emulator, new_project):
    trunks = [trunk("reg-fail", registration={"password": "wrong-password"})]
    project = new_project(trunks)
    up = project.up()
    assert "registration with the carrier failed" in up.stdout and "reg-fail" in up.stdout
    out = project.trunks_output()["reg-fail"]
    assert out["registrationStatus"] == "failed" and out["registrationReason"]

    trunks[0]["registration"]["password"] = "the-right-password"
    project.set_trunks(trunks)
    project.up()
    assert project.trunks_output()["reg-fail"]["registrationStatus"] == "registered"


def test_secrets_never_appear_in_plaintext(emulator, new_project):
    trunks = [
        trunk(
            "sec-a",
            registration={"password": "Sup3r-Secret-Carrier-Pw"},
            webhook={"targetUri": "http://127.0.0.1:9/x", "headers": {"X-Token": "receiver-token-42"}},
        )
    ]
    project = new_project(trunks)
    outputs = [project.preview("--diff").stdout, project.up("--diff").stdout]
    trunks[0]["registration"]["password"] = "Another-Secret-Pw-7"
    project.set_trunks(trunks)
    outputs += [project.preview("--diff").stdout, project.up("--diff").stdout, project.refresh().stdout]
    exported = json.dumps(project.export())
    log = json.dumps(emulator.requests())
    for secret in ("Sup3r-Secret-Carrier-Pw", "Another-Secret-Pw-7", "dev-only-secret", "receiver-token-42"):
        assert secret not in exported, secret
        assert secret not in log, secret
        for text in outputs:
            assert secret not in text, secret
    stack_file = (project.workdir / f"Pulumi.{project.stack}.yaml").read_text()
    assert stack_file.count("secure:") == 3  # the client secret, the password, the header


def test_an_outcome_that_came_after_the_up_is_filled_in_by_up_refresh(emulator, new_project):
    emulator.settings(registration_delay_seconds=2.0)
    try:
        project = new_project([trunk("late-a", registrationTimeoutSeconds=0)])
        project.up()
    finally:
        emulator.settings(registration_delay_seconds=0.3)
    out = project.trunks_output()["late-a"]
    assert (out["registrationStatus"], out["registrationReason"]) == (
        "registering",
        "no registration outcome within 0 s",
    )
    assert wait_until(lambda: edge(emulator, out["edgeId"]).json()["registrationStatus"] == "registered", 10)

    project.up("--refresh")
    out = project.trunks_output()["late-a"]
    assert out["registrationStatus"] == "registered" and out["registrationLatencySeconds"] >= 1.5, out
    assert change_summary(project.preview_json()) == {"same": 4}
