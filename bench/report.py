"""The figures as a table (stdout) and as JSON (bench/results/), with the issue's targets beside them.

Targets are reported, never asserted: a missed one reads MISSED in the table and ``"met": false`` in the JSON.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

from .requestlog import short_endpoint
from .runner import OpResult

PROVIDER_LIMIT_BYTES = 1024
SCALE_TARGET = 1.3
FLOOR_TARGET = 1.5
#: The operations that wait for the carrier's answer (which the engine floor does not), and their target
#: against the fair limit: the floor plus the emulator's registration delay.
WAITING_OPS = ("create", "update")
WAIT_TARGET = 1.3
#: API calls per trunk of the cloud dialect's create and update (a write each, and the rounds' shared reads).
CLOUD_CALLS_TARGET = 1.3


CLOUD_SUFFIX = "-cloud"


def program_system(dialect: str) -> str:
    """The rows of the program in ``dialect``: `program` (the seed's), `program-cloud`."""
    return "program" if dialect == "seed" else f"program-{dialect}"


def floor_system(dialect: str) -> str:
    """The engine floor shaped as the program in ``dialect`` (as many dynamic resources per trunk)."""
    return "floor" if dialect == "seed" else f"floor-{dialect}"


def _floor_of(system: str) -> str:
    return "floor" + CLOUD_SUFFIX if system.endswith(CLOUD_SUFFIX) else "floor"


def _find(results: list[OpResult], system: str, trunks: int, op: str) -> OpResult | None:
    return next((r for r in results if r.system == system and r.trunks == trunks and r.op == op), None)


def _ratio(a: float | None, b: float | None) -> float | None:
    return round(a / b, 2) if a is not None and b else None


def _plus(seconds: float | None, delay: float | None) -> float | None:
    return seconds + delay if seconds is not None and delay is not None else None


def op_target(r: OpResult, results: list[OpResult], profiles: int, groups: int) -> dict[str, Any] | None:
    """The target for one operation of the program, and whether this run met it. A create reads each SIP
    profile and each edge group once (the preview's catalogue checks), like the profile read of the target."""
    if r.calls is None or not r.system.startswith("program"):
        return None
    c, n = r.calls, r.trunks
    created = _find(results, r.system, n, "create")
    resources = (created.state or {}).get("dynamic_resources") if created else None
    # The cloud dialect's catalogue: the metabase's template and the sites, one read each per run.
    cloud = r.system.endswith(CLOUD_SUFFIX)
    catalogue = ("template", "site") if cloud else ("profile", "group")
    if r.op == "create":
        limit = 3 * n + profiles + groups
        met = c.accepted_api_calls <= limit and c.token_fetches <= 1
        text = f"<= {limit} calls (3/trunk + {profiles} {catalogue[0]} + {groups} {catalogue[1]}), 1 token"
    elif r.op in ("preview", "noop-up"):
        met = c.writes == 0 and c.reads <= profiles and c.token_fetches <= 1
        text = f"0 writes, <= {profiles} read(s)"
    elif r.op == "refresh":
        if resources is None:
            return None
        met = c.writes == 0 and c.accepted_api_calls <= resources
        text = f"<= 1 read/resource ({resources})"
    elif r.op == "destroy":
        if resources is None:
            return None
        met = c.accepted_api_calls == c.deletes and c.deletes <= resources
        text = f"only DELETEs, <= 1/resource ({resources})"
    else:
        return None
    found = {"target": text, "met": bool(met)}
    if not met:
        found["excess"] = excess_calls(c, n, profiles, r.op, groups)
    return found


def excess_calls(c: Any, trunks: int, profiles: int, op: str, groups: int) -> list[str]:
    """The endpoints behind a missed target: more than one call per trunk (per profile or group for those),
    any write on a no-op, anything but DELETE on destroy, more than one token."""
    out = []
    for key, count in (c.by_endpoint or {}).items():
        method, _, path = key.partition(" ")
        if path == "/oauth/token":
            if count > 1:
                out.append(f"{short_endpoint(key)} x{count} (> 1 token)")
            continue
        if "/sipprofiles" in path or path.endswith("/trunkbasesettings/template"):
            allowed, unit = profiles, "profile or template"
        elif "/edgegroups" in path or "/sites" in path:
            allowed, unit = groups, "edge group or site"
        else:
            allowed, unit = trunks, "trunk"
        if op in ("preview", "noop-up") and (method in ("PUT", "DELETE") or (method == "POST" and "query" not in path)):
            out.append(f"{short_endpoint(key)} x{count} (a write on a no-op)")
        elif op == "destroy" and method != "DELETE":
            out.append(f"{short_endpoint(key)} x{count} (not a DELETE)")
        elif count > allowed:
            out.append(f"{short_endpoint(key)} x{count} (> {allowed}, one per {unit})")
    if c.rate_limited:
        out.append(f"{c.rate_limited} x 429 (each counts against the limit)")
    return out


def scale_figures(results: list[OpResult], rate_limit: int | None, window: float = 60.0) -> dict[str, Any] | None:
    """The rate-limited create against the limit's floor (calls / allowed rate)."""
    r = next((x for x in results if x.system == "program-throttled" and x.op == "create"), None)
    if r is None or r.calls is None or not rate_limit:
        return None
    calls = r.calls.accepted_api_calls
    floor = calls / (rate_limit / window)
    # A fixed window lets the first `limit` calls through at once: the earliest possible finish.
    window_floor = window * (math.ceil(calls / rate_limit) - 1)
    ratio = _ratio(r.seconds, floor)
    return {
        "trunks": r.trunks,
        "ok": r.ok,
        "seconds": r.seconds,
        "api_calls": calls,
        "rate_limited_429": r.calls.rate_limited,
        "failed_calls": r.calls.failed,
        "rate_limit_per_minute": rate_limit,
        "floor_seconds": round(floor, 1),
        "fixed_window_floor_seconds": round(window_floor, 1),
        "ratio_to_floor": ratio,
        "target": f"<= {SCALE_TARGET}x floor, no failed operation",
        "met": bool(r.ok and ratio is not None and ratio <= SCALE_TARGET),
        "registration": r.notes.get("registration"),
    }


def carrier_wait(results: list[OpResult], delay: float | None) -> list[dict[str, Any]]:
    """Each dialect's create and update of its largest stack against the fair limit: the engine floor plus the
    registration delay, since the program waits for the carrier's answer and the floor does not."""
    out = []
    for system in ("program", "program" + CLOUD_SUFFIX):
        sizes = [r.trunks for r in results if r.system == system]
        for op in WAITING_OPS if sizes else ():
            r, floor = _find(results, system, max(sizes), op), _find(results, _floor_of(system), max(sizes), op)
            if r is None or r.calls is None or floor is None:
                continue
            limit = _plus(floor.seconds, delay)
            ratio = _ratio(r.seconds, limit)
            per_trunk = round(r.calls.api_calls / r.trunks, 2)
            row: dict[str, Any] = {
                "system": system,
                "trunks": r.trunks,
                "op": op,
                "ok": r.ok,
                "seconds": r.seconds,
                "floor_seconds": floor.seconds,
                "registration_delay": delay,
                "vs_floor": _ratio(r.seconds, floor.seconds),
                "vs_floor_and_delay": ratio,
                "calls_per_trunk": per_trunk,
                "target": f"<= {WAIT_TARGET}x (engine floor + registration delay)",
                "met": bool(r.ok and ratio is not None and ratio <= WAIT_TARGET),
            }
            if system.endswith(CLOUD_SUFFIX):
                row["calls_target"] = f"<= {CLOUD_CALLS_TARGET} calls/trunk"
                row["calls_met"] = per_trunk <= CLOUD_CALLS_TARGET
            out.append(row)
    return out


def build(results: list[OpResult], meta: dict[str, Any]) -> dict[str, Any]:
    profiles = int(meta.get("sip_profiles", 1))
    groups = int(meta.get("edge_groups", 1))
    templates, sites = int(meta.get("cloud_templates", 1)), int(meta.get("cloud_sites", 1))
    delay = meta.get("registration_delay")
    rows = []
    for r in results:
        row = r.to_dict()
        baseline = _find(results, "baseline", r.trunks, r.op)
        floor = _find(results, _floor_of(r.system), r.trunks, r.op)
        measured = r.system in ("program", "program" + CLOUD_SUFFIX)
        row["vs_baseline"] = _ratio(r.seconds, baseline.seconds) if r.system == "program" and baseline else None
        row["vs_floor"] = _ratio(r.seconds, floor.seconds) if measured and floor else None
        waits = measured and r.op in WAITING_OPS
        row["vs_floor_and_delay"] = _ratio(r.seconds, _plus(floor.seconds, delay)) if waits and floor else None
        catalogue = (templates, sites) if r.system.endswith(CLOUD_SUFFIX) else (profiles, groups)
        row["target"] = op_target(r, results, *catalogue)
        rows.append(row)

    unthrottled = None
    sizes = sorted({r.trunks for r in results if r.system == "program"})
    if sizes:
        big = sizes[-1]
        prog, floor = _find(results, "program", big, "create"), _find(results, "floor", big, "create")
        if prog and floor:
            ratio = _ratio(prog.seconds, floor.seconds)
            # The floor makes no API call: against API latency, the floor plus the registration delay is the fair
            # limit (``carrier_wait``), and this target holds only without latency.
            applies = not meta.get("latency_ms")
            unthrottled = {
                "trunks": big,
                "program_seconds": prog.seconds,
                "floor_seconds": floor.seconds,
                "ratio": ratio,
                "target": f"<= {FLOOR_TARGET}x engine floor (unthrottled create)",
                "met": bool(ratio is not None and ratio <= FLOOR_TARGET) if applies else None,
            }

    state_rows = []
    for r in results:
        if r.op == "create" and r.state and not r.system.endswith("throttled") and r.system != "baseline":
            worst = r.state.get("max_provider_bytes") or 0
            state_rows.append(
                {
                    "system": r.system,
                    "trunks": r.trunks,
                    **{k: v for k, v in r.state.items() if k != "types"},
                    "types": r.state["types"],
                    "provider_plaintext_bytes": r.notes.get("provider_plaintext_bytes"),
                    "provider_target": f"< {PROVIDER_LIMIT_BYTES} B of __provider per resource",
                    "provider_met": bool(worst < PROVIDER_LIMIT_BYTES),
                }
            )

    return {
        "meta": meta,
        "results": rows,
        "state": state_rows,
        "scale": scale_figures(results, meta.get("throttled_rate_limit")),
        "unthrottled_vs_floor": unthrottled,
        "carrier_wait": carrier_wait(results, delay),
        "failed": [f"{r.system} n={r.trunks} {r.op}" for r in results if not r.ok],
    }


# ---------------------------------------------------------------------------------------------- text


def _fmt(value: Any, spec: str = "") -> str:
    if value is None:
        return "-"
    return format(value, spec) if spec else str(value)


def _table(headers: list[str], rows: list[list[str]], right: set[int]) -> list[str]:
    widths = [max(len(h), *(len(r[i]) for r in rows)) if rows else len(h) for i, h in enumerate(headers)]

    def line(cells: list[str]) -> str:
        pairs = enumerate(zip(cells, widths, strict=True))
        return "  ".join(c.rjust(w) if i in right else c.ljust(w) for i, (c, w) in pairs)

    return [line(headers), line(["-" * w for w in widths]), *(line(r) for r in rows)]


def render(doc: dict[str, Any]) -> str:
    meta = doc["meta"]
    out = [
        f"genesys-trunks bench  {meta.get('started')}  mode={meta.get('mode')}  sizes={meta.get('sizes')}  "
        f"pulumi {meta.get('pulumi_version')}  {meta.get('cpus')} CPUs  git {meta.get('git')} "
        f"(program files {meta.get('program_digest')})",
        f"Emulator: unthrottled rate limit {meta.get('unthrottled_rate_limit')}/min for every row but "
        f"'program-throttled' ({meta.get('throttled_rate_limit')}/min, the default); registration delay "
        f"{meta.get('registration_delay')} s; latency {meta.get('latency_ms')} ms. Load average (1/5/15 min) "
        f"at start {meta.get('loadavg_start')}, at end {meta.get('loadavg_end')}: other work on the machine "
        "skews the seconds, not the calls.",
        "Apply figures (create, noop-up, update) are `pulumi up --yes --skip-preview`; refresh and destroy also "
        "--skip-preview; 'preview' is a plain `pulumi preview` (what a default `pulumi up` adds before applying).",
        "calls = /api/v2 requests (rate-limited); tokens = POST /oauth/token; reads include the events query; "
        "x-naive/x-floor = this program's seconds / the baseline's or the engine floor's; x-fl+reg (create, "
        "update) = its seconds / (the engine floor's + the registration delay), as the floor does not wait for "
        "the carrier.",
        "",
    ]
    headers = [
        "system",
        "n",
        "op",
        "seconds",
        "calls",
        "/trunk",
        "reads",
        "writes",
        "tokens",
        "429",
        "x-naive",
        "x-floor",
        "x-fl+reg",
        "target",
        "",
    ]
    rows = []
    for r in doc["results"]:
        c = r["calls"] or {}
        t = r["target"]
        per = c.get("api_calls", 0) / r["trunks"] if r["trunks"] and c else None
        status = "" if r["ok"] else "FAILED"
        if t:
            status = ("met" if t["met"] else "MISSED") + ("" if r["ok"] else " FAILED")
        rows.append(
            [
                r["system"],
                str(r["trunks"]),
                r["op"],
                _fmt(r["seconds"], ".2f"),
                _fmt(c.get("api_calls")),
                _fmt(per, ".1f"),
                _fmt(c.get("reads")),
                _fmt(c.get("writes")),
                _fmt(c.get("token_fetches")),
                _fmt(c.get("rate_limited")),
                _fmt(r["vs_baseline"], ".2f"),
                _fmt(r["vs_floor"], ".2f"),
                _fmt(r.get("vs_floor_and_delay"), ".2f"),
                t["target"] if t else "",
                status,
            ]
        )
    out += _table(headers, rows, right={1, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12})

    missed = [r for r in doc["results"] if r["target"] and not r["target"]["met"]]
    if missed:
        out += ["", "Where a call target was missed (from the request log):"]
        for r in missed:
            why = "; ".join(r["target"].get("excess") or []) or "see the endpoints below"
            out.append(f"  {r['system']} n={r['trunks']} {r['op']}: {why}")

    out += [
        "",
        "API calls by endpoint (ids as {id}); [seconds before the first call | first to last call | "
        "after the last call]:",
    ]
    for r in doc["results"]:
        c = r["calls"] or {}
        if r["system"].startswith("floor") and not c.get("api_calls") and not c.get("token_fetches"):
            continue
        eps = ", ".join(f"{short_endpoint(k)} x{v}" for k, v in (c.get("by_endpoint") or {}).items()) or "none"
        span = (r.get("notes") or {}).get("timeline")
        when = ""
        if span:
            when = f"[{span['before_first_call']:.1f} | {span['api_span']:.1f} | {span['after_last_call']:.1f}] "
        out.append(f"  {r['system']:<17} n={r['trunks']:<3} {r['op']:<8} {when}{eps}")
    floors = [r for r in doc["results"] if r["system"].startswith("floor")]
    if floors and all(not (r["calls"] or {}).get("api_calls") for r in floors):
        out.append("  floor              (every op)   none: the engine floor makes no API call")

    if doc["state"]:
        out += ["", "State after create (`pulumi stack export`, compact JSON bytes; __provider = its secret object):"]
        headers = [
            "system",
            "n",
            "total B",
            "B/trunk",
            "dyn/trunk",
            "B/dyn res",
            "type",
            "count",
            "mean B",
            "outputs B",
            "__provider B",
            "plain B",
        ]
        rows = []
        for s in doc["state"]:
            plain = s.get("provider_plaintext_bytes") or {}
            first = True
            for name, t in s["types"].items():
                rows.append(
                    [
                        s["system"] if first else "",
                        str(s["trunks"]) if first else "",
                        _fmt(s["deployment_bytes"]) if first else "",
                        _fmt(s["bytes_per_trunk"]) if first else "",
                        _fmt(s["dynamic_per_trunk"]) if first else "",
                        _fmt(s["bytes_per_dynamic_resource"]) if first else "",
                        name,
                        str(t["count"]),
                        str(t["mean_bytes"]),
                        str(t["mean_output_bytes"]),
                        _fmt(t["provider_bytes"]),
                        _fmt(plain.get(name)),
                    ]
                )
                first = False
        out += _table(headers, rows, right={1, 2, 3, 4, 5, 7, 8, 9, 10, 11})
        prog = [s for s in doc["state"] if s["system"].startswith("program")]
        if prog:
            worst = max((s.get("max_provider_bytes") or 0) for s in prog)
            met = all(s["provider_met"] for s in prog)
            out.append(
                f"  __provider target: < {PROVIDER_LIMIT_BYTES} B per resource -> largest {worst} B "
                f"(stored once in inputs and once in outputs): {'met' if met else 'MISSED'}"
            )

    out += ["", "Scale:"]
    scale = doc.get("scale")
    if scale:
        out.append(
            f"  {scale['trunks']} trunks, create at the default limit ({scale['rate_limit_per_minute']}/min): "
            f"{_fmt(scale['seconds'], '.1f')} s, {scale['api_calls']} calls, {scale['rate_limited_429']} x 429, "
            f"{scale['failed_calls']} failed calls, operation {'ok' if scale['ok'] else 'FAILED'}, "
            f"registration {scale['registration']}"
        )
        out.append(
            f"  floor = calls / allowed rate = {scale['floor_seconds']} s -> {_fmt(scale['ratio_to_floor'])}x "
            f"(target {scale['target']}): {'met' if scale['met'] else 'MISSED'}; a fixed 60 s window lets the "
            f"first {scale['rate_limit_per_minute']} through at once, so the earliest finish is "
            f"{scale['fixed_window_floor_seconds']} s"
        )
    else:
        out.append("  (no rate-limited run)")
    un = doc.get("unthrottled_vs_floor")
    if un:
        out.append(
            f"  {un['trunks']} trunks unthrottled: create {un['program_seconds']:.1f} s vs engine floor "
            f"{un['floor_seconds']:.1f} s -> {un['ratio']}x (target {un['target']}): "
            + ({True: "met", False: "MISSED", None: "not a target at this API latency"}[un["met"]])
        )
    for w in doc.get("carrier_wait") or []:
        calls = ""
        if "calls_target" in w:
            calls = f" (target {w['calls_target']}: {'met' if w['calls_met'] else 'MISSED'})"
        out.append(
            f"  {w['system']} {w['trunks']} trunks {w['op']}: {_fmt(w['seconds'], '.2f')} s vs engine floor "
            f"{_fmt(w['floor_seconds'], '.2f')} s + registration delay {_fmt(w['registration_delay'])} s -> "
            f"{_fmt(w['vs_floor_and_delay'])}x (floor alone {_fmt(w['vs_floor'])}x; target {w['target']}): "
            f"{'met' if w['met'] else 'MISSED'}; {w['calls_per_trunk']} calls/trunk{calls}"
        )
    if doc["failed"]:
        out += ["", "FAILED operations: " + "; ".join(doc["failed"])]
    return "\n".join(out)


def write_json(doc: dict[str, Any], results_dir: Path, name: str) -> Path:
    results_dir.mkdir(parents=True, exist_ok=True)
    path = results_dir / name
    path.write_text(json.dumps(doc, indent=2, sort_keys=False) + "\n")
    return path
