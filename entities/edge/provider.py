"""The `Edge` dynamic resource: one Genesys Cloud Connect trunk (`pulumi-python:dynamic/genesys:Edge`)."""

from __future__ import annotations

from typing import Any

import pulumi
from pulumi.dynamic import CheckFailure

from genesys_api import ConflictError, Flag, GenesysApiError, GenesysClient, Password
from lifecycle import client_access, created_here
from lifecycle.adoption import AdoptingProvider
from lifecycle.entity_resource import EntityResource
from lifecycle.listings import Listing
from lifecycle.values import iso_utc, known_version

from .api import Edge as ApiEdge
from .api import EdgeApi, EdgeSpec
from .catalogue import codec_failures, edge_group_failures, edge_groups
from .settings import EdgeSettings

#: The org's edges by edge group, listed once per process for the trunks that adopt one.
edges: Listing[ApiEdge] = Listing(lambda api, group_id: EdgeApi(api).list(edge_group_id=group_id))


class EdgeInputs(EdgeSettings):
    """The Edge resource's inputs: the edge's settings, its registration password (a separate input, so it
    alone is stored as a secret) and how the provider should act."""

    registration_password: Password
    adopt: Flag = False
    """Take over the edge that already registers as this trunk (looked up before anything is posted), instead
    of failing on the conflict."""

    def spec(self, *, with_password: bool = True) -> EdgeSpec:
        """The write's body: the settings, and the password unless it is to stay as the server has it."""
        settings = self.model_dump(include=set(EdgeSettings.model_fields))
        settings["registration"]["password"] = self.registration_password if with_password else None
        return EdgeSpec.model_validate(settings)


class EdgeProvider(AdoptingProvider[EdgeInputs, ApiEdge]):
    inputs_model = EdgeInputs
    settings_model = EdgeSettings
    replace_on = frozenset({"edgeGroupId"})
    provider_only = frozenset({"adopt"})
    secret_inputs = frozenset({"registrationPassword"})
    id_output = "edgeId"
    listing = edges
    duplicate_errors = (ConflictError,)

    def extra_failures(self, inputs: EdgeInputs, olds: dict[str, Any]) -> list[CheckFailure]:
        api = client_access.client()
        # An edge that exists is in its group already: only a new group costs a read, beside the profile's.
        new_group = olds.get("edgeGroupId") != inputs.edge_group_id
        if new_group:
            edge_groups.read_ahead(api, [inputs.edge_group_id])
        failures = codec_failures(api, inputs.name, inputs.sip_profile_id, inputs.codecs)
        if new_group:
            failures += edge_group_failures(api, inputs.name, inputs.edge_group_id)
        return [CheckFailure(prop, reason) for prop, reason in failures]

    # -- taking an existing edge over ---------------------------------------------------------------

    def listing_key(self, desired: EdgeInputs) -> str:
        return desired.edge_group_id

    def is_wanted(self, entity: ApiEdge, desired: EdgeInputs) -> bool:
        return entity.registers_as(desired.registration.host, desired.registration.username)

    def take_over(self, api: GenesysClient, existing: ApiEdge, desired: EdgeInputs, *, version: int | None) -> ApiEdge:
        """One PUT, at the version the look-up saw (re-read only on a conflict). Never skipped: the password is
        write-only, so whether the edge has the desired one cannot be known, and it must be set."""
        return EdgeApi(api).update(existing.id, desired.spec(), version=version)

    def holder(
        self, api: GenesysClient, desired: EdgeInputs, refused: GenesysApiError
    ) -> tuple[ApiEdge, int | None] | None:
        existing = self._registered_as(api, desired)
        return (existing, existing.version) if existing is not None else None

    def refusal(self, desired: EdgeInputs, existing: ApiEdge, refused: GenesysApiError) -> GenesysApiError:
        return ConflictError(
            f"trunk {desired.name!r}: an edge with registration host {desired.registration.host!r} "
            f"and username {desired.registration.username!r} already exists in edge group "
            f"{desired.edge_group_id} (edge id {existing.id}, name {existing.name!r}). To manage "
            "that edge with this stack, set `adopt: true` on the trunk and run `pulumi up` again; "
            "otherwise use another username or edge group.",
            status=refused.status,
            code=refused.code,
            context_id=refused.context_id,
        )

    # -- the lifecycle ------------------------------------------------------------------------------

    def post(self, api: GenesysClient, desired: EdgeInputs) -> ApiEdge:
        created = EdgeApi(api).create(desired.spec())
        created_here.note(created.id)
        return created

    def landed(self, api: GenesysClient, desired: EdgeInputs) -> ApiEdge | None:
        """The registration is unique per edge group: an edge with it and our name is the one our POST made
        (written again, in case it landed before a change of ours)."""
        landed = self._registered_as(api, desired)
        if landed is None or landed.name != desired.name:
            return None
        return EdgeApi(api).update(landed.id, desired.spec())

    @staticmethod
    def _registered_as(api: GenesysClient, desired: EdgeInputs) -> ApiEdge | None:
        """The edge registering as ``desired``, read now (what a refused or lost POST points at)."""
        return EdgeApi(api).find_by_registration(
            desired.edge_group_id, desired.registration.host, desired.registration.username
        )

    def api_get(self, api: GenesysClient, entity_id: str, props: dict[str, Any]) -> ApiEdge:
        return EdgeApi(api).get(entity_id)

    def api_update(self, api: GenesysClient, entity_id: str, olds: dict[str, Any], desired: EdgeInputs) -> ApiEdge:
        # An unchanged password is not sent again, so it does not trigger a new registration.
        changed = olds.get("registrationPassword") != desired.registration_password
        updated = EdgeApi(api).update(entity_id, desired.spec(with_password=changed), version=known_version(olds))
        edges.remember(desired.edge_group_id, updated)
        return updated

    def api_delete(self, api: GenesysClient, entity_id: str, props: dict[str, Any]) -> bool:
        deleted = EdgeApi(api).delete(entity_id)
        edges.forget(entity_id)
        return deleted

    def extra_outputs(self, entity: ApiEdge) -> dict[str, Any]:
        changed_at = iso_utc(entity.registration_status_changed_at)
        return {
            "registrationStatus": entity.registration_status,
            "registrationStatusReason": entity.registration_status_reason,
            "registrationStatusChangedAt": changed_at,
            # The same as one value whose nulls stay inside it, for the RegistrationOutcome resource to take
            # as input (a top-level null output reads as unknown during preview).
            "registrationState": {
                "status": entity.registration_status,
                "reason": entity.registration_status_reason,
                "changedAt": changed_at,
            },
        }

    def provider_outputs(self) -> tuple[str, ...]:
        return ("adopted",)


class Edge(EntityResource, module="genesys", name="Edge"):
    """A Genesys Cloud Connect trunk. Its registration password is stored only as a secret.

    ``inputs``: the properties of ``EdgeInputs`` by the names users write (any may be an Output)."""

    provider_class = EdgeProvider
    own_outputs = (
        "registrationStatus",
        "registrationStatusReason",
        "registrationStatusChangedAt",
        "registrationState",
        "adopted",
    )

    edgeId: pulumi.Output[str]
    name: pulumi.Output[str]
    codecs: pulumi.Output[list[str]]
    registration: pulumi.Output[dict]
    registrationPassword: pulumi.Output[str]
    registrationStatus: pulumi.Output[str]
    registrationStatusReason: pulumi.Output[str | None]
    registrationStatusChangedAt: pulumi.Output[str | None]
    adopted: pulumi.Output[bool]
    registrationState: pulumi.Output[dict]
    """{status, reason, changedAt}: the registration as the last write or refresh saw it."""
