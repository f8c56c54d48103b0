"""Findings as text for a person (one line each) or as JSON for CI."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from .findings import Finding, Level, counts

_TAG = {Level.OK: "ok  ", Level.INFO: "info", Level.WARN: "warn", Level.FAIL: "FAIL"}


def text(header: str, findings: Sequence[Finding]) -> str:
    lines = [header]
    for f in findings:
        fix = f"  -> fix: {f.fix}" if f.fix and f.level is not Level.OK else ""
        lines.append(f"{_TAG[f.level]}  {f.section.value:<11}  {f.subject}: {f.message}{fix}")
    summary = ", ".join(f"{n} {level}" for level, n in counts(findings).items())
    lines.append(f"summary: {summary}")
    return "\n".join(lines)


def as_json(meta: dict[str, Any], findings: Sequence[Finding], status: int) -> str:
    return json.dumps(
        {**meta, "findings": [f.to_dict() for f in findings], "summary": counts(findings), "exitStatus": status},
        indent=2,
    )
