"""Command line: ``python -m emulator --host 127.0.0.1 --port 8787 --db PATH``.

Every option can also come from an ``EMULATOR_*`` environment variable (the option name in upper case,
dashes as underscores, e.g. ``EMULATOR_RATE_LIMIT=500``); the command line wins.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

from .settings import DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET, Settings, is_loopback_host

LOG_LEVELS = ("critical", "error", "warning", "info", "debug", "trace")


def _env(name: str, default: str | None = None) -> str | None:
    return os.environ.get(f"EMULATOR_{name.upper().replace('-', '_')}", default)


def _rate(text: str) -> float:
    value = float(text)
    if not 0 <= value <= 1:
        raise argparse.ArgumentTypeError("must be between 0 and 1")
    return value


def _positive_int(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError("must be 1 or more")
    return value


def _latency(text: str) -> int:
    value = int(text)
    if not 0 <= value <= 600_000:
        raise argparse.ArgumentTypeError("must be from 0 to 600000 ms")
    return value


def _non_negative(text: str) -> float:
    value = float(text)
    if value < 0:
        raise argparse.ArgumentTypeError("must be 0 or more")
    return value


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python -m emulator",
        description="A local Genesys Cloud (OAuth, edges, SIP profiles, webhooks, analytics events).",
    )
    p.add_argument("--host", default=_env("host", "127.0.0.1"), help="bind address (default 127.0.0.1)")
    p.add_argument("--port", type=int, default=int(_env("port", "8787") or 8787), help="port (default 8787)")
    p.add_argument(
        "--db",
        default=_env("db", ".emulator/emulator.db"),
        help="SQLite file holding all state (default .emulator/emulator.db)",
    )
    p.add_argument("--client-id", default=_env("client_id", DEFAULT_CLIENT_ID), help="seeded OAuth client id")
    p.add_argument(
        "--client-secret", default=_env("client_secret", DEFAULT_CLIENT_SECRET), help="seeded OAuth client secret"
    )
    p.add_argument(
        "--token-lifetime",
        type=_non_negative,
        default=_non_negative(_env("token_lifetime", "86400")),
        help="access token lifetime in seconds (default 86400)",
    )
    p.add_argument(
        "--rate-limit",
        type=_positive_int,
        default=_positive_int(_env("rate_limit", "100")),
        help="/api/v2 requests per minute per OAuth client (default 100)",
    )
    p.add_argument(
        "--token-rate-limit",
        type=_positive_int,
        default=_positive_int(_env("token_rate_limit", "300")),
        help="token requests per minute per client id (default 300)",
    )
    p.add_argument(
        "--registration-delay",
        type=_non_negative,
        default=_non_negative(_env("registration_delay", "1.0")),
        help="seconds from registering to registered/failed (default 1.0)",
    )
    p.add_argument(
        "--latency-ms",
        type=_latency,
        default=_latency(_env("latency_ms", "0") or "0"),
        help="added latency on every /api/v2 request (default 0)",
    )
    p.add_argument(
        "--error-rate",
        type=_rate,
        default=_rate(_env("error_rate", "0")),
        help="fraction of /api/v2 requests answered 503 (default 0)",
    )
    p.add_argument(
        "--drop-rate",
        type=_rate,
        default=_rate(_env("drop_rate", "0")),
        help="fraction of /api/v2 requests whose connection is dropped (default 0)",
    )
    p.add_argument(
        "--delivery-backoff",
        type=_non_negative,
        default=_non_negative(_env("delivery_backoff", "0.5")),
        help="first webhook retry delay in seconds, doubled each retry (default 0.5)",
    )
    p.add_argument("--log-level", choices=LOG_LEVELS, default=_env("log_level", "info"), help="default info")
    p.add_argument(
        "--allow-remote",
        action="store_true",
        default=(_env("allow_remote", "") or "").lower() in ("1", "true", "yes"),
        help="allow binding to a non-loopback address (the admin API stays loopback-only)",
    )
    return p


def settings_from_args(args: argparse.Namespace) -> Settings:
    return Settings(
        db=args.db,
        host=args.host,
        port=args.port,
        client_id=args.client_id,
        client_secret=args.client_secret,
        token_lifetime=args.token_lifetime,
        rate_limit=args.rate_limit,
        token_rate_limit=args.token_rate_limit,
        registration_delay=args.registration_delay,
        latency_ms=args.latency_ms,
        error_rate=args.error_rate,
        drop_rate=args.drop_rate,
        delivery_backoff=args.delivery_backoff,
        log_level=args.log_level,
        allow_remote=args.allow_remote,
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not is_loopback_host(args.host) and not args.allow_remote:
        parser.error(
            f"refusing to bind to non-loopback address {args.host!r}: the emulator has a known client secret "
            "and an unauthenticated admin API; pass --allow-remote if you really mean it"
        )
    from .server import run  # imported late so --help stays fast

    run(settings_from_args(args))
    return 0


if __name__ == "__main__":
    sys.exit(main())
