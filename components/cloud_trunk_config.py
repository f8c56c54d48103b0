"""A trunk's config in the cloud dialect (the Platform API's BYOC carrier trunks).

The cloud schema's trunk base settings (``TrunkBaseBase``, defined once in
genesys_api/cloud/schema.py), extended with what only a stack has: the digest password in the
credentials block, settings taken from other stacks (``fromStacks``), the registration wait and the adopt
switch. Settings of the seed dialect are refused by name, each with what to use instead, so a stack moved
from the seed's API fails `pulumi preview` with its paths (`trunks[2].edgeGroupId`) and nothing created.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field, ValidationInfo, field_validator, model_validator

from genesys_api.cloud.schema import CarrierSettings, CredentialsBase, TrunkBaseBase
from genesys_api.fields import EntityId, Host, Password, Username, WaitSeconds
from providers.trunk_base import TrunkBaseInputs

from .trunk_config import StackOutputRef, require_sources

#: Cloud trunk settings that may come from another stack's output instead of this stack's config.
CloudReferablePath = Literal["carrier.host", "carrier.port", "credentials.username", "inboundSiteId", "siteId"]
#: What must be there, from this config or from another stack.
REQUIRED = ("inboundSiteId", "carrier.host")

#: The seed dialect's settings, and what a BYOC trunk on the Platform API has instead.
SEED_ONLY: dict[str, str] = {
    "edgeGroupId": (
        "is a setting of the seed dialect; a BYOC cloud trunk belongs to no edge group: set inboundSiteId "
        "(the site whose inbound routes it serves) and, optionally, siteId (its media site)"
    ),
    "sipProfileId": (
        "is a setting of the seed dialect; Genesys Cloud has no SIP profiles: a trunk's allowed settings come "
        "from its metabase's template (trunkMetabaseId, default external_sip_pcv_byoc_carrier.json), and its "
        "codecs are set with codecs"
    ),
    "maxConcurrentSessions": (
        "is a setting of the seed dialect; the Platform API documents no property for a BYOC trunk's call "
        "limit: set it under properties by the key your metabase's template lists"
    ),
    "healthProbe": (
        "is a setting of the seed dialect; a BYOC carrier trunk has no OPTIONS probe setting: the platform "
        "reports OPTIONS per trunk instance, which registrationStatus rolls up"
    ),
    "registration": (
        "is a setting of the seed dialect; set carrier {host, port, transport} for the carrier's SIP server "
        "and credentials {username, password, realm} for digest authentication (registration.type has no "
        "counterpart: a BYOC carrier trunk's type is fixed by its metabase)"
    ),
    "webhook": (
        "has no counterpart in the Platform API: there is no per-URL webhook for trunk events; Genesys pushes "
        "them through notification channels (topic v2.telephony.providers.edges.trunks.{id}) and event "
        "integrations (e.g. Amazon EventBridge). Remove the webhook block"
    ),
}


class CarrierConfig(CarrierSettings):
    """The carrier block; its host may come from another stack instead."""

    host: Host | None = None  # type: ignore[assignment]


class CredentialsConfig(CredentialsBase):
    """The credentials block; the password is a secret (`pulumi config set --secret --path ...`)."""

    username: Username | None = None  # type: ignore[assignment]
    password: Password


class CloudTrunkConfig(TrunkBaseBase):
    """One BYOC carrier trunk, as written under `genesys-trunks:trunks` in a cloud-dialect stack."""

    inbound_site_id: EntityId | None = None
    site_id: EntityId | None = None
    carrier: CarrierConfig | None = None
    credentials: CredentialsConfig | None = None
    adopt: bool = False
    registration_timeout_seconds: WaitSeconds = 60
    from_stacks: dict[CloudReferablePath, StackOutputRef] = Field(default_factory=dict)

    # Refused: the seed dialect's settings (declared so the error names their path).
    edge_group_id: Any = Field(None, exclude=True)
    sip_profile_id: Any = Field(None, exclude=True)
    max_concurrent_sessions: Any = Field(None, exclude=True)
    health_probe: Any = Field(None, exclude=True)
    registration: Any = Field(None, exclude=True)
    webhook: Any = Field(None, exclude=True)

    @field_validator(
        "edge_group_id", "sip_profile_id", "max_concurrent_sessions", "health_probe", "registration", "webhook"
    )
    @classmethod
    def _seed_only(cls, _value: Any, info: ValidationInfo) -> Any:
        name = info.field_name or ""
        raise ValueError(SEED_ONLY[cls.model_fields[name].alias or name])

    @model_validator(mode="after")
    def _every_setting_has_a_source(self) -> CloudTrunkConfig:
        require_sources(self, REQUIRED, self.from_stacks)
        if self.credentials is not None:
            require_sources(self, ("credentials.username",), self.from_stacks)
        return self

    def trunk_base_inputs(self) -> dict[str, Any]:
        """The TrunkBase's inputs by users' names: every setting this trunk shares with ``TrunkBaseInputs``,
        and the digest password as the TrunkBase's own (secret) input. Settings from other stacks are None
        here."""
        inputs = self.model_dump(by_alias=True, include=set(TrunkBaseInputs.model_fields))
        credentials = inputs.get("credentials")
        if isinstance(credentials, dict):
            inputs["credentialsPassword"] = credentials.pop("password")
        if inputs.get("carrier") is None:
            inputs.pop("carrier", None)
        return inputs
