"""What the Platform API returns of a trunk base and its metabase's template, named after the official SDK's
models, and what the client writes (``TrunkBaseSpec``).

A trunk base's settings are template properties, each ``{type, value: {default, instance}, enum | items | ...}``
on a read and ``{value: {instance}}`` on a write.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from genesys_api import Entity, EntityRef, Page, WireModel

BYOC_CARRIER_METABASE = "external_sip_pcv_byoc_carrier.json"
#: The metabases of BYOC trunks: the only ones that take (and require) an inbound site.
BYOC_PREFIX = "external_sip_pcv_byoc"
EXTERNAL = "EXTERNAL"


class PropertyValue(WireModel):
    default: Any = None
    instance: Any = None


class TrunkProperty(WireModel):
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


class TrunkBaseShape(WireModel):
    """What a trunk base and a metabase's template share: the metabase, the sites and the properties."""

    name: str | None = None
    description: str | None = None
    trunk_metabase: EntityRef | None = None
    trunk_type: str | None = None
    managed: bool | None = None
    site: EntityRef | None = None
    inbound_site: EntityRef | None = None
    properties: dict[str, TrunkProperty] = Field(default_factory=dict)

    def instance(self, key: str) -> Any:
        """The value set for ``key`` (None when the key is absent or has no instance)."""
        prop = self.properties.get(key)
        return prop.value.instance if prop is not None else None


class TrunkBase(Entity, TrunkBaseShape):
    """``TrunkBase``: the trunk's settings, from a GET or a list (a list carries properties only when asked
    to expand them)."""

    def is_named(self, name: str) -> bool:
        """Whether this base is named ``name``, compared as Genesys compares names (case-insensitive): a name
        live trunk bases hold once."""
        return (self.name or "").casefold() == name.casefold()

    @property
    def is_byoc(self) -> bool:
        return self.trunk_metabase is not None and self.trunk_metabase.id.startswith(BYOC_PREFIX)


class TrunkBaseTemplate(TrunkBaseShape):
    """A metabase's template: a ``TrunkBase`` without identity, whose properties list every key with its
    type, default and allowed values."""


class Metabase(WireModel):
    id: str
    name: str | None = None
    type: str | None = None


class TrunkBaseEntityListing(Page[TrunkBase]):
    pass


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
