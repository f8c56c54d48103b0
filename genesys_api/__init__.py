"""Genesys Cloud API client for the genesys-trunks providers.

Only this package talks HTTP: it resolves regions and credentials, caches OAuth tokens, paces and retries
calls, maps error bodies to typed errors, and keeps every endpoint and payload in its dialect's module:
``dialect.SeedDialect`` for the tutorial's API, the ``cloud`` subpackage for the Platform API's BYOC trunks.
"""

import logging

from .client import GenesysClient, close_shared_clients, shared_client
from .dialect import Call, Dialect, EdgeDialect, SeedDialect
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
from .models import (
    ALLOWED_CODECS,
    EVENT_TYPES,
    Edge,
    EdgeGroup,
    EdgeSpec,
    EntityRef,
    Event,
    EventActor,
    HealthProbe,
    HealthProbeSettings,
    Page,
    Registration,
    RegistrationSpec,
    SipProfile,
    Webhook,
    WebhookSpec,
)
from .pacing import Pacer
from .regions import REGION_DOMAINS, Hosts, hosts_for_region
from .retry import RetryPolicy
from .settings import ClientSettings
from .stats import ClientStats

logging.getLogger("genesys_api").addHandler(logging.NullHandler())

__all__ = [
    "ALLOWED_CODECS",
    "EVENT_TYPES",
    "REGION_DOMAINS",
    "Call",
    "ClientSettings",
    "ClientStats",
    "ConfigurationError",
    "ConflictError",
    "Dialect",
    "Edge",
    "EdgeDialect",
    "EdgeGroup",
    "EdgeSpec",
    "EntityRef",
    "ErrorBody",
    "Event",
    "EventActor",
    "FieldError",
    "ForbiddenError",
    "GenesysApiError",
    "GenesysClient",
    "HealthProbe",
    "HealthProbeSettings",
    "Hosts",
    "NetworkError",
    "NotFoundError",
    "OutcomeUnknownError",
    "Pacer",
    "Page",
    "RateLimitedError",
    "Registration",
    "RegistrationSpec",
    "RetryPolicy",
    "ServerError",
    "SeedDialect",
    "SipProfile",
    "UnauthorizedError",
    "ValidationError",
    "VersionConflictError",
    "Webhook",
    "WebhookSpec",
    "close_shared_clients",
    "hosts_for_region",
    "shared_client",
]
