"""Out-of-band changes, carriers that refuse a trunk, and wrong credentials."""

from __future__ import annotations

import re
import time

import pytest

from devtools.pulumi_cli import change_summary
from devtools.trunks_project import DEV_CLIENT_SECRET, trunk

from .conftest import EDGES, HOOK_URI, REPORT, WEBHOOKS, api_calls, writes

pytestmark = [pytest.mark.e2e, pytest.mark.reliability]


def refresh_changes(output: str) -> dict[str, str]:
    """What `pulumi refresh --diff` says it found, by resource name: {'oob-b-edge': 'delete', ...}."""
    found = re.finditer(r"\((delete|update)\)\n\s+\[id=[^\]]*\]\n\s+\[urn=[^\]]*::([^\]:]+)\]", output)
    return {m.group(2): m.group(1) for m in found}


def test_out_of_band_changes_to_webhooks_and_edges_are_shown_then_repaired(scenario):
    emu = scenario.start()
    trunks = [
        trunk("oob-a", webhook={"targetUri": HOOK_URI}),
        trunk("oob-b", webhook={"targetUri": HOOK_URI}),
        trunk("oob-c"),
        trunk("oob-d", webhook={"targetUri": HOOK_URI}),
    ]
    project = scenario.new_project(trunks)
    project.up()
    out = project.trunks_output()
    a_hook, b_edge, c_edge = out["oob-a"]["webhookId"], out["oob-b"]["edgeId"], out["oob-c"]["edgeId"]
    d_hook = out["oob-d"]["webhookId"]

    # Someone cleans up in the Genesys admin UI: a webhook deleted, an edge deleted (its webhook stays,
    # subscribed to an edge that is gone), an edge's settings changed, a webhook redirected and disabled.
    assert emu.api("DELETE", f"{WEBHOOKS}/{a_hook}").status_code == 204
    assert emu.api("DELETE", f"{EDGES}/{b_edge}").status_code == 204
    c = emu.api("GET", f"{EDGES}/{c_edge}").json()
    changed = {**c, "maxConcurrentSessions": 7, "healthProbe": {"enabled": False, "intervalSeconds": 300}}
    assert emu.api("PUT", f"{EDGES}/{c_edge}", json=changed).status_code == 200
    d = emu.api("GET", f"{WEBHOOKS}/{d_hook}").json()
    redirected = {**d, "targetUri": "https://attacker.example.com/collect", "enabled": False}
    assert emu.api("PUT", f"{WEBHOOKS}/{d_hook}", json=redirected).status_code == 200
    REPORT["faults injected: out-of-band changes"] += 4

    refreshed = project.refresh("--diff").stdout
    assert refresh_changes(refreshed) == {
        "oob-a-status-webhook": "delete",
        "oob-b-edge": "delete",
        "oob-c-edge": "update",
        "oob-d-status-webhook": "update",
    }, refreshed
    assert "maxConcurrentSessions      : 100 => 7" in refreshed
    assert "attacker.example.com" in refreshed  # the drift is shown, not only counted
    # A's webhook and B's edge are created again; C's edge and D's webhook are put back; B's webhook follows
    # B's new edge; B's and C's registration outcomes are read again (their edges were written).
    summary = change_summary(project.preview_json())
    assert summary.get("create") == 2 and summary.get("update") == 5, summary

    project.up("--diff")
    final = scenario.converge(trunks)
    assert final["oob-b"]["edgeId"] != b_edge
    assert emu.api("GET", f"{WEBHOOKS}/{final['oob-b']['webhookId']}").json()["filterCriteria"] == (
        f"resourceIds:[{final['oob-b']['edgeId']}]"
    )
    d_now = emu.api("GET", f"{WEBHOOKS}/{d_hook}").json()
    assert d_now["targetUri"] == HOOK_URI and d_now["enabled"] is True
    c_now = emu.api("GET", f"{EDGES}/{c_edge}").json()
    assert c_now["maxConcurrentSessions"] == 100 and c_now["healthProbe"] == {"enabled": True, "intervalSeconds": 30}


def test_carrier_refusals_are_reported_per_trunk_then_fixed(scenario):
    """Extends test_trunks' single failed registration: several trunks, two kinds of refusal, one good."""
    scenario.start()
    trunks = [
        trunk("reg-good"),
        trunk("reg-bad-pw", registration={"password": "wrong-password"}),
        trunk("reg-bad-host", registration={"host": "sip.carrier.invalid"}),
    ]
    project = scenario.new_project(trunks)
    up = project.up("--diff")
    text = up.stdout + up.stderr
    for name in ("reg-bad-pw", "reg-bad-host"):
        assert f"trunk '{name}': registration with the carrier failed" in text, text
    assert "trunk 'reg-good'" not in text
    out = project.trunks_output()
    assert out["reg-good"]["registrationStatus"] == "registered"
    assert (out["reg-bad-pw"]["registrationStatus"], out["reg-bad-pw"]["registrationReason"]) == (
        "failed",
        "carrier rejected credentials",
    )
    assert (out["reg-bad-host"]["registrationStatus"], out["reg-bad-host"]["registrationReason"]) == (
        "failed",
        "carrier host unreachable",
    )
    REPORT["faults injected: carrier refusals"] += 2

    trunks[1]["registration"]["password"] = "the-right-carrier-pw"
    trunks[2]["registration"]["host"] = "sip.carrier.example.com"
    scenario.set_trunks(trunks)
    fixed = project.up("--diff")
    assert "registration with the carrier failed" not in fixed.stdout + fixed.stderr
    out = scenario.converge(trunks)
    assert {name: o["registrationStatus"] for name, o in out.items()} == dict.fromkeys(out, "registered")


def test_a_wrong_client_secret_fails_fast_without_a_retry_storm(scenario):
    emu = scenario.start()
    trunks = [trunk(f"cred-{i}", webhook={"targetUri": HOOK_URI}) for i in range(3)]
    project = scenario.new_project(trunks, client_secret="not-the-client-secret")
    for command in (project.preview, project.up):
        emu.reset_requests()
        started = time.monotonic()
        failed = command("--diff", check=False)
        took = time.monotonic() - started
        text = failed.stdout + failed.stderr
        assert failed.returncode != 0
        assert "rejected the OAuth client 'genesys-trunks-dev'" in text and "genesys:clientSecret" in text, text
        log = emu.requests()
        tokens = [r for r in log if r["path"] == "/oauth/token"]
        REPORT["faults injected: rejected credentials"] += len(tokens)
        REPORT[f"wrong secret, {command.__name__}: token requests"] += len(tokens)
        REPORT[f"wrong secret, {command.__name__}: API calls"] += len(api_calls(log))
        # One token request per resource check at most (a 401 is never retried), and no API call at all.
        assert 1 <= len(tokens) <= len(trunks), [(r["status"], r["time"]) for r in tokens]
        assert api_calls(log) == []
        assert took < 30, took

    scenario.set_credentials("genesys-trunks-dev", DEV_CLIENT_SECRET)
    scenario.converge(trunks)


def test_a_client_without_write_scopes_fails_fast_naming_the_scope(scenario):
    emu = scenario.start()
    trunks = [trunk(f"scope-{i}", webhook={"targetUri": HOOK_URI}) for i in range(3)]
    project = scenario.new_project(trunks)
    scenario.set_credentials("genesys-trunks-readonly", "readonly-secret")
    emu.reset_requests()
    project.preview("--diff")  # reading SIP profiles is allowed
    # --continue-on-error: every trunk is attempted even after the first failure, whatever the timing.
    failed = project.up("--diff", "--continue-on-error", check=False)
    text = failed.stdout + failed.stderr
    assert failed.returncode != 0
    assert "403" in text and "telephony:edge:write" in text, text
    for t in trunks:
        assert f"{t['name']}-edge" in text
    log = emu.requests()
    posts = writes(log)
    REPORT["faults injected: 403 missing scope"] += len(posts)
    REPORT["missing scope, preview + up: token requests"] += len([r for r in log if r["path"] == "/oauth/token"])
    REPORT["missing scope, preview + up: API calls"] += len(api_calls(log))
    # Each create was tried once: a 403 is not retried, and nothing was created.
    assert [(r["method"], r["path"], r["status"]) for r in posts] == [("POST", EDGES, 403)] * len(trunks)
    assert len([r for r in log if r["path"] == "/oauth/token"]) <= 2
    # per command one SIP profile read and one edge group read, then the refused POSTs
    assert len(api_calls(log)) <= 2 * 2 + len(trunks)

    scenario.set_credentials("genesys-trunks-dev", DEV_CLIENT_SECRET)
    scenario.converge(trunks)
