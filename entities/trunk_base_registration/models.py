"""What the Platform API returns of the trunk instances the platform runs for a trunk base (one per cloud
edge, with their status), and of a trunk base's audit trail; named after the official SDK's models."""

from __future__ import annotations

from datetime import datetime

from pydantic import Field

from genesys_api import Entity, EntityRef, Page, WireModel

# ---------------------------------------------------------------------------------------------- trunk instances


class ErrorDetails(WireModel):
    code: str | None = None
    message: str | None = None
    hostname: str | None = None


class TrunkErrorInfo(WireModel):
    text: str | None = None
    code: str | None = None
    details: ErrorDetails | None = None

    def describe(self) -> str:
        parts = [self.text or (self.details.message if self.details else None) or "", self.code or ""]
        return " ".join(p for p in parts if p).strip() or "error without text"


class TrunkConnectedStatus(WireModel):
    connected: bool | None = None
    connected_state_time: datetime | None = None


class TrunkRegistersStatus(WireModel):
    proxy_address: str | None = None
    register_state: bool | None = None
    register_state_time: datetime | None = None
    error_info: TrunkErrorInfo | None = None


class TrunkOptionsStatus(WireModel):
    proxy_address: str | None = None
    option_state: bool | None = None
    option_state_time: datetime | None = None
    error_info: TrunkErrorInfo | None = None


class TrunkIpStatus(WireModel):
    address: str | None = None
    error_info: TrunkErrorInfo | None = None


class Trunk(Entity):
    """``Trunk``: an instance the platform runs for a trunk base (one per cloud edge), with its status."""

    trunk_type: str | None = None
    edge: EntityRef | None = None
    trunk_base: EntityRef | None = None
    trunk_metabase: EntityRef | None = None
    edge_group: EntityRef | None = None
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


class AuditUser(WireModel):
    id: str | None = None
    name: str | None = None


class AuditClient(WireModel):
    id: str | None = None


class PropertyChange(WireModel):
    property: str | None = None
    old_values: list[str] = Field(default_factory=list)
    new_values: list[str] = Field(default_factory=list)


class AuditLogMessage(WireModel):
    id: str
    user: AuditUser | None = None
    client: AuditClient | None = None
    service_name: str | None = None
    level: str | None = None
    event_date: datetime | None = None
    action: str | None = None
    entity: EntityRef | None = None
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
