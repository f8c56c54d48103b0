"""Command line: ``python -m emulator --host 127.0.0.1 --port 8787 --db PATH``.

The options are the fields of :class:`~emulator.settings.Settings` (``rate_limit`` -> ``--rate-limit``),
with its defaults, limits and descriptions. Every option can also come from an ``EMULATOR_*``
environment variable (``EMULATOR_RATE_LIMIT=500``); the command line wins.
"""

from __future__ import annotations

import argparse
import os
import sys
import typing
from collections.abc import Sequence

from pydantic import ValidationError

from .settings import Settings, is_loopback_host


def flag(name: str) -> str:
    return "--" + name.replace("_", "-")


def env_name(name: str) -> str:
    return f"EMULATOR_{name.upper()}"


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m emulator",
        description="A local Genesys Cloud: the seed's API (edges, SIP profiles, webhooks, analytics events) and "
        "the Platform API for BYOC trunks (trunk base settings, trunks, sites, audits).",
    )
    for name, field in Settings.model_fields.items():
        help_text = f"{field.description} (default {field.default}; env {env_name(name)})"
        if field.annotation is bool:
            parser.add_argument(flag(name), action="store_true", default=None, help=help_text)
            continue
        choices = typing.get_args(field.annotation) or None
        metavar = None if choices else name.upper()
        parser.add_argument(flag(name), choices=choices, default=None, metavar=metavar, help=help_text)
    return parser


def settings_from(args: argparse.Namespace, parser: argparse.ArgumentParser) -> Settings:
    """The settings from the command line, else the environment, else the defaults; one message per bad value."""
    values, sources = {}, {}
    for name in Settings.model_fields:
        given = getattr(args, name)
        if given is not None:
            values[name], sources[name] = given, f"argument {flag(name)}"
        elif env_name(name) in os.environ:
            values[name], sources[name] = os.environ[env_name(name)], f"environment variable {env_name(name)}"
    try:
        return Settings.model_validate(values)
    except ValidationError as exc:
        problems = [f"{sources[str(e['loc'][0])]}: {e['msg']}" for e in exc.errors(include_input=False)]
        parser.error("; ".join(problems))


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    settings = settings_from(parser.parse_args(argv), parser)
    if not is_loopback_host(settings.host) and not settings.allow_remote:
        parser.error(
            f"refusing to bind to non-loopback address {settings.host!r}: the emulator has a known client secret "
            "and an unauthenticated admin API; pass --allow-remote if you really mean it"
        )
    from .server import run  # imported late so --help stays fast

    run(settings)
    return 0


if __name__ == "__main__":
    sys.exit(main())
