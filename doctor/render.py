"""Findings as text for a person (one line each) or as JSON for CI."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from inspection.findings import Finding, Level, counts

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


def tables(catalogue: dict[str, Any]) -> str:
    """Each list of entries in the catalogue as a compact table (a dict of lists: one table per key); a column
    of objects stays in the JSON only."""
    blocks = []
    for name, value in catalogue.items():
        groups = value if isinstance(value, dict) else {"": value}
        for sub, rows in groups.items():
            if isinstance(rows, list) and rows and all(isinstance(r, dict) for r in rows):
                blocks.append(_table(f"{name} {sub}".strip(), rows))
    return "\n\n".join(blocks)


def _table(title: str, rows: Sequence[dict[str, Any]]) -> str:
    columns = [c for c in dict.fromkeys(key for row in rows for key in row) if not _structured(rows, c)]
    cells = [[_cell(row.get(c)) for c in columns] for row in rows]
    widths = [max(len(c), *(len(r[i]) for r in cells)) for i, c in enumerate(columns)]
    line = "  ".join
    out = [f"{title} ({len(rows)})", line(c.ljust(w) for c, w in zip(columns, widths, strict=True)).rstrip()]
    out += [line(v.ljust(w) for v, w in zip(r, widths, strict=True)).rstrip() for r in cells]
    return "\n".join(out)


def _structured(rows: Sequence[dict[str, Any]], column: str) -> bool:
    """A column of objects (the JSON's detail): left out of a table."""
    return all(isinstance(row.get(column), dict) for row in rows)


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return ", ".join(map(str, value))
    if isinstance(value, bool):
        return str(value).lower()
    return str(value)
