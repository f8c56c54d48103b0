"""``python -m bench.export [--trunks 200] [--dialect seed|cloud] [--takeover]``: what `python -m exporter`
costs on a large org.

Makes an org of N trunks by plain HTTP (seed: edges in both edge groups with every SIP profile, a status
webhook on every fourth; cloud: BYOC trunk bases on every site, both BYOC metabases, settings off their
defaults), then times the export into an empty stack and counts its calls from the emulator's request log,
unthrottled and at the emulator's default rate limit (100 requests/minute). ``--takeover`` also sets every
password and times the `pulumi up` that adopts them all (unthrottled, or at ``--takeover-rate`` requests/minute),
and the `up` after it.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import yaml

from devtools.trunks_project import (
    GROUP_DR,
    GROUP_PRIMARY,
    PROFILE_HD,
    PROFILE_LEGACY,
    PROFILE_STANDARD,
    REPO,
    TrunksProject,
)
from emulator.testing import EmulatorHandle, running_emulator

from .requestlog import short_endpoint, summarize

EDGES = "/api/v2/telephony/providers/edges"
TRUNK_BASES = f"{EDGES}/trunkbasesettings"
SITES = ("5d1a7e0c-2b3f-4c5d-8e9f-0a1b2c3d4e01", "5d1a7e0c-2b3f-4c5d-8e9f-0a1b2c3d4e02")
METABASES = ("external_sip_pcv_byoc_carrier.json", "external_sip_pcv_byoc_pbx.json")
UNTHROTTLED = 1_000_000
DEFAULT_RATE_LIMIT = 100
CODECS = {PROFILE_STANDARD: ["G711u", "G729"], PROFILE_HD: ["Opus", "G711u"], PROFILE_LEGACY: ["GSM", "G711a"]}


def password(i: int) -> str:
    return f"bench-pw-{i:05d}-s3cret"


def make_org(emu: EmulatorHandle, count: int) -> None:
    profiles = list(CODECS)
    for i in range(count):
        profile = profiles[i % len(profiles)]
        body = {
            "name": f"org trunk {i:04d}: “carrier” {i % 7}",
            "edgeGroupId": GROUP_PRIMARY if i % 2 else GROUP_DR,
            "sipProfileId": profile,
            "maxConcurrentSessions": 10 + i,
            "codecs": CODECS[profile],
            "registration": {
                "type": "REGISTER",
                "host": f"sip{i % 5}.carrier.example.com",
                "port": 5060,
                "username": f"bench-{i:05d}",
                "password": password(i),
            },
        }
        reply = emu.api("POST", EDGES, json=body)
        reply.raise_for_status()
        if i % 4 == 0:
            emu.api(
                "POST",
                "/api/v2/webhooks",
                json={
                    "name": f"trunk {i:04d} status",
                    "eventType": ["telephony:edge:status:changed"],
                    "filterCriteria": f"resourceIds:[{reply.json()['id']}]",
                    "targetUri": "https://hooks.example.com/genesys",
                },
            ).raise_for_status()


def make_cloud_org(emu: EmulatorHandle, count: int) -> None:
    for i in range(count):
        values: dict[str, Any] = {
            "trunk_transport_serverProxyList": [f"sip{i % 5}.carrier.example.com:{5060 + i % 3}"],
            "trunk_transport_protocolVariant": ("udp", "tcp", "tls")[i % 3],
            "trunk_sip_authentication_credentials_username": f"bench-{i:05d}",
            "trunk_sip_authentication_credentials_password": password(i),
            "trunk_media_codec": [["audio/pcmu", "audio/g729"], ["audio/opus", "audio/g722"]][i % 2],
            "trunk_maxDialTimeout": f"{60 + i % 4 * 30}s",
        }
        body = {
            "name": f"org trunk {i:04d}: “carrier” {i % 7}",
            "state": "active",
            "trunkType": "EXTERNAL",
            "managed": False,
            "trunkMetabase": {"id": METABASES[i % 2]},
            "inboundSite": {"id": SITES[0]},
            **({"site": {"id": SITES[1]}} if i % 3 == 0 else {}),
            "properties": {key: {"value": {"instance": value}} for key, value in values.items()},
        }
        emu.api("POST", TRUNK_BASES, json=body).raise_for_status()


def measure(emu: EmulatorHandle, label: str, command: Any) -> dict[str, Any]:
    emu.reset_requests()
    started = time.monotonic()
    command()
    seconds = time.monotonic() - started
    calls = summarize(emu.requests())
    endpoints = ", ".join(f"{n} {short_endpoint(k)}" for k, n in calls.by_endpoint.items())
    print(
        f"{label:<34} {seconds:7.1f} s  {calls.api_calls:4d} API calls ({calls.writes} writes, "
        f"{calls.rate_limited} x429), {calls.token_fetches} token: {endpoints}",
        flush=True,
    )
    return {"seconds": seconds, "calls": calls.to_dict()}


def export(project: TrunksProject, *args: str) -> None:
    env = {**project.env, "PYTHONPATH": str(REPO)}
    proc = subprocess.run(
        [sys.executable, "-m", "exporter", "--stack", project.stack, *args],
        cwd=project.workdir,
        env=env,
        capture_output=True,
        text=True,
    )
    if proc.returncode != 0:
        raise SystemExit(f"export failed:\n{proc.stdout}\n{proc.stderr}")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench.export", description=__doc__.splitlines()[0])
    ap.add_argument("--trunks", type=int, default=200)
    ap.add_argument("--dialect", choices=("seed", "cloud"), default="seed")
    ap.add_argument("--takeover", action="store_true", help="also set the passwords and time the adopting `up`")
    ap.add_argument(
        "--takeover-rate",
        type=int,
        default=UNTHROTTLED,
        help=f"requests/minute the emulator allows during the adopting `up` (the seed's: {DEFAULT_RATE_LIMIT})",
    )
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="bench-export-") as tmp:
        work = Path(tmp)
        with running_emulator(work / "emulator", registration_delay=1.0, rate_limit=UNTHROTTLED) as emu:
            project = TrunksProject.create(work, emu.url, [], stack="bench")
            if args.dialect == "cloud":
                make_cloud_org(emu, args.trunks)
                project.write_config({"genesys:dialect": "cloud"})
                print(f"org of {args.trunks} BYOC trunk bases (cloud dialect)", flush=True)
            else:
                make_org(emu, args.trunks)
                print(f"org of {args.trunks} trunks, {(args.trunks + 3) // 4} webhooks", flush=True)
            measure(emu, "export (unthrottled)", lambda: export(project))
            emu.settings(rate_limit_per_minute=DEFAULT_RATE_LIMIT)
            emu.reset_rate_limits()
            measure(emu, f"export ({DEFAULT_RATE_LIMIT} requests/minute)", lambda: export(project, "--force"))
            emu.settings(rate_limit_per_minute=UNTHROTTLED)
            if args.takeover:
                settings = password_settings(project, args.dialect)
                secrets = [a for path, value in settings for a in ("--secret", f"{path}={value}")]
                project.run("config", "set-all", "--path", *secrets, "--stack", project.stack)
                label = "takeover: pulumi up"
                if args.takeover_rate != UNTHROTTLED:
                    label = f"takeover ({args.takeover_rate} requests/minute)"
                emu.settings(rate_limit_per_minute=args.takeover_rate)
                emu.reset_rate_limits()
                measure(emu, label, lambda: project.up())
                emu.settings(rate_limit_per_minute=UNTHROTTLED)
                measure(emu, "pulumi up after it (no change)", lambda: project.up())
                project.destroy()
    return 0


def password_settings(project: TrunksProject, dialect: str) -> list[tuple[str, str]]:
    """(config path, password) of every exported trunk: the export sorts by name, the org numbered them."""
    entries = yaml.safe_load(project.stack_file.read_text(encoding="utf-8"))["config"]["genesys-trunks:trunks"]
    block = "credentials" if dialect == "cloud" else "registration"
    return [
        (f"trunks[{i}].{block}.password", password(int(e[block]["username"].removeprefix("bench-"))))
        for i, e in enumerate(entries)
    ]


if __name__ == "__main__":
    raise SystemExit(main())
