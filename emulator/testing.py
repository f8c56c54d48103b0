"""Run the real emulator as a subprocess, for tests and benchmarks::

    from emulator.testing import running_emulator

    with running_emulator(tmp_path, registration_delay=0.2) as emu:
        emu.api("GET", "/api/v2/telephony/providers/edges").json()
        emu.restart()  # same port, same database

Keyword options become command-line flags (``registration_delay=0.2`` -> ``--registration-delay 0.2``;
``allow_remote=True`` -> ``--allow-remote``). The process is terminated when the block exits.
"""

from __future__ import annotations

import contextlib
import os
import random
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx

from .settings import DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET

PROJECT_ROOT = Path(__file__).resolve().parent.parent


_PICK = random.SystemRandom()  # not the module's generator: a test that seeds it must not make workers agree
_LOWEST = 10000


def _first_outgoing_port() -> int:
    """The lowest port the kernel hands to outgoing connections (Linux; elsewhere its usual bound)."""
    with contextlib.suppress(OSError, ValueError, IndexError):
        return int(Path("/proc/sys/net/ipv4/ip_local_port_range").read_text().split()[0])
    return 32768


def free_port(host: str = "127.0.0.1") -> int:
    """A port nothing uses right now, below the range the kernel gives outgoing connections: a server killed and
    started again on the same port (its clients keep its URL) finds it free, where a port from that range may by
    then be the source port of any client's connection (a CLI retrying against the stopped server opens many)."""
    high = _first_outgoing_port()
    for _attempt in range(200):
        port = _PICK.randrange(_LOWEST, high) if high > _LOWEST + 1000 else 0
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
            try:
                sock.bind((host, port))
            except OSError:
                continue
            return int(sock.getsockname()[1])
    raise OSError(f"no free port on {host} between {_LOWEST} and {high}")


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


def _camel_keys(values: dict[str, Any]) -> dict[str, Any]:
    return {_camel(k): v for k, v in values.items()}


class EmulatorError(RuntimeError):
    """The emulator process did not start or stopped unexpectedly."""


class EmulatorHandle:
    """A running emulator subprocess plus helpers for its API and admin API."""

    def __init__(
        self,
        db: Path,
        *,
        port: int | None = None,
        host: str = "127.0.0.1",
        options: dict[str, Any] | None = None,
        startup_timeout: float = 20.0,
        log_path: Path | None = None,
    ) -> None:
        self.db = Path(db)
        self.host = host
        self.port = port or free_port(host)
        #: Whether the port was picked here (then another may be picked if someone takes it first).
        self._picked_port = port is None
        self.options = dict(options or {})
        self.client_id: str = self.options.get("client_id", DEFAULT_CLIENT_ID)
        self.client_secret: str = self.options.get("client_secret", DEFAULT_CLIENT_SECRET)
        self.startup_timeout = startup_timeout
        self.log_path = log_path or self.db.with_name(self.db.name + f".{self.port}.log")
        self.process: subprocess.Popen[bytes] | None = None
        self._http: httpx.Client | None = None
        self._token: str | None = None

    # -- process ------------------------------------------------------------------------------
    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def command(self) -> list[str]:
        cmd = [sys.executable, "-m", "emulator", "--host", self.host, "--port", str(self.port), "--db", str(self.db)]
        for key, value in self.options.items():
            flag = "--" + key.replace("_", "-")
            if value is True:
                cmd.append(flag)
            elif value is False or value is None:
                continue
            else:
                cmd += [flag, str(value)]
        return cmd

    def start(self) -> EmulatorHandle:
        """Start the emulator and wait until it answers. A free port picked here can be taken by another
        process before the emulator binds it (tests run in parallel): then it starts on another one, unless it
        has run before (a restart keeps its URL)."""
        for _attempt in range(5):
            try:
                return self._start()
            except EmulatorError as exc:
                if not (self._picked_port and self._started_once is False and "address already in use" in str(exc)):
                    raise
                self.port = free_port(self.host)
        return self._start()

    _started_once = False

    def _start(self) -> EmulatorHandle:
        if self.process is not None and self.process.poll() is None:
            return self
        self.db.parent.mkdir(parents=True, exist_ok=True)
        env = {**os.environ, "PYTHONUNBUFFERED": "1"}
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(PROJECT_ROOT), env.get("PYTHONPATH")]))
        with open(self.log_path, "ab") as log:
            self.process = subprocess.Popen(
                self.command(),
                cwd=PROJECT_ROOT,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
            )
        self._http = httpx.Client(base_url=self.url, timeout=10.0, trust_env=False)
        self._wait_ready()
        self._started_once = True
        return self

    def _wait_ready(self) -> None:
        assert self.process is not None and self._http is not None
        deadline = time.monotonic() + self.startup_timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise EmulatorError(f"emulator exited with {self.process.returncode}:\n{self.log_tail()}")
            try:
                reply = self._http.get("/_emulator/health", timeout=1.0)
                if reply.status_code == 200 and reply.json().get("pid") == self.process.pid:
                    return
            except httpx.TransportError:
                pass
            time.sleep(0.05)
        self.stop()
        raise EmulatorError(f"emulator not healthy after {self.startup_timeout} s:\n{self.log_tail()}")

    def log_tail(self, lines: int = 40) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""

    def stop(self, timeout: float = 10.0) -> None:
        """Graceful stop (SIGTERM), then SIGKILL if it lingers."""
        if self._http is not None:
            self._http.close()
            self._http = None
        proc, self.process = self.process, None
        if proc is None or proc.poll() is not None:
            return
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(5)

    def kill(self) -> None:
        """Hard stop (SIGKILL), as a crash would."""
        if self._http is not None:
            self._http.close()
            self._http = None
        proc, self.process = self.process, None
        if proc is not None and proc.poll() is None:
            proc.kill()
            proc.wait(5)

    def restart(self, *, hard: bool = False) -> EmulatorHandle:
        """Stop and start again on the same port with the same database."""
        self.kill() if hard else self.stop()
        self._token = None
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:  # the old socket may take a moment to be released
            with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
                probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
                try:
                    probe.bind((self.host, self.port))
                    break
                except OSError:
                    time.sleep(0.05)
        return self.start()

    @property
    def http(self) -> httpx.Client:
        if self._http is None:
            raise EmulatorError("emulator is not running")
        return self._http

    # -- API helpers --------------------------------------------------------------------------
    def token(self, client_id: str | None = None, secret: str | None = None) -> str:
        """A fresh access token (Basic credentials); the dev client's by default."""
        reply = self.http.post(
            "/oauth/token",
            data={"grant_type": "client_credentials"},
            auth=(client_id or self.client_id, secret if secret is not None else self.client_secret),
        )
        if reply.status_code != 200:
            raise EmulatorError(f"token request failed: {reply.status_code} {reply.text}")
        return reply.json()["access_token"]

    def api(
        self,
        method: str,
        path: str,
        json: Any = None,
        *,
        params: dict[str, Any] | None = None,
        token: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> httpx.Response:
        """An authenticated call (dev client, token cached and renewed once on 401)."""
        explicit = token is not None
        for attempt in range(2):
            if not explicit and self._token is None:
                self._token = self.token()
            bearer = token if explicit else self._token
            reply = self.http.request(
                method,
                path,
                json=json,
                params=params,
                headers={**(headers or {}), "Authorization": f"Bearer {bearer}"},
            )
            if reply.status_code != 401 or explicit or attempt:
                return reply
            self._token = None
        return reply

    # -- admin helpers ------------------------------------------------------------------------
    def health(self) -> dict[str, Any]:
        return self.http.get("/_emulator/health").raise_for_status().json()

    def requests(self) -> list[dict[str, Any]]:
        return self.http.get("/_emulator/requests").raise_for_status().json()["requests"]

    def reset_requests(self) -> None:
        self.http.delete("/_emulator/requests").raise_for_status()

    def set_faults(self, **faults: Any) -> dict[str, Any]:
        """Replace the faults: ``set_faults(error_rate=1.0)`` or ``set_faults(errorRate=1.0)``."""
        return self.http.put("/_emulator/faults", json=_camel_keys(faults)).raise_for_status().json()

    def faults(self) -> dict[str, Any]:
        """The faults in force, and ``heldWrites``: the writes ``holdWritesAfter`` holds right now."""
        return self.http.get("/_emulator/faults").raise_for_status().json()

    def clear_faults(self) -> dict[str, Any]:
        return self.http.delete("/_emulator/faults").raise_for_status().json()

    def settings(self, **changes: Any) -> dict[str, Any]:
        """Read the runtime settings, or update some: ``settings(rate_limit_per_minute=5)``."""
        if not changes:
            return self.http.get("/_emulator/settings").raise_for_status().json()
        return self.http.put("/_emulator/settings", json=_camel_keys(changes)).raise_for_status().json()

    def expire_tokens(self) -> int:
        return self.http.post("/_emulator/tokens/expire").raise_for_status().json()["expired"]

    def deliveries(self, webhook_id: str | None = None) -> list[dict[str, Any]]:
        params = {"webhookId": webhook_id} if webhook_id else None
        return self.http.get("/_emulator/deliveries", params=params).raise_for_status().json()["deliveries"]

    def reset_rate_limits(self) -> None:
        self.http.post("/_emulator/ratelimit/reset").raise_for_status()

    def __enter__(self) -> EmulatorHandle:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


def _db_path(target: str | os.PathLike[str] | None) -> Path:
    if target is None:
        return Path(tempfile.mkdtemp(prefix="emulator-")) / "emulator.db"
    path = Path(target)
    if path.is_dir() or (not path.exists() and not re.search(r"\.(db|sqlite3?)$", path.name)):
        return path / "emulator.db"
    return path


@contextlib.contextmanager
def running_emulator(
    tmp_path_or_db: str | os.PathLike[str] | None = None,
    *,
    port: int | None = None,
    startup_timeout: float = 20.0,
    **cli_options: Any,
) -> Iterator[EmulatorHandle]:
    """Start ``python -m emulator`` on a free port and yield its handle; always terminates it.

    ``tmp_path_or_db`` is a directory (the database goes in ``emulator.db`` there) or a database
    file path; None makes a temporary directory.
    """
    handle = EmulatorHandle(
        _db_path(tmp_path_or_db).resolve(), port=port, options=cli_options, startup_timeout=startup_timeout
    )
    try:
        handle.start()
        yield handle
    finally:
        handle.stop()
