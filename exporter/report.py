"""What the user reads after an export: what was written, what was left out, and the lines to run."""

from __future__ import annotations

import shlex
from collections.abc import Sequence

from inspection.entries import ExportedEntry

from .paths import entry_path


def password_lines(stack: str, trunks: Sequence[ExportedEntry], first_index: int, section: str = "trunks") -> list[str]:
    """Per trunk, the `pulumi config set` line of each secret the API cannot return. Without a value on the
    line the CLI asks for it (or reads stdin), so the password lands in no shell history."""
    lines = []
    for offset, trunk in enumerate(trunks):
        wanted = [s for s in trunk.secrets if s.value is None]
        if not wanted:
            continue
        lines.append(f"# {trunk.name}: " + "; ".join(s.what for s in wanted))
        for secret in wanted:
            path = shlex.quote(entry_path(first_index + offset, secret.path, section))
            lines.append(f"pulumi config set --stack {shlex.quote(stack)} --secret --path {path}")
    return lines


def notes(trunks: Sequence[ExportedEntry]) -> list[str]:
    return [f"{trunk.name!r}: {note}" for trunk in trunks for note in trunk.notes]
