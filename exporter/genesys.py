"""Everything the exporter takes from the rest of the project, in one place.

The API client (its operations, token and pacing) and the config schema (the names users write) are the
exporter's only ties to `providers/` and `components/`; nothing there imports the exporter.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pydantic

from components import TrunkConfig
from components.cloud_trunk_config import CloudTrunkConfig
from components.stack_config import config_values, pulumi_cli
from genesys_api import (
    ClientSettings,
    ConfigurationError,
    GenesysApiError,
    GenesysClient,
)
from genesys_api.fields import settings_of
from genesys_api.models import Edge, EdgeGroup, EdgeSettings, SipProfile, Webhook
from genesys_api.settings import configured_dialect
from providers.values import field_path

__all__ = [
    "config_values",
    "configured_dialect",
    "pulumi_cli",
    "ConfigurationError",
    "Edge",
    "EdgeGroup",
    "EdgeSettings",
    "GenesysApiError",
    "GenesysClient",
    "SipProfile",
    "Webhook",
    "CloudTrunkConfig",
    "client_settings",
    "config_problems",
    "settings_of",
    "open_client",
]

#: The largest page the seed's lists serve: the fewest calls for a large org.
PAGE_SIZE = 500


def client_settings(get_config: Callable[[str], Any], environ: dict[str, str]) -> ClientSettings:
    """The stack's `genesys:*` settings (the `GENESYSCLOUD_*` variables as fallback), its dialect included."""
    return ClientSettings.from_config(get_config, environ)


def open_client(settings: ClientSettings) -> GenesysClient:
    return GenesysClient(settings, page_size=PAGE_SIZE)


def config_problems(entry: dict[str, Any], schema: type[pydantic.BaseModel] = TrunkConfig) -> list[tuple[str, str]]:
    """(path inside the entry, message) for every rule of the dialect's trunk config (``schema``) that
    ``entry`` breaks."""
    try:
        schema.model_validate(entry)
    except pydantic.ValidationError as exc:
        return [(field_path(e["loc"]), e["msg"].removeprefix("Value error, ")) for e in exc.errors(include_url=False)]
    return []
