"""An edge's settings (a seed-dialect Connect trunk), defined once.

The names users write (camelCase aliases), defaults, limits and rules. The stack config extends
``EdgeBase``, the ``Edge`` resource takes ``EdgeSettings`` as its inputs, the wire body is their
``model_dump(by_alias=True)`` (``api.edge_body``), refresh reads them back with ``fields.settings_of`` and the
exporter's entry is derived from them: a new edge setting is one field here.
"""

from __future__ import annotations

from typing import Annotated, Literal, get_args

from pydantic import AfterValidator, Field

from genesys_api import Description, EntityId, Flag, Host, Integer, Port, Settings, TrunkName, Username, unique_codecs

Codec = Literal["G711u", "G711a", "G729", "Opus", "GSM"]
ALLOWED_CODECS: tuple[str, ...] = get_args(Codec)
RegistrationType = Literal["REGISTER", "STATIC"]

DEFAULT_CODECS: tuple[Codec, ...] = ("G711u", "G729", "Opus")
#: Codecs in order of preference.
Codecs = Annotated[list[Codec], Field(min_length=1), AfterValidator(unique_codecs)]


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
    reaches the config, the Edge's inputs, the wire body, refresh and the export from here."""

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
