"""Typed models of the entities the client reads and writes.

Write models (``*Spec``) are strict: they reject unknown fields and out-of-range values, so a provider's
``check()`` can fail ``pulumi preview`` before any API call. Read models are lenient: they ignore fields they
do not know, so a server that grows a field never breaks a refresh. Field names are snake_case with the
seed API's camelCase as aliases; which fields go on the wire, and where, is decided in ``dialect.py``.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any, Generic, Literal, TypeVar, get_args

from pydantic import BaseModel, ConfigDict, Field, SecretStr, field_validator
from pydantic.alias_generators import to_camel

Codec = Literal["G711u", "G711a", "G729", "Opus", "GSM"]
ALLOWED_CODECS: tuple[str, ...] = get_args(Codec)

RegistrationType = Literal["REGISTER", "STATIC"]

#: Event types the seed API knows (webhook ``eventType`` and analytics ``eventTypes``).
EVENT_TYPES: tuple[str, ...] = (
    "telephony:edge:status:changed",
    "telephony:edge:registration:success",
    "telephony:edge:registration:failure",
    "audit:edge:created",
    "audit:edge:updated",
    "audit:edge:deleted",
    "audit:webhook:created",
    "audit:webhook:updated",
    "audit:webhook:deleted",
)

_HOST_BAD = re.compile(r"\s|/")


class _Wire(BaseModel):
    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True)


class _Write(_Wire):
    model_config = ConfigDict(extra="forbid")


class _Read(_Wire):
    model_config = ConfigDict(extra="ignore")


# ---------------------------------------------------------------------------------------------- shared pieces


class EntityRef(_Read):
    """A reference to another entity, as in ``edgeGroup: {id, selfUri}``."""

    id: str
    self_uri: str | None = None


class _Entity(_Read):
    """Fields every Genesys entity carries."""

    id: str
    self_uri: str | None = None
    version: int | None = None
    state: str | None = None
    date_created: datetime | None = None
    date_modified: datetime | None = None


T = TypeVar("T")


class Page(_Read, Generic[T]):
    """One page of a list reply."""

    entities: list[T] = Field(default_factory=list)
    page_size: int | None = None
    page_number: int | None = None
    total: int | None = None
    page_count: int | None = None

    def has_more(self, requested_page_size: int) -> bool:
        """Whether a next page exists; falls back to "a full page came back" when pageCount is missing."""
        if not self.entities:
            return False
        if self.page_count is not None and self.page_number is not None:
            return self.page_number < self.page_count
        return len(self.entities) >= requested_page_size


# ---------------------------------------------------------------------------------------------- edges


class RegistrationSpec(_Write):
    """How the trunk registers with its carrier. The password is write-only and never printed."""

    type: RegistrationType = "REGISTER"
    host: str = Field(min_length=1, max_length=255)
    port: int = Field(5060, ge=1, le=65535)
    username: str = Field(min_length=1)
    password: SecretStr | None = None
    """None on an update keeps the password the server has."""

    @field_validator("host")
    @classmethod
    def _plain_host(cls, value: str) -> str:
        if _HOST_BAD.search(value) or value.count(":") == 1:  # one colon: host:port (IPv6 has several)
            raise ValueError("host must be a hostname or IP address, without scheme, path or spaces")
        return value


def unique_codecs(value: list[str]) -> list[str]:
    """A codec listed twice is a mistake in a preference order: say which."""
    repeated = sorted({c for i, c in enumerate(value) if c in value[:i]})
    if repeated:
        raise ValueError(f"codecs must be unique; repeated: {', '.join(repeated)}")
    return value


class HealthProbeSpec(_Write):
    enabled: bool = True
    interval_seconds: int = Field(30, ge=5, le=3600)


class EdgeSpec(_Write):
    """What a Connect trunk (edge) should look like: the body of a create or an update."""

    name: str = Field(min_length=1, max_length=200)
    edge_group_id: str = Field(min_length=1)
    sip_profile_id: str = Field(min_length=1)
    max_concurrent_sessions: int = Field(ge=1, le=2000)
    codecs: list[Codec] = Field(min_length=1)
    registration: RegistrationSpec
    health_probe: HealthProbeSpec | None = None
    description: str | None = None

    @field_validator("codecs")
    @classmethod
    def _unique(cls, value: list[str]) -> list[str]:
        return unique_codecs(value)


EdgeWrite = EdgeSpec


class Registration(_Read):
    """Registration as the API returns it: never a password."""

    type: str | None = None
    host: str | None = None
    port: int | None = None
    username: str | None = None


class HealthProbe(_Read):
    enabled: bool | None = None
    interval_seconds: int | None = None


class Edge(_Entity):
    """A Connect trunk as the API returns it."""

    name: str
    edge_group_id: str | None = None
    edge_group: EntityRef | None = None
    sip_profile_id: str | None = None
    max_concurrent_sessions: int | None = None
    codecs: list[str] = Field(default_factory=list)
    registration: Registration | None = None
    health_probe: HealthProbe | None = None
    description: str | None = None
    registration_status: str | None = None
    registration_status_reason: str | None = None
    registration_status_changed_at: datetime | None = None

    @property
    def group_id(self) -> str | None:
        """The edge group id, whichever of the flat or nested forms the server sent."""
        return self.edge_group_id or (self.edge_group.id if self.edge_group else None)


# ---------------------------------------------------------------------------------------------- read-only


class SipProfile(_Entity):
    name: str
    codecs: list[str] = Field(default_factory=list)
    description: str | None = None


class EdgeGroup(_Entity):
    name: str
    description: str | None = None


# ---------------------------------------------------------------------------------------------- webhooks


class WebhookSpec(_Write):
    """A webhook subscription: the body of a create or an update."""

    name: str = Field(min_length=1, max_length=200)
    description: str | None = None
    api_version: str = "v2"
    event_type: list[str] = Field(min_length=1)
    filter_criteria: str = ""
    target_uri: str = Field(min_length=1)
    headers: dict[str, str] = Field(default_factory=dict)
    enabled: bool = True


WebhookWrite = WebhookSpec


class Webhook(_Entity):
    name: str
    description: str | None = None
    api_version: str | None = None
    event_type: list[str] = Field(default_factory=list)
    filter_criteria: str | None = None
    target_uri: str | None = None
    headers: dict[str, str] = Field(default_factory=dict)
    enabled: bool | None = None


# ---------------------------------------------------------------------------------------------- events


class EventActor(_Read):
    client_id: str | None = None


class Event(_Read):
    """One analytics/audit event (oldest first in a query reply)."""

    id: str
    event_type: str
    resource_id: str | None = None
    resource_type: str | None = None
    timestamp: datetime | None = None
    actor: EventActor | None = None
    details: dict[str, Any] = Field(default_factory=dict)
