"""Wire models of the Platform API's BYOC trunk entities, named after the official SDK's models.

Read models are lenient (unknown fields ignored) so a field Genesys adds never breaks a refresh. A trunk
base's settings are template properties, each ``{type, value: {default, instance}, enum | items | ...}``
on a read and ``{value: {instance}}`` on a write.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field
from pydantic.alias_generators import to_camel

from ..models import Page

BYOC_CARRIER_METABASE = "external_sip_pcv_byoc_carrier.json"
EXTERNAL = "EXTERNAL"
DELETED = "deleted"


class _Read(BaseModel):
    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True, extra="ignore")


class DomainEntityRef(_Read):
    id: str
    name: str | None = None
    self_uri: str | None = None


class _Entity(_Read):
    id: str
    name: str | None = None
    version: int | None = None
    state: str | None = None
    """``active``, ``inactive`` or ``deleted``: a deleted entity may still be listed and is treated as gone."""
    date_created: datetime | None = None
    date_modified: datetime | None = None
    self_uri: str | None = None

    @property
    def deleted(self) -> bool:
        return self.state == DELETED


# ---------------------------------------------------------------------------------------------- properties


class PropertyValue(_Read):
    default: Any = None
    instance: Any = None


class TrunkProperty(_Read):
    """One key of a trunk base's (or its template's) properties, with its JSON-schema-like constraints."""

    model_config = ConfigDict(extra="allow")  # minimum, maximum, title... kept for the template checks

    type: str | None = None
    value: PropertyValue = Field(default_factory=PropertyValue)
    enum: list[Any] | None = None
    items: dict[str, Any] | None = None
    unique_items: bool | None = None
    pattern: str | None = None
    required: bool | None = None

    def constraint(self, name: str) -> Any:
        """A constraint this model has no field for (``minimum``, ``maximum``...), or None."""
        return (self.model_extra or {}).get(name)


# ---------------------------------------------------------------------------------------------- trunk bases


class TrunkBaseShape(_Read):
    """What a trunk base and a metabase's template share: the metabase, the sites and the properties."""

    name: str | None = None
    description: str | None = None
    trunk_metabase: DomainEntityRef | None = None
    trunk_type: str | None = None
    managed: bool | None = None
    site: DomainEntityRef | None = None
    inbound_site: DomainEntityRef | None = None
    properties: dict[str, TrunkProperty] = Field(default_factory=dict)

    def instance(self, key: str) -> Any:
        """The value set for ``key`` (None when the key is absent or has no instance)."""
        prop = self.properties.get(key)
        return prop.value.instance if prop is not None else None


class TrunkBase(_Entity, TrunkBaseShape):
    """``TrunkBase``: the trunk's settings, from a GET or a list (a list carries properties only when
    asked to expand them)."""

    def is_named(self, name: str) -> bool:
        """Whether this base is named ``name``, compared as Genesys compares names (case-insensitive): a
        name live trunk bases hold once."""
        return (self.name or "").casefold() == name.casefold()


class TrunkBaseTemplate(TrunkBaseShape):
    """A metabase's template: a ``TrunkBase`` without identity, whose properties list every key with its
    type, default and allowed values."""


class TrunkBaseEntityListing(Page[TrunkBase]):
    pass


class Metabase(_Read):
    id: str
    name: str | None = None
    type: str | None = None


class TrunkMetabaseEntityListing(Page[Metabase]):
    pass


class TrunkBaseSpec(BaseModel):
    """What a trunk base should be: the client's write input. ``properties`` holds plain instance values by
    API key; the password may be a ``SecretStr`` and is unwrapped only when the body is built."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(min_length=1)
    inbound_site_id: str | None = None
    site_id: str | None = None
    trunk_metabase_id: str = BYOC_CARRIER_METABASE
    trunk_type: str = EXTERNAL
    description: str | None = None
    properties: dict[str, Any] = Field(default_factory=dict, repr=False)


# ---------------------------------------------------------------------------------------------- sites


class Site(_Entity):
    description: str | None = None
    media_model: str | None = None
    """``Cloud`` or ``Premises``."""
    managed: bool | None = None
    core_site: bool | None = None
    media_regions: list[str] = Field(default_factory=list)


class SiteEntityListing(Page[Site]):
    pass


# ---------------------------------------------------------------------------------------------- trunk instances


class ErrorDetails(_Read):
    code: str | None = None
    message: str | None = None
    hostname: str | None = None


class TrunkErrorInfo(_Read):
    text: str | None = None
    code: str | None = None
    details: ErrorDetails | None = None

    def describe(self) -> str:
        parts = [self.text or (self.details.message if self.details else None) or "", self.code or ""]
        return " ".join(p for p in parts if p).strip() or "error without text"


class TrunkConnectedStatus(_Read):
    connected: bool | None = None
    connected_state_time: datetime | None = None


class TrunkRegistersStatus(_Read):
    proxy_address: str | None = None
    register_state: bool | None = None
    register_state_time: datetime | None = None
    error_info: TrunkErrorInfo | None = None


class TrunkOptionsStatus(_Read):
    proxy_address: str | None = None
    option_state: bool | None = None
    option_state_time: datetime | None = None
    error_info: TrunkErrorInfo | None = None


class TrunkIpStatus(_Read):
    address: str | None = None
    error_info: TrunkErrorInfo | None = None


class Trunk(_Entity):
    """``Trunk``: an instance the platform runs for a trunk base (one per cloud edge), with its status."""

    trunk_type: str | None = None
    edge: DomainEntityRef | None = None
    trunk_base: DomainEntityRef | None = None
    trunk_metabase: DomainEntityRef | None = None
    edge_group: DomainEntityRef | None = None
    in_service: bool | None = None
    enabled: bool | None = None
    connected_status: TrunkConnectedStatus | None = None
    options_status: list[TrunkOptionsStatus] = Field(default_factory=list)
    registers_status: list[TrunkRegistersStatus] = Field(default_factory=list)
    ip_status: TrunkIpStatus | None = None
    options_enabled_status: str | None = None
    registers_enabled_status: str | None = None
    family: int | None = None
    proxy_address_list: list[str] = Field(default_factory=list)


class TrunkEntityListing(Page[Trunk]):
    pass


# ---------------------------------------------------------------------------------------------- audits


class AuditUser(_Read):
    id: str | None = None
    name: str | None = None


class AuditClient(_Read):
    id: str | None = None


class PropertyChange(_Read):
    property: str | None = None
    old_values: list[str] = Field(default_factory=list)
    new_values: list[str] = Field(default_factory=list)


class AuditLogMessage(_Read):
    id: str
    user: AuditUser | None = None
    client: AuditClient | None = None
    service_name: str | None = None
    level: str | None = None
    event_date: datetime | None = None
    action: str | None = None
    entity: DomainEntityRef | None = None
    entity_type: str | None = None
    status: str | None = None
    property_changes: list[PropertyChange] = Field(default_factory=list)

    @property
    def actor(self) -> str | None:
        """Who made the change: the user (by name when given), else the OAuth client."""
        if self.user is not None and (self.user.name or self.user.id):
            return f"user {self.user.name or self.user.id}"
        if self.client is not None and self.client.id:
            return f"client {self.client.id}"
        return None


class AuditRealtimeQueryResultsResponse(Page[AuditLogMessage]):
    pass
