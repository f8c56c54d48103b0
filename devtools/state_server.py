"""The bundled S3 server: SeaweedFS (`weed server -s3`) on this machine, a real S3 endpoint for a team's state.

A team keeps its stacks in a bucket (s3://, azblob://, gs://) that every engineer and CI runner reaches;
this server lets one machine try that setup, and lets the tests and the benchmark prove it against a real
S3 implementation. `scripts/bootstrap-seaweedfs.sh` builds the binary once per machine. The server
enforces one S3 identity (access key and secret key): a request signed with another key is refused.
It listens on loopback only, sends no telemetry, and keeps everything under its data folder.

    with running_state_server(tmp_path / "s3") as s3:
        env = s3.env                          # PULUMI_BACKEND_URL, AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY
        s3.kill(); s3.start()                 # same ports, same data

`python -m devtools.state_server start|stop|status` (`make state-server`) runs one in the background for
`make ... BACKEND=s3`.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import secrets
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from emulator.testing import free_port

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client

REPO = Path(__file__).resolve().parents[1]
BOOTSTRAP = REPO / "scripts" / "bootstrap-seaweedfs.sh"
HOST = "127.0.0.1"
REGION = "us-east-1"
DEFAULT_BUCKET = "genesys-trunks-state"


class StateServerError(RuntimeError):
    """The S3 server could not be built, started or reached; the message says what to look at."""


@cache
def weed_binary() -> Path:
    """The SeaweedFS binary, built by scripts/bootstrap-seaweedfs.sh on the first call on this machine."""
    proc = subprocess.run(["bash", str(BOOTSTRAP)], capture_output=True, text=True, timeout=1800)
    lines = proc.stdout.strip().splitlines()
    if proc.returncode != 0 or not lines:
        raise StateServerError(f"scripts/bootstrap-seaweedfs.sh failed (exit {proc.returncode}):\n{proc.stderr}")
    return Path(lines[-1])


@dataclass(frozen=True)
class Credentials:
    """The one S3 identity the server accepts."""

    access_key: str
    secret_key: str

    @classmethod
    def new(cls) -> Credentials:
        return cls(access_key=f"genesys-{secrets.token_hex(6)}", secret_key=secrets.token_urlsafe(30))


@dataclass(frozen=True)
class Ports:
    """Every port `weed server` opens, chosen up front (its defaults, and its grpc ports at +10000, could
    collide with anything else on the machine)."""

    s3: int
    s3_grpc: int
    master: int
    master_grpc: int
    volume: int
    volume_grpc: int
    filer: int
    filer_grpc: int

    @classmethod
    def free(cls, s3: int | None = None) -> Ports:
        return cls(**{name: free_port(HOST) for name in cls.__dataclass_fields__} | ({"s3": s3} if s3 else {}))


@dataclass
class StateServer:
    """One `weed server -s3` process with its data folder, ports, bucket and identity."""

    data_dir: Path
    ports: Ports
    credentials: Credentials
    bucket: str = DEFAULT_BUCKET
    process: subprocess.Popen[bytes] | None = field(default=None, repr=False)

    @property
    def endpoint(self) -> str:
        return f"http://{HOST}:{self.ports.s3}"

    @property
    def backend_url(self) -> str:
        """The pulumi CLI's backend URL for the bucket (its S3 driver's own query parameters)."""
        return (
            f"s3://{self.bucket}?endpoint={HOST}:{self.ports.s3}&disableSSL=true&s3ForcePathStyle=true&region={REGION}"
        )

    @property
    def env(self) -> dict[str, str]:
        """What a pulumi command (and boto3) needs to use the bucket as its backend."""
        return {
            "PULUMI_BACKEND_URL": self.backend_url,
            "AWS_ACCESS_KEY_ID": self.credentials.access_key,
            "AWS_SECRET_ACCESS_KEY": self.credentials.secret_key,
            "AWS_REGION": REGION,
            # No instance-metadata lookups (a link-local address) when a key is refused.
            "AWS_EC2_METADATA_DISABLED": "true",
        }

    @property
    def log_path(self) -> Path:
        return self.data_dir / "weed.log"

    # -- process ------------------------------------------------------------------------------

    def command(self) -> list[str]:
        p = self.ports
        return [
            str(weed_binary()),
            "server",
            f"-dir={self.data_dir / 'data'}",
            f"-ip={HOST}",
            f"-ip.bind={HOST}",
            f"-master.port={p.master}",
            f"-master.port.grpc={p.master_grpc}",
            "-master.telemetry=false",
            "-master.volumeSizeLimitMB=64",
            f"-volume.port={p.volume}",
            f"-volume.port.grpc={p.volume_grpc}",
            "-volume.max=0",
            "-volume.preStopSeconds=0",
            "-filer",
            f"-filer.port={p.filer}",
            f"-filer.port.grpc={p.filer_grpc}",
            "-s3",
            f"-s3.port={p.s3}",
            f"-s3.port.grpc={p.s3_grpc}",
            "-s3.port.iceberg=0",
            "-s3.port.lance=0",
            f"-s3.config={self._identity_file()}",
        ]

    def _identity_file(self) -> Path:
        path = self.data_dir / "s3-identity.json"
        identity = {
            "identities": [
                {
                    "name": "genesys-trunks",
                    "credentials": [
                        {"accessKey": self.credentials.access_key, "secretKey": self.credentials.secret_key}
                    ],
                    "actions": ["Admin", "Read", "List", "Tagging", "Write"],
                }
            ]
        }
        path.write_text(json.dumps(identity))
        path.chmod(0o600)
        return path

    def start(self, timeout: float = 90.0, *, detached: bool = False) -> StateServer:
        """Start the server (same ports, same data as before) and wait until its S3 endpoint answers."""
        (self.data_dir / "data").mkdir(parents=True, exist_ok=True)
        with open(self.log_path, "ab") as log:  # the child keeps its own handle
            self.process = subprocess.Popen(
                self.command(), stdout=log, stderr=subprocess.STDOUT, start_new_session=detached
            )
        self._wait_ready(timeout)
        return self

    def _wait_ready(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        last = ""
        while time.monotonic() < deadline:
            if self.process is not None and self.process.poll() is not None:
                raise StateServerError(f"weed exited with status {self.process.returncode}:\n{self.log_tail()}")
            try:
                self.client().list_buckets()
                return
            except Exception as exc:  # noqa: BLE001 - not up yet: the filer and S3 gateway start last
                last = str(exc)
            time.sleep(0.3)
        raise StateServerError(f"no S3 answer at {self.endpoint} after {timeout:.0f} s ({last}):\n{self.log_tail()}")

    def log_tail(self, lines: int = 30) -> str:
        if not self.log_path.exists():
            return "(no log)"
        return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])

    def stop(self, timeout: float = 30.0) -> None:
        """SIGTERM, as a service manager stops it (`weed` takes some 15 s to flush and leave); SIGKILL if it lingers."""
        if self.process is None:
            return
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout)
        self.process = None

    def kill(self) -> None:
        """SIGKILL: the server dies as in a crash or a lost machine."""
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(15)
        self.process = None

    # -- S3 -----------------------------------------------------------------------------------

    def client(self, credentials: Credentials | None = None) -> S3Client:
        """A boto3 client for this server (its own identity unless ``credentials`` says otherwise)."""
        import boto3
        from botocore.config import Config

        creds = credentials or self.credentials
        return boto3.session.Session().client(
            "s3",
            endpoint_url=self.endpoint,
            region_name=REGION,
            aws_access_key_id=creds.access_key,
            aws_secret_access_key=creds.secret_key,
            config=Config(
                s3={"addressing_style": "path"},
                connect_timeout=3,
                read_timeout=30,
                retries={"max_attempts": 1},
            ),
        )

    def create_bucket(self) -> None:
        s3 = self.client()
        if self.bucket not in {b["Name"] for b in s3.list_buckets().get("Buckets", [])}:
            s3.create_bucket(Bucket=self.bucket)

    def objects(self) -> dict[str, bytes]:
        """Every object in the bucket with its content (the whole state backend as stored)."""
        s3 = self.client()
        keys = [
            obj["Key"]
            for page in s3.get_paginator("list_objects_v2").paginate(Bucket=self.bucket)
            for obj in page.get("Contents", [])
        ]
        return {key: s3.get_object(Bucket=self.bucket, Key=key)["Body"].read() for key in keys}

    def keys(self, prefix: str = "") -> list[str]:
        s3 = self.client()
        return [
            obj["Key"]
            for page in s3.get_paginator("list_objects_v2").paginate(Bucket=self.bucket, Prefix=prefix)
            for obj in page.get("Contents", [])
        ]


@contextlib.contextmanager
def running_state_server(data_dir: Path, bucket: str = DEFAULT_BUCKET) -> Iterator[StateServer]:
    """A server on free ports with its own data folder, identity and bucket, killed when the block ends (its data
    is the block's: a graceful stop would take `weed` some 15 s)."""
    data_dir.mkdir(parents=True, exist_ok=True)
    server = StateServer(data_dir=data_dir, ports=Ports.free(), credentials=Credentials.new(), bucket=bucket)
    try:
        server.start()
        server.create_bucket()
        yield server
    finally:
        server.kill()


# --------------------------------------------------------------------------------------------- `make state-server`


@dataclass(frozen=True)
class Recorded:
    """What `start` keeps in the data folder so that a later start reuses the same ports, identity and URL."""

    ports: Ports
    credentials: Credentials
    bucket: str

    @classmethod
    def load_or_new(cls, folder: Path, port: int, bucket: str) -> Recorded:
        path = folder / "server.json"
        if path.exists():
            data = json.loads(path.read_text())
            return cls(Ports(**data["ports"]), Credentials(**data["credentials"]), data["bucket"])
        made = cls(Ports.free(s3=port), Credentials.new(), bucket)
        folder.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(asdict(made), indent=2))
        path.chmod(0o600)
        return made


def _pid(folder: Path) -> int | None:
    try:
        pid = int((folder / "weed.pid").read_text())
        os.kill(pid, 0)
    except (OSError, ValueError):
        return None
    return pid


def _write_env(folder: Path, server: StateServer) -> Path:
    """`NAME=value` lines the Makefile reads for `BACKEND=s3` (and a shell can `set -a; . file`)."""
    path = folder / "backend.env"
    path.write_text("".join(f"{k}={v}\n" for k, v in server.env.items()))
    path.chmod(0o600)
    return path


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m devtools.state_server", description=__doc__.splitlines()[0])
    ap.add_argument("action", choices=("start", "stop", "status"))
    ap.add_argument("--dir", type=Path, default=REPO / ".state-server", help="data folder (default .state-server)")
    ap.add_argument("--port", type=int, default=8333, help="the S3 port (default 8333); fixed at the first start")
    ap.add_argument("--bucket", default=DEFAULT_BUCKET)
    args = ap.parse_args(argv)
    folder: Path = args.dir.resolve()
    running = _pid(folder)
    if args.action == "stop":
        if running is None:
            print("state server: not running")
        else:
            os.kill(running, signal.SIGTERM)
            print(f"state server: stopped (pid {running})")
        return 0
    if args.action == "status" and not (folder / "server.json").exists():
        print(f"state server: never started in {folder} (make state-server)")
        return 1
    recorded = Recorded.load_or_new(folder, args.port, args.bucket)
    server = StateServer(folder, recorded.ports, recorded.credentials, recorded.bucket)
    if args.action == "status":
        print(f"state server: {'running, pid ' + str(running) if running else 'not running'}; {server.backend_url}")
        return 0 if running else 1
    try:
        if running is None:
            server.start(detached=True)
            assert server.process is not None
            (folder / "weed.pid").write_text(str(server.process.pid))
            what = f"started (pid {server.process.pid}, log {server.log_path})"
        else:
            what = f"already running (pid {running})"
        server.create_bucket()
    except StateServerError as exc:
        print(f"state server: {exc}", file=sys.stderr)
        return 1
    env_file = _write_env(folder, server)
    print(f"state server: {what}")
    print(f"  backend URL:  {server.backend_url}")
    print(f"  credentials:  AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY in {env_file}")
    print("  use it:       make up BACKEND=s3   (or: set -a; . " + str(env_file) + "; set +a; pulumi ...)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
