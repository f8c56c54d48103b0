"""``python -m bench --state-backends``: the create of N trunks with the state in a bucket of the bundled S3
server against the file backend, in one run on one emulator: what a team's shared state costs an `up`.

Each round creates a fresh stack on each backend (the order rotates between rounds, so a machine that
slows down does not favour one backend), times the whole `pulumi up` as a user waits for it, and destroys it
unmeasured. The ratio compares the medians; the target is at most 1.3x. `s3-gzip` and `s3-zstd` are the bucket
with the CLI's compression of the state (`PULUMI_DIY_BACKEND_GZIP=true`, `PULUMI_DIY_BACKEND_ZSTD=true`): what
the bigger stacks' state costs on the wire.
"""

from __future__ import annotations

import statistics
import time
from functools import partial
from pathlib import Path
from typing import Any

from devtools.state_server import StateServer, running_state_server
from devtools.trunks_project import TrunksProject
from emulator.testing import running_emulator

from .runner import OpResult, Runner, bench_trunks

TARGET = 1.3
UNTHROTTLED = 1_000_000
PROJECT = "genesys-trunks"
BACKENDS = ("file", "s3", "s3-gzip", "s3-zstd")


def compression(backend: str) -> dict[str, str]:
    """The CLI's compression of the state, named after the backend's dash (`s3-gzip`), each kind set explicitly:
    the Makefile exports one, and the CLI refuses both at once."""
    kind = backend.partition("-")[2]
    return {f"PULUMI_DIY_BACKEND_{k.upper()}": str(kind == k).lower() for k in ("gzip", "zstd")}


def system(backend: str) -> str:
    return f"program-{backend}-state"


def run(work: Path, trunks: int, rounds: int, parallel: int | None = None) -> dict[str, Any]:
    """Measure, and the figures as a JSON-able document (``results``: every create; ``ratio``: s3 / file)."""
    runner = Runner(work, parallel=parallel)
    flags = ("--parallel", str(parallel)) if parallel else ()
    objects: dict[str, Any] = {}
    with (
        running_emulator(
            work / "emulator", rate_limit=UNTHROTTLED, token_rate_limit=UNTHROTTLED, log_level="warning"
        ) as emu,
        running_state_server(work / "state-server") as s3,
    ):
        for i in range(rounds):
            for backend in BACKENDS[i % len(BACKENDS) :] + BACKENDS[: i % len(BACKENDS)]:
                stack = f"bench-{backend}-{i}"
                env = {**({} if backend == "file" else s3.env), **compression(backend)}
                project = TrunksProject.create(
                    work / stack, emu.url, bench_trunks(f"{backend[0]}{i}", trunks), stack=stack, extra_env=env
                )
                res = runner.measure(emu, system(backend), trunks, "create", partial(project.up, *flags, check=False))
                res.notes["round"] = i
                if backend.startswith("s3") and res.ok:
                    objects[backend] = _bucket(s3, stack)
                runner.cleanup_program(project, system(backend), trunks)
    medians = {b: _median(runner.results, system(b)) for b in BACKENDS}
    ratios = {b: _ratio(medians[b], medians["file"]) for b in BACKENDS if b != "file"}
    return {
        "trunks": trunks,
        "rounds": rounds,
        "median_seconds": medians,
        "ratios": ratios,
        "target": TARGET,
        "met": {b: r is not None and r <= TARGET for b, r in ratios.items()},
        "bucket_after_create": objects,
        "results": [r.to_dict() for r in runner.results],
        "failed": [f"{r.system} {r.op}" for r in runner.results if not r.ok],
    }


def _ratio(a: float | None, b: float | None) -> float | None:
    return round(a / b, 2) if a and b else None


def _median(results: list[OpResult], name: str) -> float | None:
    seconds = [r.seconds for r in results if r.system == name and r.ok and r.seconds is not None]
    return round(statistics.median(seconds), 2) if seconds else None


def _bucket(s3: StateServer, stack: str) -> dict[str, Any]:
    """What the create left in the bucket: objects, and the checkpoint's size."""
    started = time.perf_counter()
    keys = s3.keys()
    checkpoint = next((k for k in keys if f"/stacks/{PROJECT}/{stack}.json" in k), None)
    size = (
        s3.client().head_object(Bucket=s3.bucket, Key=checkpoint)["ContentLength"] if checkpoint is not None else None
    )
    return {
        "objects": len(keys),
        "checkpoint_bytes": size,
        "list_seconds": round(time.perf_counter() - started, 3),
    }


def render(doc: dict[str, Any]) -> str:
    lines = [f"State backends: the create of {doc['trunks']} trunks (each with a webhook), {doc['rounds']} round(s)"]
    lines.append(f"{'backend':<22} {'round':>5} {'seconds':>8} {'API calls':>9}  result")
    for r in doc["results"]:
        calls = (r.get("calls") or {}).get("api_calls", "-")
        lines.append(
            f"{r['system']:<22} {r['notes'].get('round', '-'):>5} {r['seconds']:>8.2f} {calls:>9}  "
            + ("ok" if r["ok"] else f"FAILED {r['error']}")
        )
    med = doc["median_seconds"]
    lines.append("median: " + ", ".join(f"{b} {s} s" for b, s in med.items()))
    for backend, ratio in doc["ratios"].items():
        verdict = "met" if doc["met"][backend] else "MISSED"
        lines.append(f"{backend} / file = {ratio} (target <= {doc['target']}: {verdict})")
    for backend, bucket in doc["bucket_after_create"].items():
        lines.append(
            f"{backend}: bucket after a create: {bucket['objects']} objects, checkpoint {bucket['checkpoint_bytes']} "
            "bytes"
        )
    return "\n".join(lines)
