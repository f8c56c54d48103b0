"""A release's deployed stacks, kept as files: what the upgrade test holds a new release against.

``python -m tests.upgrade.release_state DIR`` runs this checkout's program against a fresh emulator and
writes, per stack, what a user of this release has after `pulumi up`: the stack file (with the salt of its
encrypted secrets), the state (`pulumi stack export`) and the org (the emulator's database as SQL). The
upgrade test (``test_upgrade.py``) imports them with the next release and expects no change.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sqlite3
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from devtools.pulumi_cli import PulumiProject
from devtools.trunks_project import GROUP_DR, PROFILE_HD, SITE_MEDIA, TrunksProject, cloud_trunk, trunk
from emulator.testing import running_emulator

#: A stack the trunks take a setting from (a StackReference in their state).
NETWORK_PROGRAM = 'import pulumi\n\npulumi.export("sipHost", "sip.from-network.example.com")\n'
#: A loopback receiver nobody listens on: the seed's status webhook needs a target.
HOOK_URI = "http://127.0.0.1:9/genesys-events"

SEED_TRUNKS: list[dict[str, Any]] = [
    trunk("upgrade-seed-a", webhook={"targetUri": HOOK_URI, "headers": {"X-Token": "hook-s3cret"}}),
    trunk(
        "upgrade-seed-b",
        edgeGroupId=GROUP_DR,
        sipProfileId=PROFILE_HD,
        codecs=["Opus", "G711u"],
        description="the DR carrier",
        registration={"host": None},
        fromStacks={"registration.host": {"stack": "organization/network/net", "output": "sipHost"}},
    ),
]
CLOUD_TRUNKS: list[dict[str, Any]] = [
    cloud_trunk(
        "upgrade-cloud-a",
        siteId=SITE_MEDIA,
        codecs=["G711a", "Opus"],
        carrier={"host": "sip.carrier-a.example.net", "port": 5061, "transport": "tls"},
        credentials={"realm": "carrier-a.example.net"},
        properties={"trunk_sip_termination_uri": "upgrade-a", "trunk_access_acl_allowList": ["198.51.100.0/24"]},
        description="carrier A",
    ),
    {
        "name": "upgrade-cloud-b",
        "inboundSiteId": cloud_trunk("x")["inboundSiteId"],
        "carrier": {"host": "sip.carrier-b.example.net"},
    },
]
#: Stack name -> (its trunks, its dialect).
STACKS: dict[str, tuple[list[dict[str, Any]], str | None]] = {
    "upgrade-seed": (SEED_TRUNKS, None),
    "upgrade-cloud": (CLOUD_TRUNKS, "cloud"),
}


def _without_nones(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _without_nones(v) for k, v in value.items() if v is not None}
    return value


def write_release(out: Path) -> None:
    """Every stack of ``STACKS`` (and the network stack one of them reads), up, then kept as files in ``out``."""
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        backend = root / "state"
        with running_emulator(root / "org", registration_delay=0.2, rate_limit=100_000) as emulator:
            network_dir = root / "network"
            network_dir.mkdir()
            (network_dir / "Pulumi.yaml").write_text("name: network\nruntime: python\n")
            (network_dir / "__main__.py").write_text(NETWORK_PROGRAM)
            network = PulumiProject(workdir=network_dir, stack="net", backend_dir=backend)
            network.init()
            network.up()
            (out / "network.state.json").write_text(network.run("stack", "export", "--stack", "net").stdout)
            (out / "network.main.py").write_text(NETWORK_PROGRAM)
            for stack, (trunks, dialect) in STACKS.items():
                project = TrunksProject.create(
                    root / stack,
                    emulator.url,
                    [_without_nones(t) for t in trunks],
                    stack=stack,
                    backend_dir=backend,
                    dialect=dialect,
                )
                project.up()
                assert project.preview_json()["changeSummary"].keys() == {"same"}
                shutil.copy2(project.stack_file, out / project.stack_file.name)
                (out / f"{stack}.state.json").write_text(project.run("stack", "export", "--stack", stack).stdout)
            db = emulator.db
        with sqlite3.connect(db) as conn:
            (out / "org.sql").write_text("\n".join(conn.iterdump()) + "\n")
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, check=False)
    (out / "release.json").write_text(json.dumps({"commit": commit.stdout.strip()}, indent=2) + "\n")


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.upgrade.release_state")
    parser.add_argument("out", type=Path, help="the folder that receives the release's stacks")
    write_release(parser.parse_args(argv).out)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
