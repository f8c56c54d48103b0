"""The connection: which endpoint and dialect, whether a token comes, and the rate limit the replies show."""

from __future__ import annotations

from genesys_api import GenesysApiError, GenesysClient, NetworkError, UnauthorizedError
from inspection.findings import Finding, Section, fail, ok, warn

from . import api

S = Section.CONNECTION
#: Above this share of the window spent, an `up` right now may wait for the window to reset.
BUSY_WINDOW = 0.8


def endpoint(resolved: api.Endpoint) -> Finding:
    return ok(
        S,
        "endpoint",
        f"{resolved.where} from {resolved.source}; dialect {resolved.dialect}: {resolved.dialect_reason}",
    )


def token(client: GenesysClient, resolved: api.Endpoint) -> Finding:
    """One token for the stack's OAuth client (its id shown, its secret never)."""
    client_id = resolved.settings.client_id
    try:
        api.fetch_token(client)
    except UnauthorizedError as exc:
        return fail(S, "token", f"no token for OAuth client {client_id!r}: {exc.message}", _credentials_fix())
    except NetworkError as exc:
        return fail(
            S,
            "token",
            f"cannot reach {resolved.settings.login_url}: {exc.message}",
            "check genesys:region / genesys:apiUrl and that this machine reaches that host",
        )
    except GenesysApiError as exc:
        return fail(S, "token", f"no token for OAuth client {client_id!r}: {exc}", _credentials_fix())
    return ok(S, "token", f"fetched for OAuth client {client_id!r} (client credentials; the secret is not shown)")


def _credentials_fix() -> str:
    return (
        "check genesys:clientId and genesys:clientSecret (or GENESYSCLOUD_OAUTHCLIENT_ID/_SECRET) and that the "
        "client belongs to this region's org"
    )


def rate_limit(wire: api.Wire) -> Finding:
    reads = [e for e in wire.exchanges if e.path != wire.token_path]
    twice = wire.sent_twice()
    sent = f"{len(reads)} API read(s) this run" + (f", repeated: {', '.join(twice)}" if twice else ", each once")
    headers = wire.rate_limit
    if not headers:
        return warn(
            S,
            "rate limit",
            f"no inin-ratelimit-* headers on any reply ({sent}): the program cannot pace itself and will wait "
            "out each 429's Retry-After",
            "none needed; expect slower runs near the org's limit",
        )
    shown = ", ".join(f"{name} {value}" for name, value in headers.items())
    try:
        allowed = float(headers["inin-ratelimit-allowed"])
        used = float(headers["inin-ratelimit-count"])
    except (KeyError, ValueError):
        return warn(S, "rate limit", f"headers seen but not all readable: {shown} ({sent})", None)
    if allowed > 0 and used / allowed > BUSY_WINDOW:
        return warn(
            S,
            "rate limit",
            f"{shown}: the window is nearly spent ({sent})",
            f"wait {headers.get('inin-ratelimit-reset', 'a few')} s before `pulumi up`, or find what else uses "
            "this OAuth client",
        )
    if twice:
        return warn(S, "rate limit", f"{shown} ({sent})", "a read was sent twice: report it as a bug of the doctor")
    return ok(S, "rate limit", f"{shown} ({sent})")
