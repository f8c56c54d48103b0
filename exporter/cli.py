"""`python -m exporter --stack dev [--stdout] [--name GLOB] [--include-deleted] [--merge|--force]`."""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

from inspection.entries import ExportedEntry, config_problems
from registry import Export

from . import report, stack_file
from .genesys import (
    ConfigurationError,
    GenesysApiError,
    UnknownDialectError,
    client_settings,
    configured_dialect,
    dialect_for,
    open_client,
)
from .paths import entry_path
from .progress import Progress
from .selection import Selection, select
from .stack import Stack, StackError
from .stack_file import Mode, RefusedError


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python -m exporter",
        description="Write the config of the trunks the org already has into Pulumi.<stack>.yaml (adopt: true), "
        "so that `pulumi up` takes them over without recreating them.",
    )
    p.add_argument("--stack", required=True, help="the stack whose credentials are used and whose file is written")
    p.add_argument("--stdout", action="store_true", help="print the trunks instead of writing the stack file")
    p.add_argument(
        "--name",
        action="append",
        default=[],
        metavar="GLOB",
        help="only trunks whose name matches (case-insensitive shell glob; repeatable)",
    )
    p.add_argument("--include-deleted", action="store_true", help="also trunks the org lists as deleted")
    mode = p.add_mutually_exclusive_group()
    mode.add_argument("--merge", action="store_true", help="add the trunks the stack does not have yet (by name)")
    mode.add_argument("--force", action="store_true", help="replace the stack's trunks list")
    p.add_argument("-C", "--cwd", type=Path, default=Path("."), help="the project directory (default: here)")
    return p


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        return run(args, out=sys.stdout, err=sys.stderr)
    except (StackError, ConfigurationError, UnknownDialectError, RefusedError, GenesysApiError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1


@dataclass
class _Written:
    """One exported list: what the org had, what was chosen and what the stack's list becomes."""

    export: Export
    key: str
    exported: list[ExportedEntry]
    chosen: Selection
    planned: stack_file.Plan | None = None


def run(args: argparse.Namespace, *, out: TextIO, err: TextIO) -> int:
    started = time.monotonic()
    stack = Stack(args.stack, args.cwd.resolve())
    namespace = stack.namespace  # the project file first: a wrong folder is said before the CLI is asked
    config = stack.config()
    dialect = dialect_for(configured_dialect(config, os.environ))
    mode = Mode.FORCE if args.force else Mode.MERGE if args.merge else Mode.REFUSE
    doc = stack_file.load(stack.file)
    if not args.stdout:  # a refusal needs no call to the org
        for export in dialect.exports:
            key = f"{namespace}:{export.section.key}"
            existing = stack_file.existing_entries(doc, key)
            stack_file.plan(existing, [], mode, where=_where(stack, key), noun=export.section.noun)

    written: list[_Written] = []
    earlier: dict[str, list[ExportedEntry]] = {}
    with open_client(client_settings(config, dict(os.environ))) as api:
        for export in dialect.exports:
            exported = export.read(api, Progress(err), earlier)
            chosen = select(
                exported,
                _rules(export),
                globs=args.name if export is dialect.exports[0] else (),
                include_deleted=args.include_deleted,
                optional_blocks=export.optional_blocks,
                noun=export.section.noun,
                identity=_identity(export),
            )
            earlier[export.section.key] = chosen.trunks
            written.append(_Written(export, f"{namespace}:{export.section.key}", exported, chosen))
        cost = f"{api.stats.calls.total()} API calls, {api.stats.token_fetches} token(s)"

    for item in written:
        existing = stack_file.existing_entries(doc, item.key)
        how = mode if not args.stdout or mode is Mode.MERGE else Mode.FORCE  # printing overwrites nothing
        item.planned = stack_file.plan(
            existing,
            item.chosen.trunks,
            how,
            where=_where(stack, item.key),
            noun=item.export.section.noun,
            identity=item.export.identity,
        )
    if args.stdout:
        out.write(stack_file.fragment({i.key: i.planned.new for i in written if i.planned and i.planned.new}))
    else:
        _store(stack, doc, written)

    say = err if args.stdout else out
    target = "printed" if args.stdout else f"written to {stack.file.name}"
    for n, item in enumerate(written):
        assert item.planned is not None
        if n and not item.exported:
            continue  # an org without such entities: nothing to say
        listed = [t for t in item.exported if args.include_deleted or t.state != "deleted"]
        summary = f"{len(item.planned.new)} of the org's {len(listed)} {item.export.entity}s {target}"
        print(summary if n else f"{summary} ({time.monotonic() - started:.1f} s, {cost})", file=say)
        _explain(stack.name, item, printed=args.stdout, say=say)
    return 0


def _rules(export: Export) -> Callable[[dict[str, Any]], list[tuple[str, str]]]:
    """The rules of the section's entry config, as the exporter checks an entry."""
    return lambda entry: config_problems(entry, export.section.entry)


def _identity(export: Export) -> Callable[[ExportedEntry], Hashable]:
    return lambda entry: export.identity(entry.settings)


def _where(stack: Stack, key: str) -> str:
    return f"{stack.file.name} ({key})"


def _store(stack: Stack, doc: stack_file.CommentedMap, written: list[_Written]) -> None:
    """The stack file first, then each secret the API returned, encrypted by the pulumi CLI."""
    for item in written:
        if item.planned is not None and (item.planned.new or item is written[0]):
            stack_file.apply(doc, item.key, item.planned)
    stack_file.write(stack.file, doc)
    for item in written:
        assert item.planned is not None
        for offset, entry in enumerate(item.planned.new):
            for secret in entry.secrets:
                if secret.value is not None:
                    path = entry_path(item.planned.first_index + offset, secret.path, item.export.section.key)
                    stack.set_secret(path, secret.value)


def _explain(stack: str, item: _Written, *, printed: bool, say: TextIO) -> None:
    """What was kept or left out and why, what `pulumi up` will do, and the password lines to run."""
    planned, entity, noun = item.planned, item.export.entity, item.export.section.noun
    assert planned is not None
    if planned.kept:
        already = ", ".join(map(repr, planned.already)) or "none of the org's"
        print(f"kept the stack's {planned.kept} {noun}(s); already in it by name: {already}", file=say)
    for line in item.chosen.skipped:
        print(f"not exported: {line}", file=say)
    for line in report.notes(planned.new):
        print(f"note: {line}", file=say)
    if planned.new and not printed:
        print(
            f"`pulumi up` lists them as creates (Pulumi cannot import into dynamic resources) but takes each "
            f"{entity} over (adopt: true): nothing is created, and the same settings are written back with the "
            "password.",
            file=say,
        )
    lines = report.password_lines(stack, planned.new, planned.first_index, item.export.section.key)
    if lines:
        print(
            "\nPasswords cannot be read back from the API. Set each one (the CLI asks for it, or reads stdin); "
            "until then `pulumi preview` fails naming every missing one, and writes nothing:",
            file=say,
        )
        print("\n".join(lines), file=say)
