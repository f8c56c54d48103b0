"""The Platform API's schema: a BYOC trunk's settings, defined once.

The counterpart of the seed's ``models.py`` for the ``cloud`` dialect, built from ``fields.py``: the names
users write (camelCase aliases), defaults, limits and rules. The stack config extends ``TrunkBaseBase``,
the ``TrunkBase`` resource takes ``TrunkBaseSettings`` as its inputs, the wire body comes from
``TrunkBaseSettings.spec`` and refresh reads the settings back with ``settings_from_base``, both through
``mapping``. Keys the public sources do not show are not named here: a user sets any other key of the
metabase's template under ``properties``, checked against the template at preview.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal, get_args

from pydantic import AfterValidator, BeforeValidator, Field, SecretStr, field_validator

from ..fields import Description, EntityId, Host, Port, Settings, Username
from ..models import TrunkName, unique_codecs
from .mapping import (
    CODEC_MIME,
    KEY_CODECS,
    KEY_PASSWORD,
    KEY_PROXIES,
    SETTING_OF_KEY,
    UNOFFERED_CODECS,
    carrier_from_properties,
    carrier_properties,
    codecs_from_wire,
    codecs_to_wire,
    credential_properties,
    credentials_from_properties,
    instances,
)
from .models import BYOC_CARRIER_METABASE, TrunkBase, TrunkBaseSpec

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

#: Template keys the schema sets from its own settings: under ``properties`` they are refused, naming the
#: setting to use instead.
MANAGED_KEYS: dict[str, str] = {
    **SETTING_OF_KEY,
    KEY_PROXIES: "carrier.host and carrier.port",
    KEY_PASSWORD: "credentials.password (a secret)",
}


def _json_numbers(value: Any) -> Any:
    """Whole numbers as ints: the engine carries every number as a float, the template types integers."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, dict):
        return {k: _json_numbers(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_json_numbers(v) for v in value]
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
        return _json_numbers(value)


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
        """The write's input: every setting as template properties; the password only when given (an update
        without it keeps the stored one)."""
        values: dict[str, Any] = dict(self.properties)
        values[KEY_CODECS] = codecs_to_wire(self.codecs)
        values.update(carrier_properties(self.carrier.host, self.carrier.port, self.carrier.transport))
        if self.credentials is not None:
            values.update(
                credential_properties(
                    self.credentials.username,
                    SecretStr(password) if password is not None else None,
                    self.credentials.realm if self.credentials.realm is not None else "",
                )
            )
        return TrunkBaseSpec(
            name=self.name,
            inbound_site_id=self.inbound_site_id,
            site_id=self.site_id,
            trunk_metabase_id=self.trunk_metabase_id,
            description=self.description,
            properties=values,
        )


def settings_from_base(base: TrunkBase, properties: list[str]) -> dict[str, Any]:
    """The settings, by users' names, that would make ``base`` what it is: what refresh compares with the
    inputs. Of the free-form ``properties`` only the keys in ``properties`` (those the stack sets) are read
    back; the password never is."""
    values = instances(base)
    carrier = carrier_from_properties(values)
    username, realm = credentials_from_properties(values)
    return {
        "name": base.name,
        "trunkMetabaseId": base.trunk_metabase.id if base.trunk_metabase else None,
        "codecs": codecs_from_wire(values.get(KEY_CODECS)),
        "properties": _json_numbers({key: values.get(key) for key in properties}),
        "description": base.description or None,  # a base without one may read back as ""
        "inboundSiteId": base.inbound_site.id if base.inbound_site else None,
        "siteId": base.site.id if base.site else None,
        "carrier": (
            {"host": carrier[0], "port": carrier[1], "transport": carrier[2] or "udp"} if carrier is not None else None
        ),
        "credentials": {"username": username, "realm": realm or None} if username else None,
    }
