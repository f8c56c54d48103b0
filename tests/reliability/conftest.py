"""Reliability suite: the real engine and providers against an emulator that misbehaves.

Every scenario gets its own emulator (faults, rate limits and token lifetimes are per emulator), drives
the program through the pulumi CLI with a `RecordingProject` (which keeps every line the CLI printed),
and ends with `converge()`: faults off, one `pulumi up` to repair, a second `pulumi up` that must report
no changes and write nothing, the emulator holding exactly the edges and webhooks (in the cloud dialect,
the trunk bases) the config names (no duplicate, no orphan) and the state pointing at them, and no secret
in plaintext anywhere. Scenarios that are the same in both API dialects are parametrized over ``DIALECTS``.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import signal
import subprocess
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from devtools.pulumi_cli import PulumiError, pulumi_binary
from devtools.trunks_project import DEV_CLIENT_SECRET, PASSWORD_BLOCKS, TrunksProject, cloud_trunk, trunk
from emulator.testing import EmulatorHandle, running_emulator
from entities.trunk_base import CODEC_MIME
from tests.e2e.conftest import api_calls, writes
from tests.support.processes import alive, command_line, kill_tree, process_tree
from tests.support.report import REPORT, tally

__all__ = ["REPORT", "api_calls", "command_line", "kill_tree", "process_tree", "writes"]

EDGES = "/api/v2/telephony/providers/edges"
TRUNK_BASES = f"{EDGES}/trunkbasesettings"
WEBHOOKS = "/api/v2/webhooks"
#: A loopback receiver nobody listens on: deliveries fail quietly in the emulator's background thread.
HOOK_URI = "http://127.0.0.1:9/genesys-events"
#: Fast carriers and no throttling unless a scenario asks for it.
FAST_EMULATOR: dict[str, Any] = {
    "registration_delay": 0.3,
    "rate_limit": 100_000,
    "token_rate_limit": 100_000,
    "delivery_backoff": 0.1,
    "log_level": "warning",
}

# --------------------------------------------------------------------------------------------- the report


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "reliability: fault, crash, bad-input and secret scenarios (tests/reliability)")


def tally_faults(requests: list[dict]) -> Counter[str]:
    """Faults the emulator injected, as its request log shows them (call before resetting the log)."""
    seen: Counter[str] = Counter()
    for r in requests:
        if r.get("fault"):
            seen[f"faults injected: {r['fault']}"] += 1
        elif r["status"] == 429:
            seen["faults injected: 429 rate limited"] += 1
        elif r["status"] == 401 and r["path"].startswith("/api/v2"):
            seen["faults injected: 401 expired token"] += 1
    tally(seen)
    return seen


# --------------------------------------------------------------------------------------------- the project


class RecordingProject(TrunksProject):
    """A TrunksProject that keeps everything the CLI printed, to look for secrets in it later."""

    @property
    def transcript(self) -> list[str]:
        return self.__dict__.setdefault("_transcript", [])

    def record(self, text: str) -> None:
        self.transcript.append(text)

    def run(self, *args: str, check: bool = True, timeout: float = 600) -> subprocess.CompletedProcess:
        proc = super().run(*args, check=False, timeout=timeout)
        # What the CLI printed; not its arguments (`config set-all --secret` carries secrets by design).
        self.record(f"$ pulumi {args[0]} ...\n{proc.stdout}\n{proc.stderr}")
        if check and proc.returncode != 0:
            raise PulumiError(
                f"`pulumi {args[0]} ...` exited {proc.returncode}\n"
                f"--- stdout ---\n{proc.stdout}\n--- stderr ---\n{proc.stderr}"
            )
        return proc

    def up_popen(self, *extra: str) -> subprocess.Popen:
        """`pulumi up` in the background (to kill it, or to disturb the emulator while it runs)."""
        return self.popen("up", "--yes", "--skip-preview", "--stack", self.stack, *extra)

    def popen(self, *args: str) -> subprocess.Popen:
        """A pulumi command in the background, its output (stdout and stderr) on its stdout pipe."""
        cmd = [pulumi_binary(), *args, "--non-interactive"]
        return subprocess.Popen(
            cmd, cwd=self.workdir, env=self.env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
        )

    @property
    def lock_files(self) -> list[Path]:
        locks = self.backend_dir / ".pulumi" / "locks"
        return sorted(p for p in locks.rglob("*.json")) if locks.exists() else []


def secrets_of(trunks: Iterable[dict[str, Any]]) -> set[str]:
    """Every value of these trunks that must never appear in plaintext."""
    found = set()
    for t in trunks:
        for block_name in PASSWORD_BLOCKS:
            block = t.get(block_name)
            if isinstance(block, dict) and isinstance(block.get("password"), str):
                found.add(block["password"])
        webhook = t.get("webhook")
        if isinstance(webhook, dict) and isinstance(webhook.get("headers"), dict):
            found.update(v for v in webhook["headers"].values() if isinstance(v, str))
    return found


# --------------------------------------------------------------------------------------------- the dialects


class SeedUnderTest:
    """A scenario's trunks in the seed dialect: edges, with status webhooks."""

    name = "seed"
    entities_path = EDGES
    entity_type = ":Edge"
    has_webhooks = True
    project_options: dict[str, Any] = {}

    def trunk(self, name: str, *, hook_token: str | None = None) -> dict[str, Any]:
        """A trunk; with a status webhook whose header carries ``hook_token`` (a receiver's secret) when given."""
        if hook_token is None:
            return trunk(name)
        return trunk(name, webhook={"targetUri": HOOK_URI, "headers": {"X-Receiver-Token": hook_token}})

    def trunks(self, prefix: str, count: int, *, hooks: int) -> list[dict[str, Any]]:
        """``count`` trunks, the first ``hooks`` of them with a status webhook (where the dialect has them)."""
        return [
            self.trunk(f"{prefix}-{i}", hook_token=f"rcv-{prefix}-{i}-t0k3n" if i < hooks else None)
            for i in range(count)
        ]

    def creates(self, count: int, hooks: int) -> int:
        """Entities a create of ``trunks(_, count, hooks=hooks)`` POSTs."""
        return count + (hooks if self.has_webhooks else 0)

    def edit(self, trunk_config: dict[str, Any]) -> None:
        """An in-place change that is not the codecs."""
        trunk_config["maxConcurrentSessions"] = 40

    def set_password(self, trunk_config: dict[str, Any], password: str) -> None:
        trunk_config["registration"]["password"] = password

    def entities(self, emu: EmulatorHandle) -> list[dict]:
        return inventory(emu)[0]

    def assert_inventory(
        self,
        project: TrunksProject,
        emu: EmulatorHandle,
        trunks: list[dict[str, Any]],
        exported: dict,
        *,
        registered: set[str] | None = None,
    ) -> dict[str, Any]:
        return assert_inventory(project, emu, trunks, exported, registered=registered)


class CloudUnderTest(SeedUnderTest):
    """A scenario's trunks in the cloud dialect: BYOC trunk bases, no webhooks."""

    name = "cloud"
    entities_path = TRUNK_BASES
    entity_type = ":TrunkBase"
    has_webhooks = False
    project_options = {"dialect": "cloud"}

    def trunk(self, name: str, *, hook_token: str | None = None) -> dict[str, Any]:
        return cloud_trunk(name)

    def edit(self, trunk_config: dict[str, Any]) -> None:
        trunk_config["properties"] = {"trunk_maxDialTimeout": "90s"}

    def set_password(self, trunk_config: dict[str, Any], password: str) -> None:
        trunk_config["credentials"]["password"] = password

    def entities(self, emu: EmulatorHandle) -> list[dict]:
        bases = emu.api("GET", TRUNK_BASES, params={"pageSize": 100}).json()["entities"]
        return [b for b in bases if b["state"] != "deleted"]

    def assert_inventory(
        self,
        project: TrunksProject,
        emu: EmulatorHandle,
        trunks: list[dict[str, Any]],
        exported: dict,
        *,
        registered: set[str] | None = None,
    ) -> dict[str, Any]:
        """The emulator holds exactly one live trunk base per trunk, each as configured, and the state and
        outputs point at exactly those; no pending operation is left."""
        bases = self.entities(emu)
        by_name = Counter(b["name"] for b in bases)
        REPORT["duplicates found"] += sum(c - 1 for c in by_name.values())
        assert not {n: c for n, c in by_name.items() if c > 1}, f"duplicate trunk bases: {by_name}"
        names = {t["name"] for t in trunks}
        assert set(by_name) == names, f"trunk bases {sorted(by_name)} != configured {sorted(names)}"
        deployment = exported["deployment"]
        assert not deployment.get("pending_operations"), deployment.get("pending_operations")
        in_state = {r["id"] for r in deployment.get("resources") or [] if r["type"].endswith(self.entity_type)}
        assert in_state == {b["id"] for b in bases}, "state and Genesys disagree on the trunk bases"
        outputs = project.trunks_output()
        assert set(outputs) == names
        base_of = {b["name"]: b for b in bases}
        for t in trunks:
            doc = emu.api("GET", f"{TRUNK_BASES}/{base_of[t['name']]['id']}").json()
            props, out = doc["properties"], outputs[t["name"]]
            assert out["trunkBaseId"] == doc["id"]
            assert props["trunk_media_codec"]["value"]["instance"] == [CODEC_MIME[c] for c in t["codecs"]]
            username = props["trunk_sip_authentication_credentials_username"]["value"]["instance"]
            assert username == t["credentials"]["username"]
            if registered is None or t["name"] in registered:
                assert out["registrationStatus"] == "registered", (t["name"], out)
        return outputs


SEED = SeedUnderTest()
CLOUD = CloudUnderTest()
#: Scenarios that are the same in both dialects take ``dialect`` from this.
DIALECTS = [pytest.param(SEED, id="seed"), pytest.param(CLOUD, id="cloud")]


# --------------------------------------------------------------------------------------------- the scenario


class Scenario:
    """One emulator, one project, the secrets used so far, and the convergence and leak checks."""

    def __init__(self, root: Path, stack: contextlib.ExitStack) -> None:
        self.root = root
        self._stack = stack
        self.emulator: EmulatorHandle | None = None
        self.project: RecordingProject | None = None
        self.secrets: set[str] = {DEV_CLIENT_SECRET}
        self.dialect: SeedUnderTest = SEED

    @property
    def emu(self) -> EmulatorHandle:
        assert self.emulator is not None, "start() the emulator first"
        return self.emulator

    def start(self, **options: Any) -> EmulatorHandle:
        self.emulator = self._stack.enter_context(
            running_emulator(self.root / "emulator", **{**FAST_EMULATOR, **options})
        )
        return self.emulator

    def new_project(
        self, trunks: list[dict[str, Any]], *, dialect: SeedUnderTest = SEED, **kw: Any
    ) -> RecordingProject:
        self.secrets |= secrets_of(trunks)
        if "client_secret" in kw:
            self.secrets.add(kw["client_secret"])
        self.dialect = dialect
        options = {**dialect.project_options, **kw}
        self.project = RecordingProject.create(self.root / "project", self.emu.url, trunks, **options)
        return self.project

    def set_trunks(self, trunks: list[dict[str, Any]]) -> None:
        assert self.project is not None
        self.secrets |= secrets_of(trunks)
        self.project.set_trunks(trunks)

    def set_credentials(self, client_id: str, client_secret: str) -> None:
        assert self.project is not None
        self.secrets.add(client_secret)
        self.project.write_config({"genesys:clientId": client_id}, secrets=[("genesys:clientSecret", client_secret)])

    def set_config(self, values: dict[str, Any]) -> None:
        assert self.project is not None
        self.project.write_config(values)

    # -- checks -------------------------------------------------------------------------------

    def heal(self) -> None:
        """Every fault off and every limit back to normal (before any convergence check)."""
        self.emu.clear_faults()
        self.emu.settings(
            rate_limit_per_minute=100_000,
            token_rate_limit_per_minute=100_000,
            token_lifetime_seconds=86_400,
            token_max_uses=0,
        )
        self.emu.reset_rate_limits()

    def converge(self, trunks: list[dict[str, Any]], *, registered: set[str] | None = None) -> dict[str, Any]:
        """Faults off, `up` to repair, then a second `up` that changes nothing; the emulator holds exactly
        the configured edges and webhooks; no secret leaked. Returns the `trunks` output."""
        project = self.project
        assert project is not None
        tally_faults(self.emu.requests())
        self.heal()
        project.up("--diff")
        self.emu.reset_requests()
        again = project.up("--diff")
        assert_no_changes(again.stdout)
        assert writes(self.emu.requests()) == [], "the second `up` wrote to Genesys"
        exported = project.export()
        outputs = self.dialect.assert_inventory(project, self.emu, trunks, exported, registered=registered)
        self.assert_no_leaks(exported)
        REPORT["scenarios converged"] += 1
        return outputs

    def assert_no_leaks(self, exported: dict | None = None) -> None:
        project = self.project
        assert project is not None
        exported = exported if exported is not None else project.export()
        places = {
            "pulumi CLI output (preview, up --diff, refresh, errors)": "\n".join(project.transcript),
            "`pulumi stack export`": json.dumps(exported),
            "emulator request log": json.dumps(self.emu.requests()),
            "emulator log file": self.emu.log_path.read_text(errors="replace") if self.emu.log_path.exists() else "",
            "state backend files": _read_tree(project.backend_dir / ".pulumi"),
            f"Pulumi.{project.stack}.yaml": project.stack_file.read_text(),
        }
        leaks = [(secret, where) for secret in sorted(self.secrets) for where, text in places.items() if secret in text]
        REPORT["secret leaks found"] += len(leaks)
        REPORT["secret scans (secret x place)"] += len(self.secrets) * len(places)
        assert not leaks, f"secrets in plaintext: {leaks}"


def _read_tree(root: Path) -> str:
    if not root.exists():
        return ""
    return "\n".join(p.read_text(errors="replace") for p in sorted(root.rglob("*")) if p.is_file())


@pytest.fixture
def scenario(tmp_path: Path) -> Iterator[Scenario]:
    with contextlib.ExitStack() as stack:
        yield Scenario(tmp_path, stack)


# --------------------------------------------------------------------------------------------- assertions


def assert_no_changes(up_stdout: str) -> None:
    """`pulumi up`'s summary says only "N unchanged"."""
    match = re.search(r"^Resources:\n((?:[ \t]+.*\n?)+)", up_stdout, re.MULTILINE)
    assert match, f"no Resources summary in:\n{up_stdout}"
    lines = [line.strip() for line in match.group(1).splitlines() if line.strip()]
    assert lines and all(re.fullmatch(r"\d+ unchanged", line) for line in lines), up_stdout


def inventory(emu: EmulatorHandle) -> tuple[list[dict], list[dict]]:
    """Every edge and every webhook the emulator holds."""
    edges = emu.api("GET", EDGES, params={"pageSize": 500}).json()["entities"]
    hooks = emu.api("GET", WEBHOOKS, params={"pageSize": 500}).json()["entities"]
    return edges, hooks


def assert_inventory(
    project: TrunksProject,
    emu: EmulatorHandle,
    trunks: list[dict[str, Any]],
    exported: dict,
    *,
    registered: set[str] | None = None,
) -> dict[str, Any]:
    """The emulator holds exactly one edge per trunk and one webhook per trunk that asks for one, each as
    configured, and the state and outputs point at exactly those; no pending operation is left."""
    edges, hooks = inventory(emu)
    by_name = Counter(e["name"] for e in edges)
    duplicates = {n: c for n, c in by_name.items() if c > 1}
    hook_filters = Counter(h.get("filterCriteria") for h in hooks)
    duplicate_hooks = {f: c for f, c in hook_filters.items() if c > 1}
    REPORT["duplicates found"] += sum(c - 1 for c in by_name.values()) + sum(c - 1 for c in hook_filters.values())
    assert not duplicates, f"duplicate edges: {duplicates}"
    assert not duplicate_hooks, f"duplicate webhooks: {duplicate_hooks}"
    names = {t["name"] for t in trunks}
    assert set(by_name) == names, f"edges {sorted(by_name)} != configured {sorted(names)} (orphans or missing)"

    deployment = exported["deployment"]
    assert not deployment.get("pending_operations"), deployment.get("pending_operations")
    state = deployment.get("resources") or []
    state_edges = {r["id"] for r in state if r["type"].endswith(":Edge")}
    state_hooks = {r["id"] for r in state if r["type"].endswith(":Webhook")}
    assert state_edges == {e["id"] for e in edges}, "state and Genesys disagree on the edges"
    assert state_hooks == {h["id"] for h in hooks}, "state and Genesys disagree on the webhooks (orphan webhook?)"

    outputs = project.trunks_output()
    assert set(outputs) == names
    edge_of = {e["name"]: e for e in edges}
    hook_of = {h["filterCriteria"]: h for h in hooks}
    wanted_hooks = 0
    for t in trunks:
        edge, out = edge_of[t["name"]], outputs[t["name"]]
        assert out["edgeId"] == edge["id"]
        assert edge["codecs"] == t.get("codecs", ["G711u", "G729", "Opus"])
        assert edge["maxConcurrentSessions"] == t.get("maxConcurrentSessions", 100)
        assert edge["edgeGroupId"] == t["edgeGroupId"]
        assert edge["registration"]["username"] == t["registration"]["username"]
        if registered is None or t["name"] in registered:
            assert edge["registrationStatus"] == "registered", (t["name"], edge["registrationStatus"])
        if t.get("webhook"):
            wanted_hooks += 1
            hook = hook_of.get(f"resourceIds:[{edge['id']}]")
            assert hook is not None, f"no webhook for trunk {t['name']}"
            assert out["webhookId"] == hook["id"] and hook["targetUri"] == t["webhook"]["targetUri"]
        else:
            assert out["webhookId"] is None
    assert len(hooks) == wanted_hooks, f"{len(hooks)} webhooks for {wanted_hooks} configured (orphans)"
    return outputs


# --------------------------------------------------------------------------------------------- disturbances


@contextlib.contextmanager
def in_background(action: Callable[[threading.Event], None]) -> Iterator[threading.Event]:
    """Run ``action(stop)`` in a thread for the length of the block; it should return once ``stop`` is set."""
    stop = threading.Event()
    errors: list[BaseException] = []

    def run() -> None:
        try:
            action(stop)
        except BaseException as exc:  # noqa: BLE001 - re-raised in the test's thread
            errors.append(exc)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    try:
        yield stop
    finally:
        stop.set()
        thread.join(60)
    if errors:
        raise errors[0]


def edge_count(emu: EmulatorHandle) -> int:
    return len(emu.api("GET", EDGES, params={"pageSize": 500}).json()["entities"])


# --------------------------------------------------------------------------------------------- processes


def role(cmdline: str) -> str:
    """What a process of a pulumi run is, from its command line."""
    for marker, name in (
        ("language_host.py", "language host"),
        ("run_program.py", "program runner"),
        ("run_plugin.py", "policy pack"),
        ("dynamic_provider.py", "provider process"),
        ("pulumi.dynamic", "provider process"),
    ):
        if marker in cmdline:
            return name
    return Path(cmdline.split(" ", 1)[0]).name or "?"


#: How long the processes of a killed CLI may take to go.
KILL_GRACE_SECONDS = 5.0


class OutputReader:
    """Reads a background command's output as it comes, so a test can wait for a line of it."""

    def __init__(self, proc: subprocess.Popen) -> None:
        self.lines: list[str] = []
        self._thread = threading.Thread(target=self._read, args=(proc,), daemon=True)
        self._thread.start()

    def _read(self, proc: subprocess.Popen) -> None:
        assert proc.stdout is not None
        for line in proc.stdout:
            self.lines.append(line)

    def count(self, pattern: str) -> int:
        return sum(1 for line in list(self.lines) if re.search(pattern, line))

    def text(self, timeout: float = 30) -> str:
        """Everything the command printed (once it has ended)."""
        self._thread.join(timeout)
        return "".join(self.lines)


@dataclass
class KilledRun:
    """What a SIGKILL of the CLI left: how long each process it started took to go (seconds, by role, the
    slowest of a role), and the processes still running after the grace period."""

    gone_after: dict[str, float]
    left: dict[int, str]


def kill_cli(cli_pid: int, grace: float = KILL_GRACE_SECONDS) -> KilledRun:
    """SIGKILL the pulumi CLI (only it, as `kill -9 <pid>` would) and watch every process it started go;
    those still running after ``grace`` are reported, then killed so that the machine stays clean."""
    tree = {pid: command_line(pid) for pid in process_tree(cli_pid)}
    killed = time.monotonic()
    os.kill(cli_pid, signal.SIGKILL)
    gone: dict[int, float] = {}
    while len(gone) < len(tree) and time.monotonic() - killed < grace:
        for pid in tree:
            if pid not in gone and not alive(pid):
                gone[pid] = time.monotonic() - killed
        time.sleep(0.01)
    by_role: dict[str, float] = {}
    for pid, seconds in gone.items():
        name = role(tree[pid])
        by_role[name] = max(by_role.get(name, 0.0), seconds)
    left = {pid: tree[pid] for pid in tree if pid not in gone}
    for pid in left:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
    return KilledRun(by_role, left)


def report_kill(point: str, run: KilledRun) -> None:
    """The kill point's figures in the reliability report (milliseconds each process of the run took to go)."""
    REPORT["faults injected: a pulumi run SIGKILLed"] += 1
    REPORT["processes left running by a SIGKILLed CLI"] += len(run.left)
    for name, seconds in run.gone_after.items():
        REPORT[f"killed {point}: {name} gone after (ms)"] = round(seconds * 1000)
