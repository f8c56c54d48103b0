"""``python -m bench [--quick]`` (``make bench``): measure the program against the emulator, print a table,
write JSON under bench/results/.

Full run: stacks of 1, 10 and 50 trunks through the real pulumi CLI (create, no-op preview, no-op up,
refresh, one-field update, destroy), the naive baseline and the engine floor beside each, all on one
unthrottled emulator; then the largest stack's create on a second emulator at the default rate limit
(100 requests/minute). ``--quick``: 1 and 10 trunks.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from devtools.pulumi_cli import pulumi_binary
from devtools.trunks_project import PROGRAM_FILES, REPO
from emulator.testing import running_emulator

from . import backends, report
from .naive_baseline import SEED_SLEEP_SECONDS
from .runner import Runner

UNTHROTTLED = 1_000_000
DEFAULT_SIZES = (1, 10, 50)
QUICK_SIZES = (1, 10)
#: The program rows' API dialects: the seed's edges (with webhooks), the Platform API's BYOC trunk bases.
DIALECTS = ("seed", "cloud")


def _sizes(text: str) -> tuple[int, ...]:
    sizes = tuple(int(s) for s in text.split(",") if s.strip())
    if not sizes or min(sizes) < 1:
        raise argparse.ArgumentTypeError("a comma-separated list of trunk counts >= 1, e.g. 1,10,50")
    return sizes


def _dialects(text: str) -> tuple[str, ...]:
    chosen = tuple(d.strip() for d in text.split(",") if d.strip())
    if not chosen or set(chosen) - set(DIALECTS):
        raise argparse.ArgumentTypeError(f"a comma-separated list of {', '.join(DIALECTS)}")
    return chosen


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    ap = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="1 and 10 trunks only (a check, about 2 minutes)")
    ap.add_argument("--sizes", type=_sizes, help="trunk counts to measure, e.g. 1,10,50 (overrides --quick)")
    ap.add_argument("--throttled-size", type=int, help="trunks of the rate-limited create (default: largest size)")
    ap.add_argument("--no-throttled", action="store_true", help="skip the create at the default rate limit")
    ap.add_argument("--no-baseline", action="store_true", help="skip the naive baseline")
    ap.add_argument("--no-floor", action="store_true", help="skip the engine floor")
    ap.add_argument(
        "--dialects",
        type=_dialects,
        default=DIALECTS,
        help="API dialects of the program rows, e.g. seed or seed,cloud (default: both)",
    )
    ap.add_argument(
        "--baseline-sleep",
        type=float,
        default=SEED_SLEEP_SECONDS,
        help=f"the baseline's fixed wait per trunk (the seed's: {SEED_SLEEP_SECONDS} s)",
    )
    ap.add_argument(
        "--floor-per-trunk",
        type=int,
        choices=(1, 2, 3),
        help="dynamic resources per trunk in the engine floor (default: as many as the program has)",
    )
    ap.add_argument(
        "--parallel",
        type=int,
        help="pass --parallel N to every pulumi command (default: PULUMI_PARALLEL, 64 as `make` sets it)",
    )
    ap.add_argument("--latency-ms", type=int, default=0, help="emulator latency per /api/v2 request (default 0)")
    ap.add_argument(
        "--state-backends",
        action="store_true",
        help="instead: the create of the largest size (default 50) on the bundled S3 server against the file backend",
    )
    ap.add_argument("--rounds", type=int, default=2, help="creates per backend for --state-backends (default 2)")
    ap.add_argument("--results-dir", type=Path, default=REPO / "bench" / "results")
    ap.add_argument("--workdir", type=Path, help="where projects, state and emulators go (default: a temp dir)")
    ap.add_argument("--keep", action="store_true", help="keep the work directory")
    return ap.parse_args(argv)


def _git_describe() -> str:
    try:
        rev = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=REPO, capture_output=True, text=True, check=True
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--", *PROGRAM_FILES],
            cwd=REPO,
            capture_output=True,
            text=True,
        ).stdout.strip()
        return rev + ("+dirty" if dirty else "")
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def _program_digest() -> str:
    """A short hash of the measured program's files: the working tree may differ from any commit."""
    digest = hashlib.sha256()
    for name in PROGRAM_FILES:
        root = REPO / name
        files = sorted(p for p in root.rglob("*.py") if "__pycache__" not in p.parts) if root.is_dir() else [root]
        for path in files:
            digest.update(str(path.relative_to(REPO)).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:12]


def _pulumi_version() -> str:
    try:
        return subprocess.run([pulumi_binary(), "version"], capture_output=True, text=True).stdout.strip()
    except (OSError, RuntimeError):
        return "unknown"


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    sizes = args.sizes or (QUICK_SIZES if args.quick else DEFAULT_SIZES)
    throttled_size = args.throttled_size or max(sizes)
    mode = "custom" if args.sizes else ("quick" if args.quick else "full")
    started = datetime.now(UTC)
    work = args.workdir or Path(tempfile.mkdtemp(prefix="genesys-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    if args.state_backends:
        return _state_backends(args, max(args.sizes or (50,)), work, started)
    runner = Runner(work, parallel=args.parallel)
    emulator_opts: dict[str, Any] = {"log_level": "warning", "latency_ms": args.latency_ms or None}
    meta: dict[str, Any] = {
        "started": started.isoformat(timespec="seconds"),
        "mode": mode,
        "sizes": list(sizes),
        "throttled_size": None if args.no_throttled else throttled_size,
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "pulumi_version": _pulumi_version(),
        "git": _git_describe(),
        "program_digest": _program_digest(),
        "parallel": args.parallel,
        "latency_ms": args.latency_ms,
        "registration_delay": 1.0,
        "baseline_sleep": args.baseline_sleep,
        "unthrottled_rate_limit": UNTHROTTLED,
        "throttled_rate_limit": None,
        "sip_profiles": 1,
        "edge_groups": 1,
        "dialects": list(args.dialects),
        "cloud_templates": 1,
        "cloud_sites": 1,
        "loadavg_start": [round(x, 2) for x in os.getloadavg()],
    }
    clock = time.monotonic()
    try:
        with running_emulator(
            work / "emulator-unthrottled", rate_limit=UNTHROTTLED, token_rate_limit=UNTHROTTLED, **emulator_opts
        ) as emu:
            meta["registration_delay"] = emu.settings().get("registrationDelaySeconds", 1.0)
            for n in sizes:
                for dialect in args.dialects:
                    system = report.program_system(dialect)
                    program = runner.run_program(emu, n, system=system, dialect=dialect)
                    created = next((r.state for r in program if r.op == "create" and r.state), None)
                    per_trunk = args.floor_per_trunk or (round(created["dynamic_per_trunk"]) if created else 3)
                    meta.setdefault("floor_per_trunk", {}).setdefault(dialect, {})[str(n)] = per_trunk
                    if not args.no_floor:
                        floor = report.floor_system(dialect)
                        runner.run_floor(emu, n, per_trunk, system=floor, webhook=dialect == "seed")
                if not args.no_baseline:
                    runner.run_baseline(emu, n, args.baseline_sleep)
        if not args.no_throttled:
            with running_emulator(work / "emulator-default", **emulator_opts) as emu:
                meta["throttled_rate_limit"] = emu.settings()["rateLimitPerMinute"]
                runner.run_program(
                    emu,
                    throttled_size,
                    system="program-throttled",
                    ops=("create",),
                    before_cleanup=lambda: emu.settings(rate_limit_per_minute=UNTHROTTLED),
                )
    except KeyboardInterrupt:
        runner.log("interrupted: reporting what was measured")
    finally:
        meta["total_seconds"] = round(time.monotonic() - clock, 1)
        meta["loadavg_end"] = [round(x, 2) for x in os.getloadavg()]
        if not args.keep and not args.workdir:
            shutil.rmtree(work, ignore_errors=True)

    doc = report.build(runner.results, meta)
    print(report.render(doc))
    name = f"bench-{started.strftime('%Y%m%dT%H%M%SZ')}-{mode}.json"
    path = report.write_json(doc, args.results_dir, name)
    print(
        f"\nJSON: {path.relative_to(REPO) if path.is_relative_to(REPO) else path}   (total {meta['total_seconds']} s)"
    )
    return 1 if doc["failed"] else 0


def _state_backends(args: argparse.Namespace, trunks: int, work: Path, started: datetime) -> int:
    """`--state-backends`: the file and S3 backends' creates (bench/backends.py), printed and written as JSON."""
    try:
        doc = backends.run(work, trunks, args.rounds, parallel=args.parallel)
    finally:
        if not args.keep and not args.workdir:
            shutil.rmtree(work, ignore_errors=True)
    doc["meta"] = {"started": started.isoformat(timespec="seconds"), "cpus": os.cpu_count(), "git": _git_describe()}
    print(backends.render(doc))
    path = report.write_json(doc, args.results_dir, f"bench-{started.strftime('%Y%m%dT%H%M%SZ')}-state-backends.json")
    print(f"\nJSON: {path.relative_to(REPO) if path.is_relative_to(REPO) else path}")
    return 1 if doc["failed"] else 0


if __name__ == "__main__":
    sys.exit(main())
