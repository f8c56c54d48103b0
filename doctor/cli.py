"""`python -m doctor --stack dev [--json] [--template-out FILE]`: the checks in order, then the report."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from providers.genesys_api import ConfigurationError

from . import api, backend, connection, render
from .dialect import Run
from .dialects import for_dialect
from .findings import Finding, Level, Section, exit_status, fail, info, ordered
from .reads import Reads
from .stack_config import StackConfigError, load


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
    doctor = for_dialect(endpoint.dialect)
    if doctor is None:
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
    client, wire = api.open_client(endpoint, doctor.queries)
    try:
        token = connection.token(client, endpoint)
        findings.append(token)
        if token.level is Level.FAIL:
            return findings, meta
        run = Run(config=config, client=client, reads=Reads(client), client_id=endpoint.settings.client_id)
        findings += doctor.check(run)
        if template_out is not None:
            meta["catalogue"] = doctor.catalogue(run)
            findings.append(_write_catalogue(template_out, meta["catalogue"]))
        findings.append(connection.rate_limit(wire))
    finally:
        client.close()
        wire.close()
        meta["requests"] = [str(e) for e in wire.exchanges]
    return findings, meta


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
