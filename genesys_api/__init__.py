"""Genesys Cloud API client: the one face the rest of the program uses.

Only this package talks HTTP: it resolves regions and credentials, caches OAuth tokens, paces and retries
calls, maps error bodies to typed errors, and gives every entity's calls what they are made of (``Call``,
read-model bases, pages, the field types of settings). It knows no entity: each entity's paths, bodies and
read models live in its home (``entities/``), built on ``GenesysClient``.
"""

import logging

from .client import GenesysClient, close_shared_clients, shared_client
from .errors import (
    ConfigurationError,
    ConflictError,
    ErrorBody,
    FieldError,
    ForbiddenError,
    GenesysApiError,
    NetworkError,
    NotFoundError,
    OutcomeUnknownError,
    RateLimitedError,
    ServerError,
    UnauthorizedError,
    ValidationError,
    VersionConflictError,
)
from .fields import (
    Description,
    EntityId,
    Flag,
    HeaderName,
    HeaderValue,
    Host,
    Integer,
    Password,
    Port,
    Settings,
    Text,
    TrunkName,
    Username,
    WaitSeconds,
    WebhookTarget,
    settings_of,
    target_problem,
    unique_codecs,
    unique_items,
    users_names,
)
from .pacing import Pacer
from .regions import REGION_DOMAINS, Hosts, hosts_for_region
from .retry import RetryPolicy
from .settings import (
    DIALECTS,
    ENV_API_URL,
    ENV_REGION,
    KEY_API_URL,
    KEY_DIALECT,
    KEY_REGION,
    ClientSettings,
    DialectName,
    configured_dialect,
)
from .stats import ClientStats
from .wire import DELETED, TOKEN_PATH, Call, Entity, EntityRef, Page, Refreshed, WireModel, paging, path_segment

logging.getLogger("genesys_api").addHandler(logging.NullHandler())

__all__ = [
    "DELETED",
    "DIALECTS",
    "ENV_API_URL",
    "ENV_REGION",
    "KEY_API_URL",
    "KEY_DIALECT",
    "KEY_REGION",
    "REGION_DOMAINS",
    "TOKEN_PATH",
    "Call",
    "ClientSettings",
    "ClientStats",
    "ConfigurationError",
    "ConflictError",
    "Description",
    "DialectName",
    "Entity",
    "EntityId",
    "EntityRef",
    "ErrorBody",
    "FieldError",
    "Flag",
    "ForbiddenError",
    "GenesysApiError",
    "GenesysClient",
    "HeaderName",
    "HeaderValue",
    "Host",
    "Hosts",
    "Integer",
    "NetworkError",
    "NotFoundError",
    "OutcomeUnknownError",
    "Pacer",
    "Page",
    "Password",
    "Port",
    "RateLimitedError",
    "Refreshed",
    "RetryPolicy",
    "ServerError",
    "Settings",
    "Text",
    "TrunkName",
    "UnauthorizedError",
    "Username",
    "ValidationError",
    "VersionConflictError",
    "WaitSeconds",
    "WebhookTarget",
    "WireModel",
    "close_shared_clients",
    "configured_dialect",
    "hosts_for_region",
    "paging",
    "path_segment",
    "settings_of",
    "shared_client",
    "target_problem",
    "unique_codecs",
    "unique_items",
    "users_names",
]
