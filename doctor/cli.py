"""`python -m doctor --stack dev [--json] [--template-out FILE]`: the checks in order, then the report."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from genesys_api import ConfigurationError
from inspection.check import Run
from inspection.findings import Finding, Level, Section, exit_status, fail, info, ok, ordered
from inspection.permissions import Need, judge
from inspection.reads import Reads
from inspection.stack import StackConfigError, load
from lifecycle.config import read_sections
from registry import Dialect, dialect_named

from . import api, backend, connection, policy_pack, render


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m doctor",
        description="Check, with reads only, that a stack's settings, its OAuth client and its org agree.",
    )
    parser.add_argument("--stack", required=True, help="the Pulumi stack whose config is checked, e.g. dev")
    parser.add_argument("--json", action="store_true", help="print the findings as JSON (for CI)")
    parser.add_argument(
        "--template-out", type=Path, metavar="FILE", help="write what the org offers for the stack's settings as JSON"
    )
    return parser.parse_args(argv)


def diagnose(config: Mapping[str, Any], template_out: Path | None = None) -> tuple[list[Finding], dict[str, Any]]:
    """Every finding for this stack config, and what the run was about (endpoint, dialect, requests)."""
    meta: dict[str, Any] = {}
    try:
        endpoint = api.resolve(config)
    except ConfigurationError as exc:
        return [fail(Section.CONNECTION, "settings", exc.message, "set the keys it names")], meta
    meta.update(endpoint=endpoint.settings.api_url, dialect=endpoint.dialect, clientId=endpoint.settings.client_id)
    findings = [connection.endpoint(endpoint)]
    dialect = dialect_named(endpoint.dialect)
    if dialect is None:
        findings.append(
            fail(
                Section.CONNECTION,
                "dialect",
                f"the doctor has no checks for the {endpoint.dialect!r} dialect",
                f"run a version of the doctor that knows the {endpoint.dialect!r} dialect, or set "
                f"{api.KEY_DIALECT} to seed if the endpoint speaks the seed API",
            )
        )
        return findings, meta
    queries = frozenset().union(*(check.queries for check in dialect.checks))
    client, wire = api.open_client(endpoint, queries)
    try:
        token = connection.token(client, endpoint)
        findings.append(token)
        if token.level is Level.FAIL:
            return findings, meta
        config_findings, entries = _sections(dialect, config)
        findings += config_findings
        run = Run(
            config=config, entries=entries, client=client, reads=Reads(client), client_id=endpoint.settings.client_id
        )
        for check in dialect.checks:
            findings += check.check(run)
        findings += judge(_needs(dialect, run), run.reads.evidence, run.client_id)
        if template_out is not None:
            meta["catalogue"] = _catalogue(dialect, run, endpoint.dialect)
            findings.append(_write_catalogue(template_out, meta["catalogue"]))
        findings.append(connection.rate_limit(wire))
    finally:
        client.close()
        wire.close()
        meta["requests"] = [str(e) for e in wire.exchanges]
    return findings, meta


def _sections(dialect: Dialect, config: Mapping[str, Any]) -> tuple[list[Finding], dict[str, Any]]:
    """One config finding per section, as `pulumi preview` reads it, and its entries (None when they are not
    valid: the entities' checks then look at the org alone)."""
    readings = read_sections(dialect.sections, config.get)
    findings: list[Finding] = []
    entries: dict[str, Any] = {}
    for section in dialect.sections:
        reading = readings[section.key]
        if reading.problems:
            problems = "; ".join(reading.problems)
            fix = "fix the keys named in Pulumi.<stack>.yaml; `pulumi preview` stops on the same errors"
            findings.append(fail(Section.CONFIG, section.config_key, problems, fix))
            entries[section.key] = None
        elif reading.configured or section.required:
            names = ", ".join(e.name for e in reading.entries)
            findings.append(
                ok(Section.CONFIG, section.config_key, f"{len(reading.entries)} {section.noun}(s) valid: {names}")
            )
            entries[section.key] = reading.entries
        else:
            entries[section.key] = []
    return findings, entries


def _needs(dialect: Dialect, run: Run) -> list[Need]:
    """Every call of the program, once, with the operations of every entity that makes it."""
    merged: dict[str, Need] = {}
    for check in dialect.checks:
        for need in check.needs(run):
            known = merged.get(need.label)
            if known is None:
                merged[need.label] = need
            else:
                operations = tuple(dict.fromkeys((*known.operations, *need.operations)))
                merged[need.label] = replace(known, operations=operations)
    return list(merged.values())


def _catalogue(dialect: Dialect, run: Run, name: str) -> dict[str, Any]:
    """What the org offers for the stack's settings, every entity's part in one document."""
    document: dict[str, Any] = {"dialect": name}
    errors: list[str] = []
    for check in dialect.checks:
        part = check.catalogue(run)
        errors += part.pop("errors", [])
        document.update(part)
    return {**document, "errors": errors}


def _write_catalogue(path: Path, catalogue: dict[str, Any]) -> Finding:
    try:
        path.write_text(json.dumps(catalogue, indent=2) + "\n")
    except OSError as exc:
        return fail(Section.CATALOGUE, "catalogue", f"cannot write {path}: {exc.strerror}", "name a writable file")
    sizes = ", ".join(f"{len(v)} {k}" for k, v in catalogue.items() if isinstance(v, list | dict) and k != "errors")
    return info(Section.CATALOGUE, "catalogue", f"written to {path} ({sizes})")


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    try:
        config = load(args.stack)
    except StackConfigError as exc:
        findings = [fail(Section.CONFIG, f"stack {args.stack}", str(exc))]
        meta: dict[str, Any] = {}
    else:
        findings, meta = diagnose(config, args.template_out)
        findings += policy_pack.check(args.stack)
    findings = ordered(findings + backend.check(args.stack))
    status = exit_status(findings)
    written = meta.pop("catalogue", None)  # in its file; as a table for a person
    if args.json:
        print(render.as_json({"stack": args.stack, **meta}, findings, status))
    else:
        header = f"genesys-trunks doctor: stack {args.stack}" + (
            f", dialect {meta['dialect']}, {meta['endpoint']}" if meta else ""
        )
        print(render.text(header, findings))
        if written:
            print(render.tables(written))
    sys.stdout.flush()
    return status
