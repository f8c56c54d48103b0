"""Which of the org's trunks are written: the asked-for ones the config can hold, each name once."""

from __future__ import annotations

import copy
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass, field
from fnmatch import fnmatchcase
from typing import Any

from inspection.entries import ExportedEntry

from . import paths

#: (entry) -> [(path inside it, message)]: the dialect's trunk config rules.
Rules = Callable[[dict[str, Any]], list[tuple[str, str]]]

#: What a secret is validated as, since the export never has the passwords.
_PLACEHOLDER = "set-by-pulumi-config"


@dataclass
class Selection:
    trunks: list[ExportedEntry] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    """One line per trunk left out, with the reason."""


def select(
    exported: Sequence[ExportedEntry],
    rules: Rules,
    *,
    globs: Sequence[str] = (),
    include_deleted: bool = False,
    optional_blocks: Sequence[str] = (),
    noun: str = "trunk",
    identity: Callable[[ExportedEntry], Hashable] = lambda entry: entry.name.casefold(),
) -> Selection:
    """Filters by name glob (case-insensitive) and state, then keeps what the stack's config accepts: a trunk
    whose optional block (its webhook) alone breaks a rule loses that block, with a note."""
    result = Selection()
    seen: dict[Hashable, str] = {}
    for trunk in sorted(exported, key=lambda t: (t.name.casefold(), t.entity_id)):
        if trunk.state == "deleted" and not include_deleted:
            continue
        if globs and not any(fnmatchcase(trunk.name.casefold(), g.casefold()) for g in globs):
            continue
        if trunk.unfit:
            result.skipped.append(f"{trunk.name!r} ({trunk.entity_id}): {trunk.unfit}")
            continue
        problems = _problems(trunk, rules)
        blocks = {p.split(".", 1)[0].split("[", 1)[0] for p, _ in problems}
        if problems and blocks <= set(optional_blocks):
            for block in sorted(blocks):
                del trunk.settings[block]
                trunk.secrets = [s for s in trunk.secrets if not s.path.startswith(block)]
                reasons = "; ".join(f"{p}: {m}" for p, m in problems)
                trunk.notes.append(f"{block} not exported, the stack's config refuses it: {reasons}")
            problems = _problems(trunk, rules)
        if problems:
            reasons = "; ".join(f"{p}: {m}" for p, m in problems)
            result.skipped.append(f"{trunk.name!r} ({trunk.entity_id}): the stack's config refuses it: {reasons}")
            continue
        key = identity(trunk)
        if key in seen:
            result.skipped.append(
                f"{trunk.name!r} ({trunk.entity_id}): its name is also the name of {seen[key]}, and {noun} names "
                "are unique per stack; rename one of them in the org and export again"
            )
            continue
        seen[key] = trunk.entity_id
        result.trunks.append(trunk)
    return result


def _problems(trunk: ExportedEntry, rules: Rules) -> list[tuple[str, str]]:
    entry = copy.deepcopy(trunk.settings)
    for secret in trunk.secrets:
        paths.put(entry, secret.path, secret.value if secret.value is not None else _PLACEHOLDER)
    return rules(entry)
