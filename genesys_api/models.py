"""The seed API's schema: its entities' settings, defined once, and its read models.

Settings (``EdgeSettings``, ``WebhookSpec``) are the one definition of what users configure: the names
they write (camelCase aliases), defaults, limits and rules. The stack config extends them with what only a
stack has, the dynamic resources take them as inputs, the seed wire body is their ``model_dump(by_alias=True)``
(``dialect.py`` places the few fields the wire names differently) and refresh reads them back with
``fields.settings_of``. A second dialect (the Platform API's BYOC trunk base settings) gets its own schema
module beside this one, built from ``fields.py``, with the providers' lifecycle (``EntityProvider``) shared.

Read models are lenient: they ignore (or, for refreshed entities, keep) fields they do not know, so a server
that grows a field never breaks a refresh. Field names are snake_case with the seed API's camelCase as aliases.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Generic, Literal, TypeVar, get_args

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, SecretStr, field_validator, model_validator
from pydantic.alias_generators import to_camel

from .fields import (
    Description,
    EntityId,
    Flag,
    HeaderName,
    HeaderValue,
    Host,
    Integer,
    Port,
    Settings,
    Text,
    Username,
    WebhookTarget,
)

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
#: What a trunk's status webhook subscribes to unless told otherwise.
STATUS_EVENTS = EVENT_TYPES[:3]


class _Read(BaseModel):
    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True, extra="ignore")


class _Refreshed(_Read):
    """An entity whose settings refresh reads back: fields it does not declare are kept (under their wire
    names), so a setting the schema gains is read back without an edit here (see ``fields.settings_of``)."""

    model_config = ConfigDict(extra="allow")


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


def unique_codecs(value: list[str]) -> list[str]:
    """A codec listed twice is a mistake in a preference order: say which."""
    repeated = sorted({c for i, c in enumerate(value) if c in value[:i]})
    if repeated:
        raise ValueError(f"codecs must be unique; repeated: {', '.join(repeated)}")
    return value


DEFAULT_CODECS: tuple[Codec, ...] = ("G711u", "G729", "Opus")
#: Codecs in order of preference.
Codecs = Annotated[list[Codec], Field(min_length=1), AfterValidator(unique_codecs)]
#: The name of a trunk: any name Genesys allows (trunks made elsewhere are adopted by theirs), but no control or
#: invisible character (newlines forge log lines, zero-width ones make look-alikes; Unicode "other" and line or
#: paragraph separators) and no space at either end.
TrunkName = Annotated[
    str, Field(min_length=1, max_length=200, pattern=r"^[^\p{C}\s](?:[^\p{C}\p{Zl}\p{Zp}]*[^\p{C}\s])?$")
]
WebhookName = Annotated[Text, Field(min_length=1, max_length=200)]


class RegistrationBase(Settings):
    """Registration settings the stack config and the Edge declare alike (a new one goes here)."""

    type: RegistrationType = "REGISTER"
    port: Port = 5060


class RegistrationSettings(RegistrationBase):
    """How the trunk registers with its carrier (its password is a separate secret)."""

    host: Host
    username: Username


class HealthProbeSettings(Settings):
    enabled: Flag = True
    interval_seconds: Integer = Field(30, ge=5, le=3600)


class EdgeBase(Settings):
    """Edge settings the stack config and the Edge declare alike: a new edge setting is this one edit, and
    reaches the config, the Edge's inputs, the wire body and refresh from here."""

    name: TrunkName
    max_concurrent_sessions: Integer = Field(100, ge=1, le=2000)
    codecs: Codecs = Field(default_factory=lambda: list(DEFAULT_CODECS))
    health_probe: HealthProbeSettings = Field(default_factory=HealthProbeSettings)
    description: Description | None = None


class EdgeSettings(EdgeBase):
    """What a Connect trunk (edge) should look like. The settings declared here (not in ``EdgeBase``) are
    the ones a stack may take from another stack's outputs, so its config declares them optional."""

    edge_group_id: EntityId
    sip_profile_id: EntityId
    registration: RegistrationSettings


class RegistrationSpec(RegistrationSettings):
    """The registration a write sends. The password is write-only and never printed."""

    password: SecretStr | None = None
    """None on an update keeps the password the server has."""


class EdgeSpec(EdgeSettings):
    """The body of an edge's create or update: its settings, and the password when it is to be set."""

    registration: RegistrationSpec


class Registration(_Refreshed):
    """Registration as the API returns it: never a password."""

    type: str | None = None
    host: str | None = None
    port: int | None = None
    username: str | None = None


class HealthProbe(_Refreshed):
    enabled: bool | None = None
    interval_seconds: int | None = None


class Edge(_Entity, _Refreshed):
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

    @model_validator(mode="after")
    def _flat_group_id(self) -> Edge:
        """The edge group id, whichever of the flat or nested forms the server sent."""
        if self.edge_group_id is None and self.edge_group is not None:
            self.edge_group_id = self.edge_group.id
        return self

    @property
    def group_id(self) -> str | None:
        return self.edge_group_id

    def registers_as(self, host: str, username: str) -> bool:
        """Whether this edge registers as ``username`` at ``host`` (host case-insensitive): the registration
        an edge group holds once."""
        reg = self.registration
        return reg is not None and reg.username == username and (reg.host or "").lower() == host.lower()


# ---------------------------------------------------------------------------------------------- read-only


class SipProfile(_Entity):
    name: str
    codecs: list[str] = Field(default_factory=list)
    description: str | None = None


class EdgeGroup(_Entity):
    name: str
    description: str | None = None


# ---------------------------------------------------------------------------------------------- webhooks


class WebhookBase(Settings):
    """The webhook settings a stack's config states."""

    target_uri: WebhookTarget
    event_type: list[str] = Field(default_factory=lambda: list(STATUS_EVENTS), min_length=1, alias="eventTypes")
    headers: dict[HeaderName, HeaderValue] = Field(default_factory=dict)

    @field_validator("event_type")
    @classmethod
    def _known_event_types(cls, value: list[str]) -> list[str]:
        unknown = [t for t in value if t not in EVENT_TYPES]
        if unknown:
            names = ", ".join(map(repr, unknown))
            raise ValueError(f"unknown event type(s) {names}; allowed: {', '.join(EVENT_TYPES)}")
        return value


class WebhookSpec(WebhookBase):
    """A webhook subscription: its settings, and the body of a create or an update."""

    name: WebhookName
    description: Description | None = None
    filter_criteria: Text = ""
    enabled: Flag = True


class Webhook(_Entity, _Refreshed):
    name: str
    description: str | None = None
    api_version: str | None = None
    event_type: list[str] = Field(default_factory=list)
    filter_criteria: str = ""
    target_uri: str | None = None
    headers: dict[str, str] = Field(default_factory=dict)
    enabled: bool | None = None

    @field_validator("filter_criteria", mode="before")
    @classmethod
    def _no_filter(cls, value: Any) -> Any:
        return "" if value is None else value


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
