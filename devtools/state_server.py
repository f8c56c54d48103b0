"""The bundled S3 server: versitygw (the Versity S3 Gateway, `versitygw posix`) on this machine, a real S3
endpoint for a team's state.

A team keeps its stacks in a bucket (s3://, azblob://, gs://) that every engineer and CI runner reaches;
this server lets one machine try that setup, and lets the tests and the benchmark prove it against a real
S3 implementation. `scripts/bootstrap-versitygw.sh` builds the binary once per machine. The server
enforces one S3 identity (access key and secret key, given in its environment, not on its command line): a
request signed with another key is refused. It listens on loopback only, on one port, and keeps every object
as a file under its data folder (`objects/<bucket>/<key>`), its metadata in extended attributes.

    with running_state_server(tmp_path / "s3") as s3:
        env = s3.env                          # PULUMI_BACKEND_URL, AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY
        s3.kill(); s3.start()                 # same port, same data

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
BOOTSTRAP = REPO / "scripts" / "bootstrap-versitygw.sh"
HOST = "127.0.0.1"
REGION = "us-east-1"
DEFAULT_BUCKET = "genesys-trunks-state"


class StateServerError(RuntimeError):
    """The S3 server could not be built, started or reached; the message says what to look at."""


@cache
def server_binary() -> Path:
    """The versitygw binary, built by scripts/bootstrap-versitygw.sh on the first call on this machine."""
    proc = subprocess.run(["bash", str(BOOTSTRAP)], capture_output=True, text=True, timeout=1800)
    lines = proc.stdout.strip().splitlines()
    if proc.returncode != 0 or not lines:
        raise StateServerError(f"scripts/bootstrap-versitygw.sh failed (exit {proc.returncode}):\n{proc.stderr}")
    return Path(lines[-1])


@dataclass(frozen=True)
class Credentials:
    """The one S3 identity the server accepts."""

    access_key: str
    secret_key: str

    @classmethod
    def new(cls) -> Credentials:
        return cls(access_key=f"genesys-{secrets.token_hex(6)}", secret_key=secrets.token_urlsafe(30))


def _xattrs_work(folder: Path) -> bool:
    """Whether the folder's file system keeps user extended attributes, where the server keeps object metadata."""
    probe = folder / ".xattr-probe"
    probe.touch()
    try:
        os.setxattr(probe, "user.genesys-trunks", b"1")
        return True
    except (OSError, AttributeError):  # no user xattrs here (some tmpfs, some network file systems; not Linux)
        return False
    finally:
        probe.unlink()


def _s3_client(endpoint: str, creds: Credentials) -> S3Client:
    import boto3
    from botocore.config import Config

    return boto3.session.Session().client(
        "s3",
        endpoint_url=endpoint,
        region_name=REGION,
        aws_access_key_id=creds.access_key,
        aws_secret_access_key=creds.secret_key,
        config=Config(s3={"addressing_style": "path"}, connect_timeout=3, read_timeout=30, retries={"max_attempts": 1}),
    )


@dataclass
class StateServer:
    """One `versitygw posix` process with its data folder, port, bucket and identity."""

    data_dir: Path
    port: int
    credentials: Credentials
    bucket: str = DEFAULT_BUCKET
    process: subprocess.Popen[bytes] | None = field(default=None, repr=False)
    _clients: dict[Credentials, S3Client] = field(default_factory=dict, init=False, repr=False, compare=False)

    @property
    def endpoint(self) -> str:
        return f"http://{HOST}:{self.port}"

    @property
    def backend_url(self) -> str:
        """The pulumi CLI's backend URL for the bucket (its S3 driver's own query parameters)."""
        return f"s3://{self.bucket}?endpoint={HOST}:{self.port}&disableSSL=true&s3ForcePathStyle=true&region={REGION}"

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
        return self.data_dir / "server.log"

    @property
    def objects_dir(self) -> Path:
        return self.data_dir / "objects"

    # -- process ------------------------------------------------------------------------------

    def command(self, metadata: Path | None = None) -> list[str]:
        """``metadata``: a folder for the objects' metadata, where their file system keeps no extended attributes."""
        sidecar = ["--sidecar", str(metadata)] if metadata is not None else []
        return [
            str(server_binary()),
            "--port",
            f"{HOST}:{self.port}",
            "--region",
            REGION,
            "--keep-alive",
            "--quiet",
            "posix",
            *sidecar,
            str(self.objects_dir),
        ]

    def start(self, timeout: float = 60.0, *, detached: bool = False) -> StateServer:
        """Start the server (same port, same data as before) and wait until its S3 endpoint answers."""
        self.objects_dir.mkdir(parents=True, exist_ok=True)
        metadata = None if _xattrs_work(self.objects_dir) else self.data_dir / "metadata"
        if metadata is not None:
            metadata.mkdir(exist_ok=True)
        identity = {
            "ROOT_ACCESS_KEY_ID": self.credentials.access_key,
            "ROOT_SECRET_ACCESS_KEY": self.credentials.secret_key,
        }
        with open(self.log_path, "ab") as log:  # the child keeps its own handle
            self.process = subprocess.Popen(
                self.command(metadata),
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                env={**os.environ, **identity},
                start_new_session=detached,
            )
        self._wait_ready(timeout)
        return self

    def _wait_ready(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        last = ""
        while time.monotonic() < deadline:
            if self.process is not None and self.process.poll() is not None:
                raise StateServerError(f"versitygw exited with status {self.process.returncode}:\n{self.log_tail()}")
            try:
                self.client().list_buckets()
                return
            except Exception as exc:  # noqa: BLE001 - not listening yet
                last = str(exc)
            time.sleep(0.05)
        raise StateServerError(f"no S3 answer at {self.endpoint} after {timeout:.0f} s ({last}):\n{self.log_tail()}")

    def log_tail(self, lines: int = 30) -> str:
        if not self.log_path.exists():
            return "(no log)"
        return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])

    def stop(self, timeout: float = 30.0) -> None:
        """SIGTERM, as a service manager stops it; SIGKILL if it lingers."""
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
        """A boto3 client for this server (its own identity unless ``credentials`` says otherwise), made once per
        identity: making one costs more than its requests (a restarted server is reached through it again)."""
        creds = credentials or self.credentials
        if creds not in self._clients:
            self._clients[creds] = _s3_client(self.endpoint, creds)
        return self._clients[creds]

    def create_bucket(self) -> None:
        s3 = self.client()
        if self.bucket not in {b["Name"] for b in s3.list_buckets().get("Buckets", [])}:
            s3.create_bucket(Bucket=self.bucket)

    def objects(self) -> dict[str, bytes]:
        """Every object in the bucket with its content (the whole state backend as stored)."""
        s3 = self.client()
        return {key: s3.get_object(Bucket=self.bucket, Key=key)["Body"].read() for key in self.keys()}

    def keys(self, prefix: str = "") -> list[str]:
        s3 = self.client()
        return [
            obj["Key"]
            for page in s3.get_paginator("list_objects_v2").paginate(Bucket=self.bucket, Prefix=prefix)
            for obj in page.get("Contents", [])
        ]


@contextlib.contextmanager
def running_state_server(data_dir: Path, bucket: str = DEFAULT_BUCKET) -> Iterator[StateServer]:
    """A server on a free port with its own data folder, identity and bucket, stopped when the block ends."""
    data_dir.mkdir(parents=True, exist_ok=True)
    server = StateServer(data_dir=data_dir, port=free_port(HOST), credentials=Credentials.new(), bucket=bucket)
    try:
        server.start()
        server.create_bucket()
        yield server
    finally:
        server.stop()


# --------------------------------------------------------------------------------------------- `make state-server`

EARLIER_SERVER = (
    "{folder} holds the bucket of the SeaweedFS server that earlier releases bundled; this release bundles versitygw "
    "and leaves that folder as it is. To carry its stacks over: with the earlier release checked out, run "
    "`make state-server`, and `pulumi stack export --stack <name> --file <name>.json` for each stack (after "
    "`set -a; . {folder}/backend.env; set +a`); `make state-server-stop`; move the folder away "
    "(`mv {folder} {folder}.seaweedfs`); then with this release `make state-server`, and `pulumi stack init <name>` "
    "and `pulumi stack import --stack <name> --file <name>.json` for each (its secrets stay readable: their salt is "
    "in Pulumi.<name>.yaml). To start afresh instead, move the folder away."
)


#: In the data folder: what `start` recorded, and the running server's pid.
RECORD_FILE, PID_FILE = "server.json", "server.pid"


@dataclass(frozen=True)
class Recorded:
    """What `start` keeps in the data folder so that a later start reuses the same port, identity and URL."""

    port: int
    credentials: Credentials
    bucket: str

    @classmethod
    def load(cls, folder: Path) -> Recorded:
        """What the folder's first start recorded (FileNotFoundError where it has not been started)."""
        data = json.loads((folder / RECORD_FILE).read_text())
        if "port" not in data:
            raise StateServerError(EARLIER_SERVER.format(folder=folder))
        return cls(data["port"], Credentials(**data["credentials"]), data["bucket"])

    @classmethod
    def load_or_new(cls, folder: Path, port: int, bucket: str) -> Recorded:
        path = folder / RECORD_FILE
        if path.exists():
            return cls.load(folder)
        made = cls(port, Credentials.new(), bucket)
        folder.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(asdict(made), indent=2))
        path.chmod(0o600)
        return made


def _pid(folder: Path, name: str = PID_FILE) -> int | None:
    try:
        pid = int((folder / name).read_text())
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
    # `weed.pid`: the server earlier releases bundled, which `stop` still stops.
    running = _pid(folder) or (_pid(folder, "weed.pid") if args.action == "stop" else None)
    if args.action == "stop":
        if running is None:
            print("state server: not running")
        else:
            os.kill(running, signal.SIGTERM)
            print(f"state server: stopped (pid {running})")
        return 0
    if args.action == "status" and not (folder / RECORD_FILE).exists():
        print(f"state server: never started in {folder} (make state-server)")
        return 1
    try:
        recorded = Recorded.load_or_new(folder, args.port, args.bucket)
        server = StateServer(folder, recorded.port, recorded.credentials, recorded.bucket)
        if args.action == "status":
            state = f"running, pid {running}" if running else "not running"
            print(f"state server: {state}; {server.backend_url}")
            return 0 if running else 1
        if running is None:
            server.start(detached=True)
            assert server.process is not None
            (folder / PID_FILE).write_text(str(server.process.pid))
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
