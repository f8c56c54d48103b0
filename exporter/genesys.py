"""Everything the exporter takes from the rest of the project, in one place.

The API client (its token and pacing), the registry (which sections the stack's dialect has, and how each
entity's home reads the org into entries) and the stack's config through the pulumi CLI are the exporter's
only ties to the program; nothing there imports the exporter.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from genesys_api import ClientSettings, ConfigurationError, GenesysApiError, GenesysClient, configured_dialect
from inspection.stack import config_values, pulumi_cli
from registry import DIALECTS, Dialect, dialect_named

__all__ = [
    "ConfigurationError",
    "Dialect",
    "GenesysApiError",
    "GenesysClient",
    "UnknownDialectError",
    "client_settings",
    "config_values",
    "configured_dialect",
    "dialect_for",
    "open_client",
    "pulumi_cli",
]

#: The largest page the seed's lists serve: the fewest calls for a large org.
PAGE_SIZE = 500


class UnknownDialectError(ValueError):
    """The stack's dialect has no exporter."""


def dialect_for(name: str) -> Dialect:
    """What the exporter writes in the dialect the client settings resolved (``ClientSettings.dialect``)."""
    dialect = dialect_named(name)
    if dialect is None:
        raise UnknownDialectError(
            f"genesys:dialect {name!r}: the exporter speaks {', '.join(sorted(DIALECTS))}; "
            "set genesys:dialect to one of them"
        )
    return dialect


def client_settings(get_config: Callable[[str], Any], environ: dict[str, str]) -> ClientSettings:
    """The stack's `genesys:*` settings (the `GENESYSCLOUD_*` variables as fallback), its dialect included."""
    return ClientSettings.from_config(get_config, environ)


def open_client(settings: ClientSettings) -> GenesysClient:
    return GenesysClient(settings, page_size=PAGE_SIZE)
