"""`python -m exporter --stack dev [--stdout] [--name GLOB] [--include-deleted] [--merge|--force]`."""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from inspection.entries import config_problems

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
from .selection import select
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


def run(args: argparse.Namespace, *, out: TextIO, err: TextIO) -> int:
    started = time.monotonic()
    stack = Stack(args.stack, args.cwd.resolve())
    namespace = stack.namespace  # the project file first: a wrong folder is said before the CLI is asked
    config = stack.config()
    dialect = dialect_for(configured_dialect(config, os.environ))
    export = dialect.exports[0]
    key = f"{namespace}:{export.section.key}"
    mode = Mode.FORCE if args.force else Mode.MERGE if args.merge else Mode.REFUSE
    doc = stack_file.load(stack.file)
    existing = stack_file.existing_trunks(doc, key)
    where = f"{stack.file.name} ({key})"
    if not args.stdout:  # a refusal needs no call to the org
        stack_file.plan(existing, [], mode, where=where)

    with open_client(client_settings(config, dict(os.environ))) as api:
        exported = export.read(api, Progress(err))
        cost = f"{api.stats.calls.total()} API calls, {api.stats.token_fetches} token(s)"
    chosen = select(
        exported,
        lambda entry: config_problems(entry, export.section.entry),
        globs=args.name,
        include_deleted=args.include_deleted,
        optional_blocks=export.optional_blocks,
    )
    if args.stdout:  # printing overwrites nothing: what --merge would add, else the whole list
        planned = stack_file.plan(existing, chosen.trunks, mode if mode is Mode.MERGE else Mode.FORCE, where=where)
        out.write(stack_file.fragment(key, planned.new))
    else:
        planned = stack_file.plan(existing, chosen.trunks, mode, where=where)
        _store(stack, doc, key, planned)

    say = err if args.stdout else out
    target = "printed" if args.stdout else f"written to {stack.file.name}"
    listed = [t for t in exported if args.include_deleted or t.state != "deleted"]
    summary = f"{len(planned.new)} of the org's {len(listed)} {export.entity}s {target}"
    print(f"{summary} ({time.monotonic() - started:.1f} s, {cost})", file=say)
    _explain(stack.name, export.entity, chosen.skipped, planned, printed=args.stdout, say=say)
    return 0


def _store(stack: Stack, doc: stack_file.CommentedMap, key: str, planned: stack_file.Plan) -> None:
    """The stack file first, then each secret the API returned, encrypted by the pulumi CLI."""
    stack_file.apply(doc, key, planned)
    stack_file.write(stack.file, doc)
    for offset, trunk in enumerate(planned.new):
        for secret in trunk.secrets:
            if secret.value is not None:
                stack.set_secret(entry_path(planned.first_index + offset, secret.path), secret.value)


def _explain(
    stack: str, entity: str, skipped: list[str], planned: stack_file.Plan, *, printed: bool, say: TextIO
) -> None:
    """What was kept or left out and why, what `pulumi up` will do, and the password lines to run."""
    if planned.kept:
        already = ", ".join(map(repr, planned.already)) or "none of the org's"
        print(f"kept the stack's {planned.kept} trunk(s); already in it by name: {already}", file=say)
    for line in skipped:
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
    lines = report.password_lines(stack, planned.new, planned.first_index)
    if lines:
        print(
            "\nPasswords cannot be read back from the API. Set each one (the CLI asks for it, or reads stdin); "
            "until then `pulumi preview` fails naming every missing one, and writes nothing:",
            file=say,
        )
        print("\n".join(lines), file=say)
