"""The scenario driver: the program, the naive baseline and the engine floor, against one emulator.

Every measured step resets the emulator's request log, runs, and reads the log back; pulumi steps run
the real CLI (devtools/pulumi_cli.py) and time the whole command, as a user waits for it.
"""

from __future__ import annotations

import json
import re
import shutil
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from devtools.pulumi_cli import PulumiProject
from devtools.trunks_project import DEV_CLIENT_ID, DEV_CLIENT_SECRET, REPO, TrunksProject, cloud_trunk, trunk
from emulator.testing import EmulatorHandle

from . import naive_baseline
from .requestlog import CallSummary, summarize, timeline
from .state import provider_plaintext_bytes, state_summary

FLOOR_PROJECT = Path(__file__).resolve().parent / "floor_project"
WEBHOOK_TARGET = "http://127.0.0.1:9/hook"
STACK = "bench"
#: The measured pulumi operations, in the order they run on one stack.
OPS = ("create", "preview", "noop-up", "refresh", "update", "destroy")
SESSIONS_BEFORE, SESSIONS_AFTER = 100, 150

_CHANGE_WORDS = r"(to create|to update|to delete|to replace|created|updated|deleted|replaced|unchanged)"
_CHANGE_RE = re.compile(rf"^\s*(?:[+~-]|\+-|-\+)?\s*(\d+) {_CHANGE_WORDS}\s*$", re.MULTILINE)


@dataclass
class OpResult:
    system: str
    """program | baseline | floor | program-throttled"""
    trunks: int
    op: str
    seconds: float | None = None
    ok: bool = True
    calls: CallSummary | None = None
    state: dict[str, Any] | None = None
    changes: dict[str, int] = field(default_factory=dict)
    notes: dict[str, Any] = field(default_factory=dict)
    error: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "system": self.system,
            "trunks": self.trunks,
            "op": self.op,
            "seconds": self.seconds,
            "ok": self.ok,
            "calls": self.calls.to_dict() if self.calls else None,
            "state": self.state,
            "changes": self.changes,
            "notes": self.notes,
            "error": self.error,
        }


def change_counts(output: str) -> dict[str, int]:
    """The CLI's 'Resources:' summary: {'created': 4, 'unchanged': 1} or {'to update': 2, ...}."""
    return {word: int(n) for n, word in _CHANGE_RE.findall(output)}


def _tail(text: str, lines: int = 25) -> str:
    """The lines that say what went wrong (pulumi's `error:` lines and diagnostics), then the last ones."""
    all_lines = text.strip().splitlines()
    errors = [ln for ln in all_lines if "error" in ln.lower() or "exception" in ln.lower()][:15]
    tail = [ln for ln in all_lines[-lines:] if ln not in errors]
    return "\n".join([*errors, *(["..."] if errors else []), *tail])


#: The cloud dialect's one-field update: the maximum dial timeout of every trunk.
DIAL_TIMEOUT_BEFORE, DIAL_TIMEOUT_AFTER = "2m", "90s"


def bench_trunks(prefix: str, count: int, sessions: int = SESSIONS_BEFORE) -> list[dict[str, Any]]:
    """``count`` trunks, each with a webhook, all on one SIP profile; names unique per run and system."""
    return [
        trunk(f"{prefix}-t{i}", maxConcurrentSessions=sessions, webhook={"targetUri": WEBHOOK_TARGET})
        for i in range(count)
    ]


def bench_cloud_trunks(prefix: str, count: int, dial_timeout: str = DIAL_TIMEOUT_BEFORE) -> list[dict[str, Any]]:
    """``count`` BYOC trunks (cloud dialect), all on one metabase and one inbound site."""
    return [cloud_trunk(f"{prefix}-t{i}", properties={"trunk_maxDialTimeout": dial_timeout}) for i in range(count)]


class Runner:
    def __init__(self, work: Path, *, parallel: int | None = None, log: Callable[[str], None] | None = None) -> None:
        self.work = work
        self.parallel = parallel
        self.results: list[OpResult] = []
        self._log = log or (lambda msg: print(msg, file=sys.stderr, flush=True))
        self._started = time.monotonic()

    def log(self, msg: str) -> None:
        self._log(f"[{time.monotonic() - self._started:6.1f}s] {msg}")

    # ------------------------------------------------------------------------------------------ measuring

    def _pulumi_flags(self) -> tuple[str, ...]:
        return ("--parallel", str(self.parallel)) if self.parallel else ()

    def measure(self, emu: EmulatorHandle, system: str, trunks: int, op: str, action: Callable[[], Any]) -> OpResult:
        """Run one step with a clean request log; a pulumi step fails on a non-zero exit."""
        result = OpResult(system, trunks, op)
        emu.reset_requests()
        wall_start = time.time()
        started = time.perf_counter()
        try:
            outcome = action()
        except Exception as exc:  # noqa: BLE001 - recorded, reported, and the run goes on
            outcome = None
            result.ok, result.error = False, f"{type(exc).__name__}: {_tail(str(exc))}"
        result.seconds = round(time.perf_counter() - started, 3)
        entries = emu.requests()
        result.calls = summarize(entries)
        span = timeline(entries, wall_start, wall_start + result.seconds)
        if span:
            result.notes["timeline"] = span
        if outcome is not None and hasattr(outcome, "returncode"):
            result.changes = change_counts(outcome.stdout)
            if outcome.returncode != 0:
                result.ok = False
                result.error = f"exit {outcome.returncode}\n{_tail(outcome.stdout + outcome.stderr)}"
        self.results.append(result)
        c = result.calls
        self.log(
            f"{system:<17} n={trunks:<3} {op:<8} {result.seconds:7.2f} s  {c.api_calls:4d} calls  "
            f"{c.token_fetches} tokens  {c.rate_limited} x429" + ("" if result.ok else "  FAILED")
        )
        if not result.ok:
            self.log(f"  {result.error}")
        return result

    # ------------------------------------------------------------------------------------------ the program

    def run_program(
        self,
        emu: EmulatorHandle,
        trunks: int,
        *,
        system: str = "program",
        ops: tuple[str, ...] = OPS,
        before_cleanup: Callable[[], Any] | None = None,
        dialect: str = "seed",
    ) -> list[OpResult]:
        """Create, no-op preview, no-op up, refresh, one-field update of every trunk, destroy; ``dialect``:
        the stack's `genesys:dialect` (the cloud's trunks are BYOC trunk bases)."""
        root = self.work / f"{system}-{trunks}"
        prefix = f"{'pt' if 'throttled' in system else 'c' if dialect == 'cloud' else 'p'}{trunks}"
        cloud = dialect == "cloud"

        def configured(updated: bool) -> list[dict[str, Any]]:
            if cloud:
                return bench_cloud_trunks(prefix, trunks, DIAL_TIMEOUT_AFTER if updated else DIAL_TIMEOUT_BEFORE)
            return bench_trunks(prefix, trunks, sessions=SESSIONS_AFTER if updated else SESSIONS_BEFORE)

        project = TrunksProject.create(
            root, emu.url, configured(False), stack=STACK, dialect=dialect if cloud else None
        )
        flags = self._pulumi_flags()
        out: list[OpResult] = []
        created = False
        for op in ops:
            if op != "destroy" and out and not out[-1].ok:
                continue  # a failed step leaves nothing meaningful to measure but the cleanup
            if op == "create":
                res = self.measure(emu, system, trunks, op, lambda: project.up(*flags, check=False))
                created = True
                if res.ok:
                    export = project.export()
                    res.state = state_summary(export, trunks)
                    secret_export = project.run("stack", "export", "--show-secrets", "--stack", STACK).stdout
                    res.notes["provider_plaintext_bytes"] = provider_plaintext_bytes(json.loads(secret_export))
                    res.notes["registration"] = self._registration_outcomes(project)
            elif op == "preview":
                res = self.measure(emu, system, trunks, op, lambda: project.preview(*flags, check=False))
            elif op == "noop-up":
                res = self.measure(emu, system, trunks, op, lambda: project.up(*flags, check=False))
            elif op == "refresh":
                res = self.measure(emu, system, trunks, op, lambda: project.refresh(*flags, check=False))
                if res.ok:
                    res.state = state_summary(project.export(), trunks)
            elif op == "update":
                project.set_trunks(configured(True))
                res = self.measure(emu, system, trunks, op, lambda: project.up(*flags, check=False))
                if res.ok:
                    res.state = state_summary(project.export(), trunks)
            elif op == "destroy":
                if not created:
                    continue
                res = self.measure(emu, system, trunks, op, lambda: project.destroy(*flags, check=False))
            else:
                raise ValueError(f"unknown op {op!r}")
            out.append(res)
        if "destroy" not in ops and created:
            if before_cleanup is not None:
                before_cleanup()
            self.cleanup_program(project, system, trunks)
        shutil.rmtree(root, ignore_errors=True)
        return out

    def cleanup_program(self, project: PulumiProject, system: str, trunks: int) -> None:
        """Unmeasured destroy (e.g. after the rate-limited create, with the limit lifted)."""
        proc = project.destroy(*self._pulumi_flags(), check=False)
        if proc.returncode != 0:
            self.log(f"{system} n={trunks}: cleanup destroy failed:\n{_tail(proc.stdout + proc.stderr)}")

    @staticmethod
    def _registration_outcomes(project: TrunksProject) -> dict[str, int]:
        counts: dict[str, int] = {}
        for summary in project.trunks_output().values():
            status = str(summary.get("registrationStatus"))
            counts[status] = counts.get(status, 0) + 1
        return counts

    # ------------------------------------------------------------------------------------------ the floor

    def run_floor(
        self, emu: EmulatorHandle, trunks: int, per_trunk: int, system: str = "floor", webhook: bool = True
    ) -> list[OpResult]:
        """The same operations on the no-op project: what the engine costs with no API work at all;
        ``webhook``: whether the program's trunks have one (the cloud dialect's have none)."""
        root = self.work / f"{system}-{trunks}"
        workdir = root / "bench-floor"
        shutil.copytree(FLOOR_PROJECT, workdir, ignore=shutil.ignore_patterns("__pycache__", "Pulumi.*.yaml"))
        (workdir / ".venv").symlink_to(REPO / ".venv")
        project = PulumiProject(workdir=workdir, stack=STACK, backend_dir=root / "state")
        project.init()
        stack_file = workdir / f"Pulumi.{STACK}.yaml"

        def configure(sessions: int) -> None:
            doc = yaml.safe_load(stack_file.read_text()) or {}
            doc.setdefault("config", {}).update(
                {
                    "bench-floor:trunks": trunks,
                    "bench-floor:perTrunk": per_trunk,
                    "bench-floor:sessions": sessions,
                    "bench-floor:webhook": webhook,
                }
            )
            stack_file.write_text(yaml.safe_dump(doc, sort_keys=False))

        configure(SESSIONS_BEFORE)
        flags = self._pulumi_flags()
        steps: list[tuple[str, Callable[[], Any]]] = [
            ("create", lambda: project.up(*flags, check=False)),
            ("preview", lambda: project.preview(*flags, check=False)),
            ("noop-up", lambda: project.up(*flags, check=False)),
            ("refresh", lambda: project.refresh(*flags, check=False)),
            ("update", lambda: project.up(*flags, check=False)),
            ("destroy", lambda: project.destroy(*flags, check=False)),
        ]
        out: list[OpResult] = []
        for op, action in steps:
            if op == "update":
                configure(SESSIONS_AFTER)
            if op != "destroy" and out and not out[-1].ok:
                continue
            res = self.measure(emu, system, trunks, op, action)
            if op == "create" and res.ok:
                res.state = state_summary(project.export(), trunks)
            out.append(res)
        shutil.rmtree(root, ignore_errors=True)
        return out

    # ------------------------------------------------------------------------------------------ the baseline

    def run_baseline(self, emu: EmulatorHandle, trunks: int, sleep: float) -> list[OpResult]:
        """The seed's call sequence (bench/naive_baseline.py), then its delete counterpart."""
        specs = bench_trunks(f"b{trunks}", trunks)
        created: list[naive_baseline.Provisioned] = []

        def provision() -> None:
            created.extend(naive_baseline.provision(emu.url, specs, DEV_CLIENT_ID, DEV_CLIENT_SECRET, sleep))

        first = self.measure(emu, "baseline", trunks, "create", provision)
        first.notes["sleep_seconds"] = sleep
        outcomes: dict[str, int] = {}
        for item in created:
            outcomes[str(item.registration_status)] = outcomes.get(str(item.registration_status), 0) + 1
        first.notes["registration"] = outcomes
        second = self.measure(
            emu,
            "baseline",
            trunks,
            "destroy",
            lambda: naive_baseline.deprovision(emu.url, created, DEV_CLIENT_ID, DEV_CLIENT_SECRET),
        )
        return [first, second]
