"""The admin API, the request log, the command line and the test harness itself."""

from __future__ import annotations

import asyncio
import os
import random
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from emulator.app import build_app
from emulator.settings import Settings
from emulator.testing import PROJECT_ROOT, EmulatorHandle, free_port, running_emulator

from .helpers import EDGES, field_names


def test_health(emu: EmulatorHandle) -> None:
    assert emu.process is not None
    assert emu.http.get("/_emulator/health").json() == {"status": "ok", "pid": emu.process.pid}


def test_request_log_records_and_resets(emu: EmulatorHandle) -> None:
    emu.reset_requests()
    assert emu.requests() == []
    emu.http.post(
        "/oauth/token",
        data={
            "grant_type": "client_credentials",
            "client_id": "genesys-trunks-dev",
            "client_secret": "dev-only-secret",
        },
    )
    token = emu.token()
    emu.api("GET", EDGES, params={"pageSize": 2}, token=token)
    emu.http.get(EDGES)
    log = emu.requests()
    assert [(r["method"], r["path"], r["status"]) for r in log] == [
        ("POST", "/oauth/token", 200),
        ("POST", "/oauth/token", 200),
        ("GET", EDGES, 200),
        ("GET", EDGES, 401),
    ]
    listing = log[2]
    assert listing["query"] == "pageSize=2" and listing["clientId"] == "genesys-trunks-dev"
    assert listing["time"].endswith("Z") and listing["durationMs"] >= 0
    assert log[0]["clientId"] == "genesys-trunks-dev" and log[3]["clientId"] is None
    raw = emu.http.get("/_emulator/requests").text
    assert "dev-only-secret" not in raw and token not in raw
    emu.reset_requests()
    assert emu.requests() == []


def test_settings_read_and_partial_update(emu: EmulatorHandle) -> None:
    before = emu.settings()
    assert {"rateLimitPerMinute", "tokenLifetimeSeconds", "registrationDelaySeconds", "tokenRateLimitPerMinute"} <= set(
        before
    )
    assert before["registrationDelaySeconds"] == 0.2
    after = emu.settings(registration_delay_seconds=0.3)
    assert after == {**before, "registrationDelaySeconds": 0.3}
    emu.settings(registrationDelaySeconds=0.2)
    bad = emu.http.put("/_emulator/settings", json={"rateLimitPerMinute": 0, "colour": "red"})
    assert bad.status_code == 400 and sorted(field_names(bad)) == ["colour", "rateLimitPerMinute"]
    assert emu.settings() == before


def test_expire_tokens_reports_count(emu: EmulatorHandle) -> None:
    emu.token()
    assert emu.expire_tokens() >= 1
    assert emu.expire_tokens() == 0


def test_ready_line_and_harness_terminates_process(tmp_path: Path) -> None:
    with running_emulator(tmp_path, log_level="warning") as handle:
        process = handle.process
        assert process is not None and process.poll() is None
        assert f"emulator listening on http://127.0.0.1:{handle.port}" in handle.log_tail()
    assert process.poll() is not None


@pytest.mark.parametrize("host", ["0.0.0.0", "192.0.2.10"])
def test_non_loopback_host_is_refused_without_allow_remote(tmp_path: Path, host: str) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "emulator", "--host", host, "--port", "0", "--db", str(tmp_path / "x.db")],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert result.returncode == 2
    assert "--allow-remote" in result.stderr
    assert not (tmp_path / "x.db").exists()


def test_cli_help_lists_the_options() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "emulator", "--help"], cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=30
    )
    assert result.returncode == 0
    for flag in (
        "--host",
        "--port",
        "--db",
        "--client-id",
        "--client-secret",
        "--token-lifetime",
        "--rate-limit",
        "--token-rate-limit",
        "--registration-delay",
        "--latency-ms",
        "--error-rate",
        "--drop-rate",
        "--log-level",
        "--allow-remote",
    ):
        assert flag in result.stdout


@pytest.mark.parametrize(
    "args,env,message",
    [
        (["--error-rate", "2"], {}, "argument --error-rate: Input should be less than or equal to 1"),
        (["--port", "http"], {}, "argument --port: Input should be a valid integer"),
        (["--log-level", "loud"], {}, "argument --log-level: invalid choice: 'loud'"),
        ([], {"EMULATOR_RATE_LIMIT": "0"}, "environment variable EMULATOR_RATE_LIMIT: Input should be greater than"),
    ],
)
def test_bad_options_are_refused_naming_where_they_came_from(
    tmp_path: Path, args: list[str], env: dict[str, str], message: str
) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "emulator", "--db", str(tmp_path / "x.db"), *args],
        cwd=PROJECT_ROOT,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert result.returncode == 2 and message in result.stderr, result.stderr
    assert not (tmp_path / "x.db").exists()


def test_custom_client_credentials(tmp_path: Path) -> None:
    with running_emulator(
        tmp_path, client_id="ci-client", client_secret="ci-secret-123", log_level="warning"
    ) as handle:
        assert handle.api("GET", EDGES).status_code == 200
        reply = handle.http.post(
            "/oauth/token", data={"grant_type": "client_credentials"}, auth=("genesys-trunks-dev", "dev-only-secret")
        )
        assert reply.status_code == 401


def test_environment_variables_configure_the_server(tmp_path: Path) -> None:
    port = free_port()
    env = {
        **os.environ,
        "EMULATOR_PORT": str(port),
        "EMULATOR_DB": str(tmp_path / "env.db"),
        "EMULATOR_RATE_LIMIT": "7",
        "EMULATOR_LOG_LEVEL": "warning",
    }
    proc = subprocess.Popen(
        [sys.executable, "-m", "emulator"],
        cwd=PROJECT_ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        assert proc.stdout is not None
        assert proc.stdout.readline().strip() == f"emulator listening on http://127.0.0.1:{port}"
        settings = httpx.get(f"http://127.0.0.1:{port}/_emulator/settings").json()
        assert settings["rateLimitPerMinute"] == 7
        assert (tmp_path / "env.db").exists()
    finally:
        proc.terminate()
        proc.wait(10)


def test_admin_api_refuses_remote_callers(tmp_path: Path) -> None:
    app = build_app(Settings(db=str(tmp_path / "inproc.db")))

    async def call(client_host: str, path: str) -> httpx.Response:
        transport = httpx.ASGITransport(app=app, client=(client_host, 40000))
        async with httpx.AsyncClient(transport=transport, base_url="http://emulator") as client:
            return await client.get(path)

    remote = asyncio.run(call("192.0.2.7", "/_emulator/health"))
    assert remote.status_code == 403 and remote.json()["code"] == "forbidden"
    assert asyncio.run(call("192.0.2.7", EDGES)).status_code == 401  # the API itself is served (auth applies)
    assert asyncio.run(call("127.0.0.1", "/_emulator/health")).json() == {"status": "ok", "pid": os.getpid()}


def test_picked_ports_stay_out_of_the_range_the_kernel_gives_outgoing_connections() -> None:
    """A server restarted on its port (the emulator, the S3 server) must find it free: a port from the outgoing
    range can meanwhile be the source port of a client retrying against the stopped server."""
    first_outgoing = int(Path("/proc/sys/net/ipv4/ip_local_port_range").read_text().split()[0])
    before = random.getstate()
    try:
        random.seed(7)  # a test seeding the module's generator must not make parallel workers pick alike
        ports = {free_port() for _ in range(50)}
        assert all(10000 <= port < first_outgoing for port in ports), sorted(ports)
        random.seed(7)
        assert {free_port() for _ in range(50)} != ports
    finally:
        random.setstate(before)
