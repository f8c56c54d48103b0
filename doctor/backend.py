"""Where the stack's state lives, and whether a run holds its lock: whether an `up` can start at all.

The backend is found as the pulumi CLI finds it (PULUMI_BACKEND_URL, else `backend.url` in Pulumi.yaml,
else the one `pulumi login` stored). On a self-managed backend (file://, s3://) a lock held on the stack
is named with its owner (user@host, pid) and age, and the command that clears it once its owner is gone.
"""

from __future__ import annotations

import json
import os
import socket
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import yaml

from inspection.findings import Finding, Section, fail, info, ok, warn

from .backend_locks import Lock, LockReadError, read_locks

SUBJECT_BACKEND = "backend"
SUBJECT_LOCK = "lock"
CLOUD_URL = "https://api.pulumi.com"


def configured_backend(environ: Mapping[str, str], project_dir: Path) -> tuple[str | None, str]:
    """(URL, where it came from), in the CLI's order; (None, ...) when the CLI would ask to log in to Pulumi Cloud."""
    if environ.get("PULUMI_BACKEND_URL"):
        return environ["PULUMI_BACKEND_URL"], "PULUMI_BACKEND_URL"
    project = _project_file(project_dir)
    backend = project.get("backend")
    if isinstance(backend, dict) and backend.get("url"):
        return str(backend["url"]), "backend.url in Pulumi.yaml"
    home = Path(environ.get("PULUMI_HOME") or Path.home() / ".pulumi")
    try:
        current = json.loads((home / "credentials.json").read_text()).get("current")
    except (OSError, ValueError, AttributeError):
        current = None
    if current:
        return str(current), f"`pulumi login` ({home / 'credentials.json'})"
    if environ.get("PULUMI_ACCESS_TOKEN"):
        return CLOUD_URL, "PULUMI_ACCESS_TOKEN (with no other backend, the CLI logs in to Pulumi Cloud with it)"
    return None, "nothing: no PULUMI_BACKEND_URL, no backend.url in Pulumi.yaml, no `pulumi login`"


def project_name(project_dir: Path) -> str:
    return str(_project_file(project_dir).get("name") or "genesys-trunks")


def _project_file(project_dir: Path) -> dict:
    try:
        doc = yaml.safe_load((project_dir / "Pulumi.yaml").read_text())
    except (OSError, yaml.YAMLError):
        return {}
    return doc if isinstance(doc, dict) else {}


def shown(url: str) -> str:
    """The URL without a password in it (an azblob or postgres URL may carry one)."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    host = parts.netloc.rsplit("@", 1)[-1]
    return urlunsplit(parts._replace(netloc=f"{parts.username}:****@{host}"))


def kind(url: str) -> str:
    """What a user should know of this backend in a team."""
    scheme = url.split("://", 1)[0] if "://" in url else ""
    if scheme == "file":
        return (
            "a folder on this machine: only runs here see the stack and its lock "
            "(a team's stacks belong in a bucket: README, A team's state)"
        )
    if scheme in {"s3", "azblob", "gs"}:
        return (
            "a bucket: every engineer and CI runner with its credentials shares the stack; "
            "a lock object admits one run at a time"
        )
    if scheme == "postgres":
        return "a database: every engineer and CI runner with its credentials shares the stack"
    return "Pulumi Cloud (or a self-hosted Pulumi service): the service keeps the stack's lock and its runs"


def check(stack: str, project_dir: Path | None = None, environ: Mapping[str, str] | None = None) -> list[Finding]:
    """The backend finding, then the lock finding (self-managed backends)."""
    project_dir = project_dir or Path.cwd()
    environ = os.environ if environ is None else environ
    url, source = configured_backend(environ, project_dir)
    if url is None:
        return [
            warn(
                Section.STATE,
                SUBJECT_BACKEND,
                f"no backend configured ({source})",
                "set PULUMI_BACKEND_URL (s3://<bucket>?region=..., file://<folder>), or run `pulumi login`",
            )
        ]
    findings = [ok(Section.STATE, SUBJECT_BACKEND, f"{shown(url)} (from {source}): {kind(url)}")]
    name = f"organization/{project_name(project_dir)}/{stack}"
    if not url.startswith(("file://", "s3://")):
        findings.append(
            info(
                Section.STATE,
                SUBJECT_LOCK,
                "not read on this backend (the doctor reads the locks of file:// and s3:// backends)",
                f"a lost run's lock is cleared with `pulumi cancel --yes --stack {stack}`",
            )
        )
        return findings
    try:
        locks = read_locks(url, project_name(project_dir), stack)
    except (LockReadError, OSError) as exc:
        findings.append(
            fail(
                Section.STATE,
                SUBJECT_LOCK,
                f"the locks of {name} could not be read: {exc}",
                _access_fix(url),
            )
        )
        return findings
    if not locks:
        findings.append(ok(Section.STATE, SUBJECT_LOCK, f"none held on {name}: a refresh, up or destroy may start"))
    for lock in locks:
        findings.append(held(lock, name, stack))
    return findings


def held(lock: Lock, name: str, stack: str, now: datetime | None = None) -> Finding:
    """A lock held on the stack: who, since when, whether its process is still there, and how to clear it."""
    now = now or datetime.now(UTC)
    since = "at an unknown time"
    if lock.since is not None:
        when = lock.since if lock.since.tzinfo else lock.since.replace(tzinfo=UTC)
        since = f"since {when.isoformat(timespec='seconds')} ({_age((now - when).total_seconds())} ago)"
    return fail(
        Section.STATE,
        SUBJECT_LOCK,
        f"held on {name} by {lock.owner} {since}{_liveness(lock)}: a refresh, up or destroy stops until it "
        f"is gone ({lock.key})",
        f"while that run goes on, wait for it; once it is over (killed, its machine lost), clear the lock with "
        f"`pulumi cancel --yes --stack {stack}`, then follow README, Troubleshooting: a `pulumi up` was interrupted",
    )


def _liveness(lock: Lock) -> str:
    """What this machine can tell of the owner: only a lock taken here can be checked."""
    if lock.hostname != socket.gethostname() or lock.pid <= 0:
        return ""
    try:
        os.kill(lock.pid, 0)
    except ProcessLookupError:
        return f"; no process {lock.pid} runs on this machine any more"
    except PermissionError:
        pass
    return f"; process {lock.pid} still runs on this machine"


def _age(seconds: float) -> str:
    seconds = max(0, int(seconds))
    if seconds < 120:
        return f"{seconds} s"
    if seconds < 7200:
        return f"{seconds // 60} min"
    if seconds < 172800:
        return f"{seconds // 3600} h"
    return f"{seconds // 86400} days"


def _access_fix(url: str) -> str:
    if url.startswith("s3://"):
        return (
            "check the credentials (AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or AWS_PROFILE) and the URL's "
            "bucket, endpoint and region; `pulumi stack ls` fails the same way"
        )
    return "check that PULUMI_BACKEND_URL names the folder the stack's state is in"
