"""Counting what one operation cost Genesys, from the emulator's request log (``/_emulator/requests``)."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any

TOKEN_PATH = "/oauth/token"
API_PREFIX = "/api/v2/"
#: POSTs that change nothing (queries): counted as reads.
READ_ONLY_POSTS = frozenset({"/api/v2/analytics/events/query", "/api/v2/audits/query/realtime"})

_UUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
_OPAQUE_ID = re.compile(r"^(?=.*\d)[0-9A-Za-z_-]{16,}$")


def normalize_path(path: str) -> str:
    """Ids in a path as ``{id}``: ``/api/v2/webhooks/3f1d...`` -> ``/api/v2/webhooks/{id}``."""
    return "/".join("{id}" if _UUID.match(seg) or _OPAQUE_ID.match(seg) else seg for seg in path.split("/"))


def endpoint(entry: dict[str, Any]) -> str:
    """``"METHOD /normalised/path"``, the key calls are counted by."""
    return f"{entry['method']} {normalize_path(entry['path'])}"


def is_read(method: str, path: str) -> bool:
    return method in ("GET", "HEAD") or (method == "POST" and path in READ_ONLY_POSTS)


@dataclass
class CallSummary:
    """What one operation sent: /api/v2 calls (the rate-limited ones) and token requests apart."""

    api_calls: int = 0
    """Every /api/v2 request, 429s and failures included (each one counts against the rate limit)."""
    reads: int = 0
    writes: int = 0
    deletes: int = 0
    token_fetches: int = 0
    rate_limited: int = 0
    """429 replies."""
    token_throttled: int = 0
    """Token requests refused for the token rate limit (400 invalid_request)."""
    failed: int = 0
    """Other 4xx/5xx replies and dropped connections (status 0)."""
    by_endpoint: dict[str, int] = field(default_factory=dict)
    by_status: dict[str, int] = field(default_factory=dict)

    @property
    def accepted_api_calls(self) -> int:
        """/api/v2 calls the rate limit let through."""
        return self.api_calls - self.rate_limited

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "accepted_api_calls": self.accepted_api_calls}


def _epoch(ts: str) -> float:
    return datetime.fromisoformat(ts.replace("Z", "+00:00")).timestamp()


def timeline(entries: list[dict[str, Any]], started: float, ended: float) -> dict[str, float] | None:
    """Where the command's seconds went, by the log's clock (ms resolution): before the first request
    (CLI, program and provider start-up, checks), between the first and the last request (the API work
    and whatever the engine interleaves), after the last (engine wrap-up, state write)."""
    times = [_epoch(e["time"]) for e in entries if e.get("time")]
    if not times:
        return None
    last_end = max(_epoch(e["time"]) + float(e.get("durationMs") or 0) / 1000 for e in entries if e.get("time"))
    return {
        "before_first_call": round(max(0.0, min(times) - started), 2),
        "api_span": round(max(0.0, last_end - min(times)), 2),
        "after_last_call": round(max(0.0, ended - last_end), 2),
    }


def summarize(entries: list[dict[str, Any]]) -> CallSummary:
    """Count a request log (admin calls are never in it)."""
    out = CallSummary()
    endpoints: Counter[str] = Counter()
    statuses: Counter[str] = Counter()
    for entry in entries:
        method, path, status = entry["method"].upper(), entry["path"], int(entry.get("status") or 0)
        endpoints[endpoint(entry)] += 1
        statuses[str(status)] += 1
        if path == TOKEN_PATH:
            out.token_fetches += 1
            if status == 400:
                out.token_throttled += 1
            continue
        if not path.startswith(API_PREFIX):
            continue
        out.api_calls += 1
        if status == 429:
            out.rate_limited += 1
            continue
        if status == 0 or status >= 400:
            out.failed += 1
        if is_read(method, path):
            out.reads += 1
        else:
            out.writes += 1
            if method == "DELETE":
                out.deletes += 1
    out.by_endpoint = dict(sorted(endpoints.items(), key=lambda kv: (-kv[1], kv[0])))
    out.by_status = dict(sorted(statuses.items()))
    return out


def short_endpoint(key: str) -> str:
    """A compact label for tables: ``GET /api/v2/telephony/providers/edges/{id}`` -> ``GET edges/{id}``."""
    method, _, path = key.partition(" ")
    for prefix in ("/api/v2/telephony/providers/", "/api/v2/analytics/", "/api/v2/"):
        if path.startswith(prefix):
            path = path[len(prefix) :]
            break
    return f"{method} {path}"
