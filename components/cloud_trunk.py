"""A trunk in the cloud dialect (the Platform API's BYOC carrier trunks): a trunk base and its registration
outcome.

Its config is the trunk base's settings (``TrunkBaseBase``, defined once in its home), extended with what
only a stack has: the digest password in the credentials block, settings taken from other stacks
(``fromStacks``), the registration wait and the adopt switch. Settings of the seed dialect are refused by
name, each with what to use instead, so a stack moved from the seed's API fails `pulumi preview` with its
paths (`trunks[2].edgeGroupId`) and nothing created. ``CloudTrunkStack`` declares the TrunkBase (whose check
validates its settings against its metabase's template and its sites before anything is created) and the
TrunkBaseOutcome that waits for the outcome of the base's last write on the trunk instances the platform
runs for it, and records the base's audit events. Its summary has the seed's shape, so a consumer stack
reads both dialects alike.
"""

from __future__ import annotations

from typing import Any, Literal

import pulumi
from pydantic import Field, ValidationInfo, field_validator, model_validator

from entities.trunk_base import CarrierSettings, CredentialsBase, TrunkBase, TrunkBaseBase, TrunkBaseInputs
from entities.trunk_base_registration import TrunkBaseOutcome
from genesys_api import EntityId, Host, Password, Username, WaitSeconds
from lifecycle.config import Section, StackContext, StackOutputRef, put_at, require_sources, unique_names
from lifecycle.outcome import RegistrationStatus

from .trunk_summary import say_adopted, trunk_summary

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


class CloudTrunkStack(pulumi.ComponentResource):
    """`genesys-trunks:index:TrunkStack` in the cloud dialect: a trunk base and its registration outcome."""

    trunk_base: TrunkBase
    registration: TrunkBaseOutcome
    summary: pulumi.Output[dict[str, Any]]

    def __init__(
        self,
        name: str,
        trunk: CloudTrunkConfig,
        *,
        stack_outputs: dict[str, pulumi.Output[Any]] | None = None,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        """``stack_outputs``: by config path (`carrier.host`), the settings taken from other stacks."""
        super().__init__("genesys-trunks:index:TrunkStack", name, None, opts)
        if trunk.adopt:
            say_adopted(self, trunk.name, "trunk base with this name")
        inputs = trunk.trunk_base_inputs()
        for path, value in (stack_outputs or {}).items():
            put_at(inputs, path, value)
        self.trunk_base = TrunkBase(f"{name}-trunk-base", inputs, opts=pulumi.ResourceOptions(parent=self))
        self.registration = TrunkBaseOutcome(
            f"{name}-registration",
            trunk=trunk.name,
            trunk_base_id=self.trunk_base.trunkBaseId,
            trunk_base_version=self.trunk_base.version,
            written_at=self.trunk_base.dateModified,
            timeout_seconds=trunk.registration_timeout_seconds,
            opts=pulumi.ResourceOptions(parent=self),
        )
        self.registration.status.apply(lambda status: self._warn_on_failure(trunk.name, status))
        self.summary = pulumi.Output.all(
            trunk_base_id=self.trunk_base.trunkBaseId,
            codecs=self.trunk_base.codecs,
            carrier=self.trunk_base.carrier,
            outcome=self.registration.outcome,
            events=self.registration.events,
            instances=self.registration.instances,
        ).apply(cloud_trunk_summary)
        self.register_outputs({})

    @property
    def trunk_base_id(self) -> pulumi.Output[str]:
        """What an outbound route names this trunk by."""
        return self.trunk_base.trunkBaseId

    def _warn_on_failure(self, trunk_name: str, status: str | None) -> None:
        if status == RegistrationStatus.FAILED:
            pulumi.log.warn(
                f"trunk {trunk_name!r}: the carrier refused or did not answer; see trunks.{trunk_name}."
                "registrationReason (fix carrier or credentials and run `pulumi up` again)",
                resource=self,
            )
        elif status in (RegistrationStatus.REGISTERING, RegistrationStatus.UNKNOWN):
            pulumi.log.warn(
                f"trunk {trunk_name!r}: no registration outcome yet; see trunks.{trunk_name}.registrationReason",
                resource=self,
            )


def cloud_trunk_summary(values: dict[str, Any]) -> dict[str, Any]:
    """One entry of the stack's `trunks` output, in the seed's shape plus the trunk base and its instances."""
    instances = values["instances"] or []
    seed_shape = trunk_summary({**values, "edge_id": None, "webhook_id": None, "registration": values["carrier"]})
    return {
        "trunkBaseId": values["trunk_base_id"],
        "trunkIds": [i["trunkId"] for i in instances],
        **seed_shape,
        "instances": instances,
    }


def cloud_trunk_stack(trunk: CloudTrunkConfig, context: StackContext) -> CloudTrunkStack:
    return CloudTrunkStack(trunk.name, trunk, stack_outputs=context.stack_outputs(trunk.from_stacks))


CLOUD_TRUNKS = Section(
    "trunks", CloudTrunkConfig, cloud_trunk_stack, required=True, rules=(unique_names("trunks", "trunk"),), noun="trunk"
)
