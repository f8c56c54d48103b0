"""The `Edge` dynamic resource: one Genesys Cloud Connect trunk (`pulumi-python:dynamic/genesys:Edge`)."""

from __future__ import annotations

from typing import Any

import pulumi
from pulumi.dynamic import CheckFailure

from genesys_api import ConflictError, GenesysClient, NotFoundError
from genesys_api import Edge as ApiEdge
from genesys_api.fields import Flag, Password
from genesys_api.models import EdgeSettings, EdgeSpec

from . import created_here, org_listings
from .catalog_checks import codec_failures, edge_group_failures
from .entity_provider import EntityProvider
from .entity_resource import EntityResource
from .values import iso_utc, known_version


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


class EdgeProvider(EntityProvider[EdgeInputs, ApiEdge]):
    inputs_model = EdgeInputs
    settings_model = EdgeSettings
    replace_on = frozenset({"edgeGroupId"})
    provider_only = frozenset({"adopt"})
    secret_inputs = frozenset({"registrationPassword"})
    id_output = "edgeId"

    def extra_failures(self, inputs: EdgeInputs, olds: dict[str, Any]) -> list[CheckFailure]:
        failures = codec_failures(inputs.name, inputs.sip_profile_id, inputs.codecs)
        if olds.get("edgeGroupId") != inputs.edge_group_id:
            # An edge that exists is in its group already: only a new group costs a read.
            failures += edge_group_failures(inputs.name, inputs.edge_group_id)
        return [CheckFailure(prop, reason) for prop, reason in failures]

    def api_create(self, api: GenesysClient, desired: EdgeInputs) -> tuple[ApiEdge, dict[str, Any]]:
        if desired.adopt:
            # Look first: a POST would only be refused as a duplicate of the edge to take over.
            existing = self._listed_as(api, desired)
            if existing is not None:
                try:
                    return self._adopt(api, existing, desired), {"adopted": True}
                except NotFoundError:
                    org_listings.edges.forget(existing.id)  # deleted since it was listed: create it
        try:
            created = self.create_once(api, desired)
        except ConflictError as conflict:
            existing = self._registered_as(api, desired)
            if existing is None:
                raise
            if not desired.adopt:
                raise ConflictError(
                    f"trunk {desired.name!r}: an edge with registration host {desired.registration.host!r} "
                    f"and username {desired.registration.username!r} already exists in edge group "
                    f"{desired.edge_group_id} (edge id {existing.id}, name {existing.name!r}). To manage "
                    "that edge with this stack, set `adopt: true` on the trunk and run `pulumi up` again; "
                    "otherwise use another username or edge group.",
                    status=conflict.status,
                    code=conflict.code,
                    context_id=conflict.context_id,
                ) from None
            return self._adopt(api, existing, desired), {"adopted": True}
        org_listings.edges.remember(desired.edge_group_id, created)
        return created, {"adopted": False}

    def _adopt(self, api: GenesysClient, existing: ApiEdge, desired: EdgeInputs) -> ApiEdge:
        """One PUT, at the version the look-up saw (re-read only on a conflict). Never skipped: the password is
        write-only, so whether the edge has the desired one cannot be known, and it must be set."""
        adopted = api.update_edge(existing.id, desired.spec(), version=existing.version)
        org_listings.edges.remember(desired.edge_group_id, adopted)
        return adopted

    def post(self, api: GenesysClient, desired: EdgeInputs) -> ApiEdge:
        created = api.create_edge(desired.spec())
        created_here.note(created.id)
        return created

    def landed(self, api: GenesysClient, desired: EdgeInputs) -> ApiEdge | None:
        """The registration is unique per edge group: an edge with it and our name is the one our POST made
        (written again, in case it landed before a change of ours)."""
        landed = self._registered_as(api, desired)
        if landed is None or landed.name != desired.name:
            return None
        return api.update_edge(landed.id, desired.spec())

    @staticmethod
    def _listed_as(api: GenesysClient, desired: EdgeInputs) -> ApiEdge | None:
        """The edge registering as ``desired``, from the group's listing this process shares."""
        host, username = desired.registration.host, desired.registration.username
        return org_listings.edges.find(api, desired.edge_group_id, lambda e: e.registers_as(host, username))

    @staticmethod
    def _registered_as(api: GenesysClient, desired: EdgeInputs) -> ApiEdge | None:
        """The same, read now (what a refused or lost POST points at)."""
        return api.find_edge_by_registration(
            desired.edge_group_id, desired.registration.host, desired.registration.username
        )

    def api_get(self, api: GenesysClient, entity_id: str) -> ApiEdge:
        return api.get_edge(entity_id)

    def api_update(self, api: GenesysClient, entity_id: str, olds: dict[str, Any], desired: EdgeInputs) -> ApiEdge:
        # An unchanged password is not sent again, so it does not trigger a new registration.
        changed = olds.get("registrationPassword") != desired.registration_password
        updated = api.update_edge(entity_id, desired.spec(with_password=changed), version=known_version(olds))
        org_listings.edges.remember(desired.edge_group_id, updated)
        return updated

    def api_delete(self, api: GenesysClient, entity_id: str) -> bool:
        deleted = api.delete_edge(entity_id)
        org_listings.edges.forget(entity_id)
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
