"""`pulumi up` killed with SIGKILL in the middle of creating trunks, then the documented recovery:

1. Nothing of the killed run is left: the provider process (`pulumi_plugins/dynamic_provider.py`, which
   holds the credentials), the language host and its program runner (`run_program.py`) exit within a
   moment of the CLI (providers/lifeline.py), and make no API call after it.
2. `pulumi cancel --yes`. The file backend keeps the killed run's lock,
   `<backend>/.pulumi/locks/<org>/<project>/<stack>/<uuid>.json`, and refresh, up and destroy refuse to
   run ("the stack is currently locked by 1 lock(s) ... delete the lock file with `pulumi cancel`").
   `pulumi cancel` deletes it on a file backend too (pulumi v3.260.0).
3. `pulumi stack export`. If it fails with "failed to load checkpoint: EOF", the kill landed while the file
   backend rewrote the state's metadata file: `<backend>/.pulumi/stacks/<project>/<stack>.json.attrs` is
   empty (the state itself, `<stack>.json`, is whole: it is written to a temporary file and renamed). Delete
   the empty `.attrs` file (`find <backend>/.pulumi -name '*.attrs' -empty -delete`); the state reads again.
   Then `deployment.pending_operations` lists what the killed run started and never
   finished, each `{"type": "creating", "resource": {"urn", "type", "inputs": {"name": ...}}}`:
   `pulumi stack export | jq -r '.deployment.pending_operations[]? | select(.resource.type | endswith(":Edge"))
   | .resource.inputs.name'` gives the trunks whose edge may exist in Genesys without being in the state
   (`:TrunkBase` in the cloud dialect, whose create adopts a trunk base by its name).
4. For each of those trunks: `pulumi config set --path 'genesys-trunks:trunks[<i>].adopt' true` (the create
   then takes over the edge the killed run made, instead of failing on it; harmless if none was made).
5. `pulumi refresh --yes --clear-pending-creates`: drops the pending creates and reads every resource in the
   state. (Without the flag a non-interactive refresh keeps pending creates. `--import-pending-creates
   <urn> <id>` is accepted but, in v3.260.0, drops the operation without adding the resource: no use.)
6. `pulumi up --yes`: creates what was not created, adopts the edges of step 4, and takes over a webhook the
   killed run made (the Webhook looks for one with its name and target subscribed to its edge). Then
   remove the `adopt` settings again (`pulumi config rm --path 'genesys-trunks:trunks[<i>].adopt'`): a
   following `up` changes nothing.

Skipping step 4 is safe too: the `up` then stops on those trunks with "an edge with registration host ...
already exists ... set `adopt: true` on the trunk", and nothing is duplicated.
"""

from __future__ import annotations

import json
import time

import pytest

from devtools.trunks_project import SITE_INBOUND, trunk
from tests.support.waiting import wait_until

from .conftest import (
    CLOUD,
    DIALECTS,
    HOOK_URI,
    REPORT,
    OutputReader,
    api_calls,
    kill_cli,
    kill_tree,
    report_kill,
)

pytestmark = [pytest.mark.e2e, pytest.mark.reliability]
SITES = "/api/v2/telephony/providers/edges/sites"


def readable_state(project) -> dict:
    """`pulumi stack export`, after step 3's repair when the kill cut the state's metadata file."""
    proc = project.run("stack", "export", "--stack", project.stack, check=False)
    if proc.returncode != 0 and "failed to load checkpoint: EOF" in proc.stderr:
        for attrs in (project.backend_dir / ".pulumi").rglob("*.attrs"):
            if attrs.stat().st_size == 0:
                attrs.unlink()
        REPORT["state metadata files cut by the kill (deleted, as step 3 says)"] += 1
        proc = project.run("stack", "export", "--stack", project.stack)
    return json.loads(proc.stdout)


def recover(project, trunks: list[dict], entity_type: str = ":Edge") -> list[str]:
    """Steps 2 to 6 of the module docstring, as a user types them; returns the trunks it set to adopt."""
    assert project.lock_files, "a SIGKILLed up leaves its lock"
    refused = project.refresh(check=False)
    assert refused.returncode != 0 and "pulumi cancel" in refused.stdout + refused.stderr
    project.run("cancel", "--yes", "--stack", project.stack)
    assert not project.lock_files

    pending = readable_state(project)["deployment"].get("pending_operations") or []
    assert all(op["type"] == "creating" for op in pending), pending
    interrupted = sorted(
        op["resource"]["inputs"]["name"] for op in pending if op["resource"]["type"].endswith(entity_type)
    )
    paths = [f"genesys-trunks:trunks[{i}].adopt" for i, t in enumerate(trunks) if t["name"] in interrupted]
    for path in paths:
        project.run("config", "set", "--path", path, "true", "--stack", project.stack)
    project.refresh("--clear-pending-creates")
    assert not project.export()["deployment"].get("pending_operations")
    project.up("--diff")
    for path in paths:
        project.run("config", "rm", "--path", path, "--stack", project.stack)
    return interrupted


@pytest.mark.parametrize("dialect", DIALECTS)
def test_up_killed_while_creating_10_trunks_then_recovered(scenario, dialect):
    emu = scenario.start(registration_delay=1.0)
    trunks = [dialect.trunk(f"kill-{i:02d}", hook_token="kill-t0k3n" if i % 2 == 0 else None) for i in range(10)]
    project = scenario.new_project(trunks, dialect=dialect)
    # Four at a time: when the CLI dies some trunks are done, some in flight (held by the emulator after the
    # first six writes, however fast this machine runs the rest), some not started.
    emu.set_faults(holdWritesAfter=6)
    proc = project.up_popen("--parallel", "4")
    output = OutputReader(proc)
    try:
        assert wait_until(lambda: emu.faults()["heldWrites"] >= 1, 120), "the up did not get going"
        killed = kill_cli(proc.pid)
        report_kill("while creating 10 trunks", killed)
        emu.reset_requests()
        time.sleep(2)
        after_the_kill = api_calls(emu.requests())
        REPORT["API calls by the killed run after the kill"] += len(after_the_kill)
        assert killed.left == {}, killed.left
        assert after_the_kill == []
    finally:
        kill_tree(proc)
        emu.clear_faults()  # the writes in flight reach the org now, as they would have without the hold
        assert wait_until(lambda: emu.faults()["heldWrites"] == 0, 30)
        project.record(output.text())
    exported = readable_state(project)["deployment"]
    in_state = [r for r in exported.get("resources") or [] if r["type"].endswith((dialect.entity_type, ":Webhook"))]
    pending = exported.get("pending_operations") or []
    assert pending, "the kill should have caught creates in flight"
    assert len(in_state) < dialect.creates(10, 5), "the kill came too late: everything was created"

    landed = {e["name"] for e in dialect.entities(emu)}
    adopted = recover(project, trunks, dialect.entity_type)
    REPORT["pending creates after the kill"] += len(pending)
    REPORT["trunks adopted by the recovery (edge made by the killed run)"] += len(landed & set(adopted))
    scenario.converge(trunks)


def test_a_webhook_made_by_a_killed_up_is_taken_over_not_duplicated(scenario):
    """The kill lands between a webhook's POST and the engine's checkpoint: the webhook exists, the state
    has only a pending create, and step 5 clears it. Genesys has no unique key for webhooks (unlike edges),
    so the next create must find that webhook instead of POSTing a second one."""
    scenario.start()
    trunks = [trunk("pend-a", webhook={"targetUri": HOOK_URI}), trunk("pend-b", webhook={"targetUri": HOOK_URI})]
    project = scenario.new_project(trunks)
    project.up()
    # The state a SIGKILL leaves when it lands between a webhook's POST and the engine's checkpoint.
    state = project.export()
    deployment = state["deployment"]
    hook = next(r for r in deployment["resources"] if r["type"].endswith(":Webhook") and "pend-a" in r["urn"])
    # What waits on the webhook (pend-a's Registration) was not started yet either.
    deployment["resources"] = [
        r for r in deployment["resources"] if r is not hook and hook["urn"] not in (r.get("dependencies") or [])
    ]
    deployment["pending_operations"] = [
        {"resource": {k: v for k, v in hook.items() if k not in ("id", "outputs")}, "type": "creating"}
    ]
    path = project.workdir / "killed.json"
    path.write_text(json.dumps(state))
    project.run("stack", "import", "--file", str(path), "--stack", project.stack)

    project.refresh("--clear-pending-creates")
    project.up("--diff")
    scenario.converge(trunks)


def test_a_route_made_by_a_killed_up_is_found_not_duplicated(scenario):
    """The kill lands while an outbound route's POST is in flight: the route reaches the org, the state has a
    pending create. Without any `adopt`, the recovery's `up` finds the route by its name and the stack's own
    trunk bases and keeps it as made by the stack (deleted on destroy, not given back like a taken-over one)."""
    emu = scenario.start(registration_delay=1.0)
    trunks = [CLOUD.trunk("kr-a"), CLOUD.trunk("kr-b")]
    project = scenario.new_project(trunks, dialect=CLOUD)
    route = {"name": "Carrier out", "siteId": SITE_INBOUND, "classificationTypes": ["Extension"]}
    project.set_routes([{**route, "trunks": ["kr-a", "kr-b"]}])
    emu.set_faults(holdWritesAfter=0, holdWritesTo="/outboundroutes")  # the route's POST is held
    proc = project.up_popen()
    output = OutputReader(proc)
    try:
        assert wait_until(lambda: emu.faults()["heldWrites"] >= 1, 120), "the up did not get going"
        report_kill("while creating an outbound route", kill_cli(proc.pid))
    finally:
        kill_tree(proc)
        emu.clear_faults()
        assert wait_until(lambda: emu.faults()["heldWrites"] == 0, 30)
        project.record(output.text())
    # Released, the held POST is served: it lands a moment after the hold count drops.
    assert wait_until(lambda: len(routes_named(emu, "Carrier out")) == 1, 30), "the held POST never reached the org"
    landed = routes_named(emu, "Carrier out")
    pending = readable_state(project)["deployment"].get("pending_operations") or []
    assert [op["resource"]["type"] for op in pending if op["resource"]["type"].endswith(":OutboundRoute")]

    assert recover(project, trunks, CLOUD.entity_type) == []
    kept = routes_named(emu, "Carrier out")
    assert [r["id"] for r in kept] == [landed[0]["id"]]
    summary = project.outputs()["outboundRoutes"]["Carrier out"]
    assert summary["routeId"] == landed[0]["id"] and summary["takenOver"] is False
    bases = project.trunks_output()
    assert summary["trunkBaseIds"] == [bases["kr-a"]["trunkBaseId"], bases["kr-b"]["trunkBaseId"]]
    scenario.converge(trunks)
    project.destroy()
    assert routes_named(emu, "Carrier out") == []


def routes_named(emu, name: str) -> list[dict]:
    listed = emu.api("GET", f"{SITES}/{SITE_INBOUND}/outboundroutes", params={"pageSize": 100}).json()["entities"]
    return [r for r in listed if r["name"] == name]
