"""bench/: the counting, the state sizes, the report and the naive baseline, without the pulumi CLI."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from bench import naive_baseline, report
from bench.requestlog import normalize_path, short_endpoint, summarize, timeline
from bench.runner import OpResult, change_counts
from bench.state import state_summary
from emulator.testing import running_emulator

EDGE = "/api/v2/telephony/providers/edges"
UUID = "3f1d2c4b-5a69-4e7f-8a1b-0c2d3e4f5a01"


def entry(method: str, path: str, status: int = 200, time: str = "2026-11-28T13:00:00.000Z") -> dict:
    return {"method": method, "path": path, "status": status, "time": time, "durationMs": 2.0}


def test_ids_in_paths_are_normalised() -> None:
    assert normalize_path(f"{EDGE}/{UUID}") == f"{EDGE}/{{id}}"
    assert normalize_path(f"{EDGE}/edgegroups") == f"{EDGE}/edgegroups"
    assert normalize_path("/api/v2/webhooks/0123456789abcdef0123") == "/api/v2/webhooks/{id}"
    assert short_endpoint(f"GET {EDGE}/{{id}}") == "GET edges/{id}"


def test_summary_counts_reads_writes_tokens_and_429s() -> None:
    log = [
        entry("POST", "/oauth/token"),
        entry("GET", f"/api/v2/telephony/providers/sipprofiles/{UUID}"),
        entry("POST", EDGE, 201),
        entry("POST", EDGE, 429),
        entry("POST", "/api/v2/analytics/events/query"),
        entry("DELETE", f"/api/v2/webhooks/{UUID}", 204),
        entry("PUT", f"{EDGE}/{UUID}", 409),
    ]
    c = summarize(log)
    assert (c.api_calls, c.accepted_api_calls, c.token_fetches, c.rate_limited) == (6, 5, 1, 1)
    assert (c.reads, c.writes, c.deletes, c.failed) == (2, 3, 1, 1)
    assert c.by_endpoint[f"POST {EDGE}"] == 2
    assert c.by_endpoint[f"PUT {EDGE}/{{id}}"] == 1


def test_timeline_splits_the_command() -> None:
    log = [entry("GET", EDGE, time="2026-11-28T13:00:01.000Z"), entry("GET", EDGE, time="2026-11-28T13:00:03.000Z")]
    start = datetime(2026, 11, 28, 13, tzinfo=UTC).timestamp()
    span = timeline(log, start, start + 5)
    assert span == {"before_first_call": 1.0, "api_span": 2.0, "after_last_call": 2.0}


def test_change_counts_reads_the_cli_summary() -> None:
    out = "Resources:\n    + 4 created\n    ~ 2 updated\n    3 unchanged\n\nDuration: 2s\n"
    assert change_counts(out) == {"created": 4, "updated": 2, "unchanged": 3}


def test_state_summary_measures_the_provider_secret() -> None:
    secret = {"4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", "ciphertext": "v1:abc"}
    dyn = {
        "type": "pulumi-python:dynamic/genesys:Edge",
        "inputs": {"__provider": secret},
        "outputs": {"__provider": secret, "name": "a"},
    }
    export = {"deployment": {"resources": [{"type": "pulumi:pulumi:Stack", "outputs": {}}, dyn, dict(dyn)]}}
    s = state_summary(export, trunks=2)
    assert s["dynamic_resources"] == 2 and s["dynamic_per_trunk"] == 1.0
    edge = s["types"]["Edge"]
    assert edge["count"] == 2 and edge["provider_bytes"] == edge["provider_bytes_in_inputs"] > 60


def test_report_reports_targets_and_ratios(tmp_path: Path) -> None:
    log = [entry("POST", "/oauth/token"), *[entry("POST", EDGE, 201) for _ in range(6)]]
    results = [
        OpResult(
            "program",
            1,
            "create",
            3.0,
            calls=summarize(log),
            state={
                "dynamic_resources": 2,
                "dynamic_per_trunk": 2.0,
                "types": {},
                "max_provider_bytes": 200,
                "deployment_bytes": 1,
                "resources": 3,
                "bytes_per_trunk": 1,
                "bytes_per_dynamic_resource": 1,
            },
        ),
        OpResult("floor", 1, "create", 1.5, calls=summarize([])),
        OpResult("baseline", 1, "create", 2.0, calls=summarize([])),
    ]
    doc = report.build(results, {"sip_profiles": 1, "throttled_rate_limit": None})
    row = doc["results"][0]
    assert row["vs_floor"] == 2.0 and row["vs_baseline"] == 1.5
    assert row["target"]["met"] is False and any("edges x6" in e for e in row["target"]["excess"])
    text = report.render({**doc, "meta": {}})
    assert "MISSED" in text and "program" in text
    assert report.write_json(doc, tmp_path, "x.json").exists()


def test_report_sets_the_waiting_ops_against_the_floor_plus_the_registration_delay() -> None:
    """Create and update wait for the carrier, which the engine floor does not: their fair limit is the floor
    plus the registration delay. The cloud's calls per trunk are reported against their target too."""
    write = [entry("POST", EDGE, 201)] * 10
    reads = [entry("POST", "/api/v2/audits/query/realtime"), entry("GET", f"{EDGE}/trunks")]
    results = [
        OpResult("program-cloud", 10, "create", 5.2, calls=summarize(write + reads)),
        OpResult("floor-cloud", 10, "create", 3.0, calls=summarize([])),
        OpResult("program-cloud", 10, "update", 6.0, calls=summarize(write + reads * 3)),
        OpResult("floor-cloud", 10, "update", 3.0, calls=summarize([])),
        OpResult("program-cloud", 10, "refresh", 2.0, calls=summarize([])),
        OpResult("floor-cloud", 10, "refresh", 1.0, calls=summarize([])),
        OpResult("program", 10, "create", 4.0, calls=summarize(write * 2)),
        OpResult("floor", 10, "create", 4.0, calls=summarize([])),
    ]
    doc = report.build(results, {"registration_delay": 1.0, "throttled_rate_limit": None})
    by_op = {(r["system"], r["op"]): r for r in doc["results"]}
    assert by_op["program-cloud", "create"]["vs_floor_and_delay"] == 1.3
    assert by_op["program-cloud", "create"]["vs_floor"] == 1.73
    assert by_op["program-cloud", "refresh"]["vs_floor_and_delay"] is None  # it does not wait
    assert by_op["floor-cloud", "create"]["vs_floor_and_delay"] is None
    waits = {(w["system"], w["op"]): w for w in doc["carrier_wait"]}
    assert sorted(waits) == [("program", "create"), ("program-cloud", "create"), ("program-cloud", "update")]
    assert waits["program-cloud", "create"]["met"] is True and waits["program-cloud", "create"]["calls_met"] is True
    assert (
        waits["program-cloud", "update"]["vs_floor_and_delay"] == 1.5
        and waits["program-cloud", "update"]["met"] is False
    )
    assert (
        waits["program-cloud", "update"]["calls_per_trunk"] == 1.6
        and waits["program-cloud", "update"]["calls_met"] is False
    )
    assert waits["program", "create"]["vs_floor_and_delay"] == 0.8 and "calls_met" not in waits["program", "create"]
    text = report.render(doc)
    assert "x-fl+reg" in text
    assert "program-cloud 10 trunks update: 6.00 s vs engine floor 3.00 s + registration delay 1.0 s -> 1.5x" in text
    assert "1.6 calls/trunk (target <= 1.3 calls/trunk: MISSED)" in text


def test_naive_baseline_makes_the_seed_calls(tmp_path: Path) -> None:
    trunks = naive_baseline._demo_trunks(2, "smoke-")
    with running_emulator(tmp_path, registration_delay=0.05) as emu:
        done = naive_baseline.provision(emu.url, trunks, emu.client_id, emu.client_secret, sleep=0.2)
        created = summarize(emu.requests())
        emu.reset_requests()
        naive_baseline.deprovision(emu.url, done, emu.client_id, emu.client_secret)
        deleted = summarize(emu.requests())
        left = emu.api("GET", EDGE, params={"pageSize": 100}).json()["entities"]
    assert created.token_fetches == 2 and created.api_calls == 8  # per trunk: profile, edge, webhook, query
    assert [d.registration_status for d in done] == ["registered", "registered"]
    assert deleted.deletes == 4 and deleted.token_fetches == 2
    assert not [e for e in left if e["name"].startswith("smoke-")]
