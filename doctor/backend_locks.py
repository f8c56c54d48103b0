"""The lock objects a self-managed backend holds for one stack, read where pulumi writes them.

Before a refresh, `up` or destroy, the pulumi CLI lists `.pulumi/locks/organization/<project>/<stack>/`
(`.pulumi/locks/<stack>/` on a backend made before projects had their own folders), writes
`<uuid>.json` there, and lists again: any other object means another run holds the stack, and the CLI
stops naming it. Each object is `{"pid", "username", "hostname", "timestamp"}`; nothing expires it, the
run that wrote it deletes it, and `pulumi cancel` deletes a lost run's. This module reads those objects:
from the folder of a file:// backend, and from the bucket of an s3:// one with boto3 (the URL's own
endpoint, region, profile and path-style settings, the usual AWS credentials).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs, unquote, urlsplit

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client

LOCKS = ".pulumi/locks"
ORGANIZATION = "organization"


class LockReadError(Exception):
    """The backend's locks could not be read; the message says where and why."""


@dataclass(frozen=True)
class Lock:
    """One run's claim on the stack, as the pulumi CLI wrote it."""

    key: str
    """Where it is: the object key (s3) or file path (file)."""
    username: str
    hostname: str
    pid: int
    since: datetime | None
    """None when the object's timestamp cannot be read (a lock all the same)."""

    @property
    def owner(self) -> str:
        return f"{self.username}@{self.hostname} (pid {self.pid})"


def lock_prefixes(project: str, stack: str) -> list[str]:
    """The folders (relative to the backend's root) where a run of ``project``'s ``stack`` leaves its lock."""
    return [f"{LOCKS}/{ORGANIZATION}/{project}/{stack}/", f"{LOCKS}/{stack}/"]


def parse_lock(key: str, content: bytes) -> Lock:
    """A lock object's JSON; anything unreadable is still a lock (the CLI refuses to run past it too)."""
    try:
        data: Any = json.loads(content)
    except ValueError:
        data = {}
    if not isinstance(data, dict):
        data = {}
    since: datetime | None
    try:
        since = datetime.fromisoformat(str(data.get("timestamp")))
    except ValueError:
        since = None
    pid = data.get("pid")
    return Lock(
        key=key,
        username=str(data.get("username") or "?"),
        hostname=str(data.get("hostname") or "?"),
        pid=pid if isinstance(pid, int) else -1,
        since=since,
    )


# --------------------------------------------------------------------------------------------- file://


def file_root(url: str) -> Path:
    """The folder of a file:// backend URL (`file://~/state`, `file:///abs`, `file://rel` as the CLI reads them)."""
    path = unquote(url.removeprefix("file://").split("?", 1)[0])
    return Path(path).expanduser().resolve()


def file_locks(url: str, project: str, stack: str) -> list[Lock]:
    root = file_root(url)
    if not root.is_dir():
        raise LockReadError(f"the state folder {root} does not exist")
    found = []
    for prefix in lock_prefixes(project, stack):
        folder = root / prefix
        if folder.is_dir():
            found += [parse_lock(str(path), path.read_bytes()) for path in sorted(folder.glob("*.json"))]
    return found


# --------------------------------------------------------------------------------------------- s3://


@dataclass(frozen=True)
class S3Location:
    """An s3:// backend URL as boto3 takes it (the query parameters gocloud.dev reads, old and new names)."""

    bucket: str
    prefix: str
    endpoint: str | None = None
    region: str | None = None
    profile: str | None = None
    path_style: bool = False

    @classmethod
    def parse(cls, url: str) -> S3Location:
        parts = urlsplit(url)
        if parts.scheme != "s3" or not parts.netloc:
            raise LockReadError(f"{url!r} is not an s3://<bucket>[/<prefix>][?...] URL")
        query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
        prefix = parts.path.strip("/")
        no_tls = _flag(query.get("disable_https") or query.get("disableSSL"))
        endpoint = query.get("endpoint")
        if endpoint and "://" not in endpoint:
            endpoint = f"{'http' if no_tls else 'https'}://{endpoint}"
        return cls(
            bucket=parts.netloc,
            prefix=f"{prefix}/" if prefix else "",
            endpoint=endpoint,
            region=query.get("region"),
            profile=query.get("profile"),
            path_style=_flag(query.get("use_path_style") or query.get("s3ForcePathStyle")),
        )

    def client(self) -> S3Client:
        """A boto3 client that answers fast or fails: the doctor waits for no dead endpoint."""
        import boto3
        from botocore.config import Config

        session = boto3.session.Session(profile_name=self.profile)
        config = Config(
            connect_timeout=5,
            read_timeout=10,
            retries={"max_attempts": 2, "mode": "standard"},
            s3={"addressing_style": "path" if self.path_style else "auto"},
        )
        return session.client("s3", endpoint_url=self.endpoint, region_name=self.region, config=config)


def _flag(value: str | None) -> bool:
    return (value or "").lower() in {"1", "t", "true"}


def s3_locks(url: str, project: str, stack: str, client: S3Client | None = None) -> list[Lock]:
    from botocore.exceptions import BotoCoreError, ClientError

    where = S3Location.parse(url)
    s3 = client or where.client()
    try:
        keys = _keys(s3, where.bucket, (where.prefix + p for p in lock_prefixes(project, stack)))
        return [parse_lock(key, s3.get_object(Bucket=where.bucket, Key=key)["Body"].read()) for key in keys]
    except ClientError as exc:
        error = exc.response.get("Error", {})
        code, message = error.get("Code", "?"), error.get("Message") or ""
        raise LockReadError(f"bucket {where.bucket!r} refused the read: {code} {message}".strip()) from None
    except BotoCoreError as exc:
        raise LockReadError(f"bucket {where.bucket!r} could not be read: {exc}") from None


def _keys(s3: S3Client, bucket: str, prefixes: Iterable[str]) -> list[str]:
    """The lock objects directly under each prefix (a lock folder holds no subfolder)."""
    keys = []
    for prefix in prefixes:
        for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix, Delimiter="/"):
            keys += [obj["Key"] for obj in page.get("Contents", []) if obj["Key"].endswith(".json")]
    return keys


def read_locks(url: str, project: str, stack: str) -> list[Lock]:
    """Every lock held on ``organization/<project>/<stack>`` of the backend at ``url`` (file:// or s3://)."""
    if url.startswith("file://"):
        return file_locks(url, project, stack)
    if url.startswith("s3://"):
        return s3_locks(url, project, stack)
    raise LockReadError(f"locks are read from file:// and s3:// backends, not {url.split(':', 1)[0]}://")
