"""A BYOC trunk base's settings (the cloud dialect's trunk), defined once.

The names users write (camelCase aliases), defaults, limits and rules, built from the client's field types.
The stack config extends ``TrunkBaseBase``, the ``TrunkBase`` resource takes ``TrunkBaseSettings`` as its
inputs, the wire body comes from ``TrunkBaseSettings.spec``, refresh reads the settings back with
``settings_from_base`` and the exporter's entry is derived from that. A setting with a name of its own is
kept in template properties: ``NAMED`` says which keys each fills in and how its value is written and read
back, so a new one is a field here and its line in ``NAMED``. Keys the public sources do not show are not
named: a user sets any other key of the metabase's template under ``properties``, checked against the
template at preview.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Annotated, Any, Literal, get_args

from pydantic import AfterValidator, BeforeValidator, Field, SecretStr, field_validator
from pydantic.alias_generators import to_camel

from genesys_api import Description, EntityId, Host, Port, Settings, TrunkName, Username, unique_codecs

from .models import BYOC_CARRIER_METABASE, TrunkBase, TrunkBaseSpec
from .properties import (
    CODEC_MIME,
    KEY_CODECS,
    KEY_PASSWORD,
    KEY_PROTOCOL,
    KEY_PROXIES,
    KEY_REALM,
    KEY_USERNAME,
    UNOFFERED_CODECS,
    carrier_from_properties,
    carrier_properties,
    codecs_from_wire,
    codecs_to_wire,
    credential_properties,
    credentials_from_properties,
    instances,
)

CloudCodec = Literal["G711u", "G711a", "G729", "Opus", "G722"]
assert set(get_args(CloudCodec)) == set(CODEC_MIME)


def _offered(value: Any) -> Any:
    """A codec Genesys Cloud does not offer is refused with the reason, not just as "not allowed"."""
    if isinstance(value, str) and value in UNOFFERED_CODECS:
        raise ValueError(f"{UNOFFERED_CODECS[value]}; use one of {', '.join(CODEC_MIME)}")
    return value


#: The BYOC carrier template's own default order (Opus, then G.711 mu-law and A-law).
DEFAULT_CLOUD_CODECS: tuple[CloudCodec, ...] = ("Opus", "G711u", "G711a")
CloudCodecs = Annotated[
    list[Annotated[CloudCodec, BeforeValidator(_offered)]], Field(min_length=1), AfterValidator(unique_codecs)
]
Transport = Literal["udp", "tcp", "tls"]
Realm = Annotated[str, Field(min_length=1, max_length=200)]


def json_numbers(value: Any) -> Any:
    """Whole numbers as ints: the engine carries every number as a float, the template types integers."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, dict):
        return {k: json_numbers(v) for k, v in value.items()}
    if isinstance(value, list):
        return [json_numbers(v) for v in value]
    return value


class CarrierSettings(Settings):
    """The carrier's SIP server (``trunk_transport_serverProxyList``) and transport (``..._protocolVariant``).
    Without a port the platform uses the inbound listen port."""

    host: Host
    port: Port | None = None
    transport: Transport = "udp"


class CredentialsBase(Settings):
    """Digest credentials for calls to the carrier; the password is a separate secret."""

    username: Username
    realm: Realm | None = None


# ---------------------------------------------------------------------------------------------- named settings


@dataclass(frozen=True)
class NamedSetting:
    """A trunk setting with a name of its own, kept in template properties."""

    attribute: str
    """Its field of the settings (``codecs``; the config writes it by its camelCase alias)."""
    keys: Mapping[str, str]
    """Each template key it fills in, and the config path that key comes from (``trunk_media_codec`` -> ``codecs``)."""
    write: Callable[[Any], dict[str, Any]]
    """Its value (as the settings model holds it; a part taken from another stack may still be None) -> the
    properties it sets."""
    read: Callable[[Mapping[str, Any]], Any]
    """The base's property values -> its value by users' names (None when the base has none)."""
    told: Mapping[str, str] = field(default_factory=dict)
    """What to set instead, for a key the path alone does not say well (a key under ``properties`` is refused)."""


def _write_carrier(carrier: CarrierSettings) -> dict[str, Any]:
    return carrier_properties(carrier.host, carrier.port, carrier.transport) if carrier.host is not None else {}


def _read_carrier(values: Mapping[str, Any]) -> dict[str, Any] | None:
    found = carrier_from_properties(values)
    if found is None:
        return None
    host, port, transport = found
    return {"host": host, "port": port, "transport": transport or "udp"}


def _write_credentials(credentials: CredentialsBase) -> dict[str, Any]:
    return credential_properties(credentials.username, None, credentials.realm if credentials.realm is not None else "")


def _read_credentials(values: Mapping[str, Any]) -> dict[str, Any] | None:
    username, realm = credentials_from_properties(values)
    return {"username": username, "realm": realm or None} if username else None


NAMED: tuple[NamedSetting, ...] = (
    NamedSetting(
        "codecs",
        {KEY_CODECS: "codecs"},
        lambda codecs: {KEY_CODECS: codecs_to_wire(codecs)},
        lambda values: codecs_from_wire(values.get(KEY_CODECS)),
    ),
    NamedSetting(
        "carrier",
        {KEY_PROXIES: "carrier", KEY_PROTOCOL: "carrier.transport"},
        _write_carrier,
        _read_carrier,
        told={KEY_PROXIES: "carrier.host and carrier.port"},
    ),
    NamedSetting(
        "credentials",
        {KEY_USERNAME: "credentials.username", KEY_REALM: "credentials.realm", KEY_PASSWORD: "credentials.password"},
        _write_credentials,
        _read_credentials,
        told={KEY_PASSWORD: "credentials.password (a secret)"},
    ),
)
#: Each template key a named setting fills in, and the config path it comes from.
SETTING_OF_KEY: dict[str, str] = {key: path for setting in NAMED for key, path in setting.keys.items()}
#: Template keys the named settings fill in: under ``properties`` they are refused, naming what to set instead.
MANAGED_KEYS: dict[str, str] = {**SETTING_OF_KEY, **{k: v for s in NAMED for k, v in s.told.items()}}


def setting_path(key: str) -> str:
    """Where a template problem at ``key`` sits in a trunk's config, by the names users write: the setting the
    key comes from (``trunk_media_codec[1]`` -> ``codecs[1]``), else ``properties.<key>``."""
    name, bracket, rest = key.partition("[")
    setting = SETTING_OF_KEY.get(name)
    return f"{setting}{bracket}{rest}" if setting else f"properties.{key}"


# ---------------------------------------------------------------------------------------------- the settings


class TrunkBaseBase(Settings):
    """The trunk base settings every stack states itself."""

    name: TrunkName
    trunk_metabase_id: EntityId = BYOC_CARRIER_METABASE
    codecs: CloudCodecs = Field(default_factory=lambda: list(DEFAULT_CLOUD_CODECS))
    """In order of preference."""
    properties: dict[str, Any] = Field(default_factory=dict)
    """Any other key of the metabase's template, by its API name, with its instance value."""
    description: Description | None = None

    @field_validator("properties", mode="after")
    @classmethod
    def _not_managed(cls, value: dict[str, Any]) -> dict[str, Any]:
        managed = [f"{key} (set {MANAGED_KEYS[key]})" for key in value if key in MANAGED_KEYS]
        if managed:
            raise ValueError(f"these keys have settings of their own: {'; '.join(managed)}")
        return json_numbers(value)

    def sent(self, password: str | None = None) -> dict[str, Any]:
        """Every template property these settings send, by API key: ``properties``, then each named setting
        that is set (a part taken from another stack and not known yet is left out), and the password only
        when given (an update without it keeps the stored one)."""
        values: dict[str, Any] = dict(self.properties)
        for setting in NAMED:
            value = getattr(self, setting.attribute, None)
            if value is not None:
                values.update(setting.write(value))
        if password is not None and getattr(self, "credentials", None) is not None:
            values[KEY_PASSWORD] = SecretStr(password)
        return values


class TrunkBaseSettings(TrunkBaseBase):
    """What a BYOC trunk base should look like. The settings declared here (not in ``TrunkBaseBase``) are
    the ones a stack may take from another stack's outputs, so its config declares them optional."""

    inbound_site_id: EntityId
    """The site whose inbound routes the trunk serves: required for BYOC carrier trunks."""
    site_id: EntityId | None = None
    """The media site (sets the trunk's media regions)."""
    carrier: CarrierSettings
    credentials: CredentialsBase | None = None

    def spec(self, password: str | None = None) -> TrunkBaseSpec:
        """The write's input: every setting as template properties (see ``sent``)."""
        return TrunkBaseSpec(
            name=self.name,
            inbound_site_id=self.inbound_site_id,
            site_id=self.site_id,
            trunk_metabase_id=self.trunk_metabase_id,
            description=self.description,
            properties=self.sent(password),
        )


def settings_from_base(base: TrunkBase, properties: list[str]) -> dict[str, Any]:
    """The settings, by users' names, that would make ``base`` what it is: what refresh compares with the
    inputs and the export writes. Of the free-form ``properties`` only the keys in ``properties`` are read
    back; the password never is."""
    values = instances(base)
    return {
        "name": base.name,
        "trunkMetabaseId": base.trunk_metabase.id if base.trunk_metabase else None,
        **{to_camel(setting.attribute): setting.read(values) for setting in NAMED},
        "properties": json_numbers({key: values.get(key) for key in properties}),
        "description": base.description or None,  # a base without one may read back as ""
        "inboundSiteId": base.inbound_site.id if base.inbound_site else None,
        "siteId": base.site.id if base.site else None,
    }
