"""The `Edge` dynamic resource: one Genesys Cloud Connect trunk (`pulumi-python:dynamic/genesys:Edge`)."""

from __future__ import annotations

from typing import Any

import pulumi
import pydantic
from pulumi.dynamic import CheckFailure
from pydantic import BaseModel, ConfigDict, Field

from . import session
from .catalog_checks import codec_failures, edge_group_failures
from .checks import validation_failures
from .entity_provider import EntityProvider
from .entity_resource import EntityResource
from .genesys_api import (
    ConflictError,
    EdgeSpec,
    GenesysClient,
    HealthProbeSpec,
    OutcomeUnknownError,
    RegistrationSpec,
)
from .genesys_api import (
    Edge as ApiEdge,
)
from .genesys_api.models import Codec
from .values import iso_utc, known_version

#: How often a create whose outcome was unknown is looked up and tried again.
CREATE_ATTEMPTS = 3


class RegistrationInputs(RegistrationSpec):
    """The registration block as users write it; its password is the separate secret input."""

    password: None = Field(None, exclude=True)


class EdgeInputs(BaseModel):
    """The Edge resource's inputs: the API's edge settings, plus how the provider should act."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    name: str = Field(min_length=1, max_length=200)
    edgeGroupId: str = Field(min_length=1)
    sipProfileId: str = Field(min_length=1)
    maxConcurrentSessions: int = Field(ge=1, le=2000)
    codecs: list[Codec] = Field(min_length=1)
    registration: RegistrationInputs
    registrationPassword: str = Field(min_length=1)
    healthProbe: HealthProbeSpec = Field(default_factory=HealthProbeSpec)
    description: str | None = None
    adopt: bool = False

    def spec(self, *, with_password: bool = True) -> EdgeSpec:
        registration = RegistrationSpec(
            **self.registration.model_dump(exclude={"password"}),
            password=self.registrationPassword if with_password else None,
        )
        return EdgeSpec(
            name=self.name,
            edge_group_id=self.edgeGroupId,
            sip_profile_id=self.sipProfileId,
            max_concurrent_sessions=self.maxConcurrentSessions,
            codecs=self.codecs,
            registration=registration,
            health_probe=self.healthProbe,
            description=self.description,
        )


class EdgeProvider(EntityProvider):
    inputs_model = EdgeInputs
    replace_on = frozenset({"edgeGroupId"})
    provider_only = frozenset({"adopt"})
    secret_inputs = frozenset({"registrationPassword"})
    id_output = "edgeId"

    def extra_failures(self, api_inputs: EdgeInputs, olds: dict[str, Any]) -> list[CheckFailure]:
        try:
            api_inputs.spec()  # the API model's own rules (e.g. unique codecs), kept in one place
        except pydantic.ValidationError as exc:
            return validation_failures(exc, secret_keys=self.secret_inputs)
        failures = codec_failures(api_inputs.name, api_inputs.sipProfileId, api_inputs.codecs)
        if olds.get("edgeGroupId") != api_inputs.edgeGroupId:
            # An edge that exists is in its group already: only a new group costs a read.
            failures += edge_group_failures(api_inputs.name, api_inputs.edgeGroupId)
        return [CheckFailure(prop, reason) for prop, reason in failures]

    def api_create(self, api: GenesysClient, inputs: dict[str, Any]) -> tuple[ApiEdge, dict[str, Any]]:
        desired = EdgeInputs.model_validate(inputs)
        spec = desired.spec()
        for attempt in range(1, CREATE_ATTEMPTS + 1):
            try:
                created = api.create_edge(spec)
                session.note_created(created.id)
                return created, {"adopted": False}
            except OutcomeUnknownError:
                # The POST may have landed: look before trying again, so a retry never duplicates it.
                landed = self._existing(api, desired)
                if landed is not None and landed.name == desired.name:
                    return api.update_edge(landed.id, spec), {"adopted": False}
                if attempt == CREATE_ATTEMPTS:
                    raise
            except ConflictError as conflict:
                existing = self._existing(api, desired)
                if existing is None:
                    raise
                if not desired.adopt:
                    raise ConflictError(
                        f"trunk {desired.name!r}: an edge with registration host {desired.registration.host!r} "
                        f"and username {desired.registration.username!r} already exists in edge group "
                        f"{desired.edgeGroupId} (edge id {existing.id}, name {existing.name!r}). To manage "
                        "that edge with this stack, set `adopt: true` on the trunk and run `pulumi up` again; "
                        "otherwise use another username or edge group.",
                        status=conflict.status,
                        code=conflict.code,
                        context_id=conflict.context_id,
                    ) from None
                return api.update_edge(existing.id, spec), {"adopted": True}
        raise AssertionError("unreachable")

    @staticmethod
    def _existing(api: GenesysClient, desired: EdgeInputs) -> ApiEdge | None:
        return api.find_edge_by_registration(
            desired.edgeGroupId, desired.registration.host, desired.registration.username
        )

    def api_get(self, api: GenesysClient, entity_id: str) -> ApiEdge:
        return api.get_edge(entity_id)

    def api_update(self, api: GenesysClient, entity_id: str, olds: dict[str, Any], news: dict[str, Any]) -> ApiEdge:
        desired = EdgeInputs.model_validate(news)
        # An unchanged password is not sent again, so it does not trigger a new registration.
        changed = olds.get("registrationPassword") != desired.registrationPassword
        return api.update_edge(entity_id, desired.spec(with_password=changed), version=known_version(olds))

    def api_delete(self, api: GenesysClient, entity_id: str) -> bool:
        return api.delete_edge(entity_id)

    def entity_inputs(self, entity: ApiEdge, props: dict[str, Any]) -> dict[str, Any]:
        reg = entity.registration
        return {
            "name": entity.name,
            "edgeGroupId": entity.group_id,
            "sipProfileId": entity.sip_profile_id,
            "maxConcurrentSessions": entity.max_concurrent_sessions,
            "codecs": list(entity.codecs),
            "registration": {
                "type": reg.type if reg else None,
                "host": reg.host if reg else None,
                "port": reg.port if reg else None,
                "username": reg.username if reg else None,
            },
            "registrationPassword": props.get("registrationPassword"),
            "healthProbe": {
                "enabled": entity.health_probe.enabled if entity.health_probe else None,
                "intervalSeconds": entity.health_probe.interval_seconds if entity.health_probe else None,
            },
            "description": entity.description,
            "adopt": props.get("adopt", False),
        }

    def extra_outputs(self, entity: ApiEdge) -> dict[str, Any]:
        changed_at = iso_utc(entity.registration_status_changed_at)
        return {
            "registrationStatus": entity.registration_status,
            "registrationStatusReason": entity.registration_status_reason,
            "registrationStatusChangedAt": changed_at,
            # The same as one value whose nulls stay inside it, for the Registration resource to take as
            # input (a top-level null output reads as unknown during preview).
            "registrationState": {
                "status": entity.registration_status,
                "reason": entity.registration_status_reason,
                "changedAt": changed_at,
            },
        }

    def provider_outputs(self) -> tuple[str, ...]:
        return ("adopted",)


#: Outputs of an Edge beside its inputs and the common ones.
EDGE_OUTPUTS = (
    "registrationStatus",
    "registrationStatusReason",
    "registrationStatusChangedAt",
    "registrationState",
    "adopted",
)


class Edge(EntityResource, module="genesys", name="Edge"):
    """A Genesys Cloud Connect trunk. `registration_password` is stored only as a secret."""

    edgeId: pulumi.Output[str]
    name: pulumi.Output[str]
    codecs: pulumi.Output[list[str]]
    registration: pulumi.Output[dict]
    version: pulumi.Output[int]
    state: pulumi.Output[str]
    registrationStatus: pulumi.Output[str]
    registrationStatusReason: pulumi.Output[str | None]
    registrationStatusChangedAt: pulumi.Output[str | None]
    dateCreated: pulumi.Output[str]
    dateModified: pulumi.Output[str]
    selfUri: pulumi.Output[str]
    adopted: pulumi.Output[bool]
    registrationState: pulumi.Output[dict]
    """{status, reason, changedAt}: the registration as the last write or refresh saw it."""

    def __init__(
        self,
        resource_name: str,
        *,
        name: pulumi.Input[str],
        edge_group_id: pulumi.Input[str],
        sip_profile_id: pulumi.Input[str],
        max_concurrent_sessions: pulumi.Input[int],
        codecs: pulumi.Input[list[pulumi.Input[str]]],
        registration: pulumi.Input[dict],
        registration_password: pulumi.Input[str],
        health_probe: pulumi.Input[dict] | None = None,
        description: pulumi.Input[str] | None = None,
        adopt: pulumi.Input[bool] = False,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        inputs = {
            "name": name,
            "edgeGroupId": edge_group_id,
            "sipProfileId": sip_profile_id,
            "maxConcurrentSessions": max_concurrent_sessions,
            "codecs": codecs,
            "registration": registration,
            "registrationPassword": registration_password,
            "healthProbe": health_probe,
            "description": description,
            "adopt": adopt,
        }
        super().__init__(EdgeProvider(), resource_name, inputs, EDGE_OUTPUTS, opts)
