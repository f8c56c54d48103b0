"""Starts the local Genesys Cloud emulator in the background when a stack points at it.

`make up` calls this before `pulumi up`: a stack whose endpoint (`genesys:apiUrl` or
GENESYSCLOUD_API_URL) is a loopback URL gets an emulator there, unless one already answers;
a stack aimed at a real region is left alone. Exit status 0 means the endpoint is ready.
"""

from __future__ import annotations

import argparse
import ipaddress
import os
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlparse
from urllib.request import urlopen

import yaml

PROJECT = Path(__file__).resolve().parent.parent
STATE_DIR = PROJECT / ".emulator"


def configured_endpoint(stack: str) -> tuple[str | None, str | None]:
    """(apiUrl, region) in the order the API client resolves them: the stack's config first
    (apiUrl, then region), then the GENESYSCLOUD_* environment variables."""
    config: dict = {}
    stack_file = PROJECT / f"Pulumi.{stack}.yaml"
    if stack_file.exists():
        config = (yaml.safe_load(stack_file.read_text()) or {}).get("config") or {}
    if config.get("genesys:apiUrl") or config.get("genesys:region"):
        return config.get("genesys:apiUrl"), config.get("genesys:region")
    return os.environ.get("GENESYSCLOUD_API_URL"), os.environ.get("GENESYSCLOUD_REGION")


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def answers(url: str) -> bool:
    try:
        with urlopen(f"{url}/_emulator/health", timeout=1) as reply:
            return reply.status == 200
    except OSError:
        return False


def start(host: str, port: int, url: str, timeout: float) -> None:
    STATE_DIR.mkdir(exist_ok=True)
    with open(STATE_DIR / "emulator.log", "ab") as log:  # the child keeps its own handle
        proc = _spawn(host, port, log)
    (STATE_DIR / "emulator.pid").write_text(str(proc.pid))
    _wait(proc, url, timeout)


def _spawn(host: str, port: int, log) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "emulator", "--host", host, "--port", str(port), "--db", str(STATE_DIR / "genesys.db")],
        cwd=PROJECT,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def _wait(proc: subprocess.Popen, url: str, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if answers(url):
            print(f"emulator: started at {url} (pid {proc.pid}, log .emulator/emulator.log)")
            return
        if proc.poll() is not None:
            sys.exit(f"emulator: exited with status {proc.returncode}; see .emulator/emulator.log")
        time.sleep(0.2)
    sys.exit(f"emulator: no answer at {url} after {timeout:.0f} s; see .emulator/emulator.log")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--stack", default=os.environ.get("STACK", "dev"))
    ap.add_argument("--timeout", type=float, default=30.0)
    args = ap.parse_args()

    api_url, region = configured_endpoint(args.stack)
    if not api_url:
        where = f"region {region}" if region else "no endpoint (set genesys:region or genesys:apiUrl)"
        print(f"emulator: not needed, stack {args.stack} targets {where}")
        return
    parsed = urlparse(api_url)
    if not parsed.hostname or not is_loopback(parsed.hostname):
        print(f"emulator: not needed, stack {args.stack} targets {api_url}")
        return
    url = f"{parsed.scheme}://{parsed.netloc}"
    if answers(url):
        print(f"emulator: already running at {url}")
        return
    start(parsed.hostname, parsed.port or 80, url, args.timeout)


if __name__ == "__main__":
    main()
