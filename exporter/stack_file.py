"""`Pulumi.<stack>.yaml` edited in place: each exported list (trunks, outbound routes) added, merged or replaced,
everything else kept as it was (other keys, encrypted secrets, comments, order)."""

from __future__ import annotations

import io
import os
import tempfile
from collections.abc import Callable, Hashable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.scalarstring import SingleQuotedScalarString

from inspection.entries import ExportedEntry


class Mode(Enum):
    REFUSE = "refuse"
    MERGE = "merge"
    FORCE = "force"


class RefusedError(RuntimeError):
    """The stack has trunks already and neither --merge nor --force was given: nothing written."""


@dataclass
class Plan:
    """What the stack's trunks list becomes."""

    new: list[ExportedEntry]
    first_index: int
    """The index of the first new entry in the stack's list (the secrets' config paths count from it)."""
    kept: int = 0
    already: list[str] = field(default_factory=list)
    """Exported trunks not added because the stack has one of that name (--merge)."""


def _yaml() -> YAML:
    yaml = YAML()  # round-trip: comments, order and quoting survive
    yaml.indent(mapping=2, sequence=4, offset=2)  # as the pulumi CLI writes stack files
    yaml.width = 4096
    yaml.preserve_quotes = True
    return yaml


def load(path: Path) -> CommentedMap:
    if not path.exists():
        return CommentedMap()
    doc = _yaml().load(path.read_text(encoding="utf-8"))
    return doc if isinstance(doc, CommentedMap) else CommentedMap()


def existing_entries(doc: CommentedMap, key: str) -> Any:
    config = doc.get("config")
    return config.get(key) if isinstance(config, dict) else None


def by_name(entry: Mapping[str, Any]) -> Hashable:
    """An entry's identity in its list: its name, as Genesys compares names (any case)."""
    return str(entry.get("name", "")).casefold()


def plan(
    existing: Any,
    exported: Sequence[ExportedEntry],
    mode: Mode,
    *,
    where: str,
    noun: str = "trunk",
    identity: Callable[[Mapping[str, Any]], Hashable] = by_name,
) -> Plan:
    """Refuses to touch a stack that has entries in the list, unless merging (new ones only, by ``identity``)
    or forced (replace)."""
    if not existing or mode is Mode.FORCE:
        return Plan(new=list(exported), first_index=0)
    count = len(existing) if isinstance(existing, list) else 1
    if mode is Mode.REFUSE:
        raise RefusedError(
            f"{where} already has {count} {noun}(s); nothing was written. Use --merge to add the org's {noun}s that "
            "the stack does not have yet (by name), --force to replace the list, or --stdout to print the export."
        )
    if not isinstance(existing, list):
        raise RefusedError(f"{where} is not a list; fix it, or use --force to replace it")
    known = {identity(t) for t in existing if isinstance(t, dict)}
    new = [t for t in exported if identity(t.settings) not in known]
    already = [t.name for t in exported if identity(t.settings) in known]
    return Plan(new=new, first_index=len(existing), kept=len(existing), already=already)


def entry(trunk: ExportedEntry) -> CommentedMap:
    """The trunk as YAML, with its comments (a referenced entity's name beside its id)."""
    return _commented(trunk.settings, trunk.comments, "")


def _commented(values: dict[str, Any], comments: dict[str, str], prefix: str) -> CommentedMap:
    node = CommentedMap()
    for key, value in values.items():
        path = f"{prefix}{key}"
        if isinstance(value, dict):
            node[key] = _commented(value, comments, f"{path}.")
        elif isinstance(value, list):
            node[key] = CommentedSeq(value)
        else:
            node[key] = _unambiguous(value)
        if comments.get(path):
            node.yaml_add_eol_comment(comments[path], key)
    return node


#: Plain words that YAML 1.1 readers (PyYAML, older tools) take for booleans; YAML 1.2 for strings.
_YAML11_BOOLEANS = frozenset({"y", "n", "yes", "no", "on", "off"})


def _unambiguous(value: Any) -> Any:
    """A string every YAML reader reads back as that string."""
    if isinstance(value, str) and value.lower() in _YAML11_BOOLEANS:
        return SingleQuotedScalarString(value)
    return value


def apply(doc: CommentedMap, key: str, plan: Plan) -> None:
    """Puts the planned entries into ``doc``: appended after the kept ones, or as the whole list."""
    config = doc.get("config")
    if not isinstance(config, dict):
        config = doc["config"] = CommentedMap()
    entries = [entry(t) for t in plan.new]
    current = config.get(key)
    if plan.kept and isinstance(current, list):
        current.extend(entries)
    else:
        config[key] = CommentedSeq(entries)


def write(path: Path, doc: CommentedMap) -> None:
    """Replaces the file in one step (a temp file renamed over it): an interrupted write leaves the old one."""
    text = dumps(doc)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(text)
        if path.exists():
            os.chmod(tmp, path.stat().st_mode & 0o777)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def dumps(doc: Any) -> str:
    out = io.StringIO()
    _yaml().dump(doc, out)
    return out.getvalue()


def fragment(lists: Mapping[str, Sequence[ExportedEntry]]) -> str:
    """The lists as they would stand under `config:` in the stack file (for --stdout)."""
    config = CommentedMap({key: CommentedSeq([entry(t) for t in entries]) for key, entries in lists.items()})
    return dumps(CommentedMap({"config": config}))
