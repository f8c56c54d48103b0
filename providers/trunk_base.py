"""The `TrunkBase` dynamic resource: one BYOC carrier trunk on the Platform API
(`pulumi-python:dynamic/genesys:TrunkBase`), the cloud dialect's counterpart of the seed's `Edge`."""

from __future__ import annotations

from typing import Any

import pulumi
from pulumi.dynamic import CheckFailure
from pydantic import model_validator

from genesys_api import ConflictError, GenesysClient, NotFoundError
from genesys_api.cloud import (
    BYOC_CARRIER_METABASE,
    BYOC_PREFIX,
    CloudTrunkApi,
    NameTakenError,
    TrunkBaseTemplate,
    check_properties,
    setting_path,
)
from genesys_api.cloud import (
    TrunkBase as ApiTrunkBase,
)
from genesys_api.cloud.schema import TrunkBaseSettings, settings_from_base
from genesys_api.fields import Password

from . import client_access, org_listings
from .entity_provider import EntityProvider
from .entity_resource import EntityResource
from .org_listings import ALL_TRUNK_BASES
from .values import known_version

#: How many sites or metabases an error about a missing one lists.
LISTED = 10


class TrunkBaseInputs(TrunkBaseSettings):
    """The TrunkBase resource's inputs: the trunk base's settings, its digest password (a separate input, so
    it alone is stored as a secret) and how the provider should act."""

    credentials_password: Password | None = None
    adopt: bool = False
    """Take over the trunk base that already has this name (looked up before anything is posted), instead of
    failing."""

    @model_validator(mode="after")
    def _password_with_credentials(self) -> TrunkBaseInputs:
        if self.credentials is not None and self.credentials_password is None:
            raise ValueError("credentials.password is required with credentials")
        return self


def _cloud(api: GenesysClient) -> CloudTrunkApi:
    return CloudTrunkApi(api)


class TrunkBaseProvider(EntityProvider[TrunkBaseInputs, ApiTrunkBase]):
    inputs_model = TrunkBaseInputs
    settings_model = TrunkBaseSettings
    replace_on = frozenset({"trunkMetabaseId"})
    delete_before_replace = True  # trunk base names are unique among live bases
    provider_only = frozenset({"adopt"})
    secret_inputs = frozenset({"credentialsPassword"})
    id_output = "trunkBaseId"

    # -- preview ----------------------------------------------------------------------------------

    def extra_failures(self, inputs: TrunkBaseInputs, olds: dict[str, Any]) -> list[CheckFailure]:
        """The template is the cloud's SIP profile: codecs, carrier, credentials and every key under
        `properties` are checked against it (one read per metabase per run); the sites must exist (one
        read per site per run, none for a site the trunk had already)."""
        cloud = _cloud(client_access.client())
        trunk = f"trunk {inputs.name!r}"
        failures: list[CheckFailure] = []
        if not inputs.trunk_metabase_id.startswith(BYOC_PREFIX):
            return [
                CheckFailure(
                    "trunkMetabaseId",
                    f"{trunk}: trunkMetabaseId {inputs.trunk_metabase_id!r} is not a BYOC metabase; a trunk here is "
                    f"a BYOC trunk, which takes an inbound site (metabases {BYOC_PREFIX}*, e.g. the default "
                    f"{BYOC_CARRIER_METABASE})",
                )
            ]
        template = _template_or_none(cloud, inputs.trunk_metabase_id)
        if template is None:
            offered = ", ".join(m.id for m in cloud.list_metabases()) or "none"
            failures.append(
                CheckFailure(
                    "trunkMetabaseId",
                    f"{trunk}: trunkMetabaseId {inputs.trunk_metabase_id!r} is not a trunk metabase of the org; "
                    f"it offers: {offered}",
                )
            )
        else:
            for key, message in check_properties(template, inputs.spec(inputs.credentials_password).properties):
                failures.append(_property_failure(trunk, key, message))
        for prop, site_id in (("inboundSiteId", inputs.inbound_site_id), ("siteId", inputs.site_id)):
            if site_id is not None and olds.get(prop) != site_id and cloud.site(site_id) is None:
                failures.append(CheckFailure(prop, f"{trunk}: {prop} {_missing_site(cloud, site_id)}"))
        return failures

    # -- the lifecycle ----------------------------------------------------------------------------

    def api_create(self, api: GenesysClient, desired: TrunkBaseInputs) -> tuple[ApiTrunkBase, dict[str, Any]]:
        if desired.adopt:
            # Look first: a POST would only be refused as a duplicate of the base to take over.
            existing = org_listings.trunk_bases.find(api, ALL_TRUNK_BASES, lambda b: b.is_named(desired.name))
            if existing is not None:
                try:
                    return self._rewrite(api, existing.id, desired, existing.version), {"adopted": True}
                except NotFoundError:
                    org_listings.trunk_bases.forget(existing.id)  # deleted since it was listed: create it
        try:
            created = self.create_once(api, desired)
        except NameTakenError as taken:
            if not desired.adopt:
                raise ConflictError(
                    f"trunk {desired.name!r}: a trunk base named {desired.name!r} already exists "
                    f"(id {taken.existing_id}). To manage it with this stack, set `adopt: true` on the trunk and "
                    "run `pulumi up` again; otherwise choose another name.",
                    **taken.details(),
                ) from None
            return self._rewrite(api, taken.existing_id, desired), {"adopted": True}
        org_listings.trunk_bases.remember(ALL_TRUNK_BASES, created)
        return created, {"adopted": False}

    def post(self, api: GenesysClient, desired: TrunkBaseInputs) -> ApiTrunkBase:
        cloud = _cloud(api)
        spec = desired.spec(desired.credentials_password)
        return cloud.create_trunk_base(spec, cloud.template(desired.trunk_metabase_id))

    def landed(self, api: GenesysClient, desired: TrunkBaseInputs) -> ApiTrunkBase | None:
        """Names are unique among live trunk bases: one with ours is the one our POST made (written again,
        in case it landed before a change of ours)."""
        found = _cloud(api).find_trunk_base_by_name(desired.name)
        return self._rewrite(api, found.id, desired) if found is not None else None

    def _rewrite(
        self,
        api: GenesysClient,
        base_id: str,
        desired: TrunkBaseInputs,
        version: int | None = None,
        *,
        with_password: bool = True,
    ) -> ApiTrunkBase:
        """The settings written over the base: one PUT at ``version`` when it is known (else read first). The
        password goes too unless told otherwise; never skipped when adopting: it is write-only, so it must be set."""
        cloud = _cloud(api)
        spec = desired.spec(desired.credentials_password if with_password else None)
        written = cloud.update_trunk_base(base_id, spec, version, cloud.template(desired.trunk_metabase_id))
        org_listings.trunk_bases.remember(ALL_TRUNK_BASES, written)
        return written

    def api_get(self, api: GenesysClient, entity_id: str) -> ApiTrunkBase:
        return _cloud(api).get_trunk_base(entity_id)

    def api_update(
        self, api: GenesysClient, entity_id: str, olds: dict[str, Any], desired: TrunkBaseInputs
    ) -> ApiTrunkBase:
        # The API does not return the password: it is sent only when it changed.
        changed = olds.get("credentialsPassword") != desired.credentials_password
        return self._rewrite(api, entity_id, desired, known_version(olds), with_password=changed)

    def api_delete(self, api: GenesysClient, entity_id: str) -> bool:
        deleted = _cloud(api).delete_trunk_base(entity_id)
        org_listings.trunk_bases.forget(entity_id)
        return deleted

    def settings_from(self, entity: ApiTrunkBase, props: dict[str, Any]) -> dict[str, Any]:
        recorded = props.get("properties")
        return settings_from_base(entity, list(recorded) if isinstance(recorded, dict) else [])

    def provider_outputs(self) -> tuple[str, ...]:
        return ("adopted",)


def _template_or_none(cloud: CloudTrunkApi, metabase_id: str) -> TrunkBaseTemplate | None:
    try:
        return cloud.template(metabase_id)
    except NotFoundError:
        return None


def _property_failure(trunk: str, key: str, message: str) -> CheckFailure:
    """A template problem under the name the user wrote: `codecs[1]`, `carrier.transport` or
    `properties.<key>`."""
    path = setting_path(key)
    return CheckFailure(path.split(".")[0].split("[")[0], f"{trunk}: {path} {message}")


def _missing_site(cloud: CloudTrunkApi, site_id: str) -> str:
    sites = [f"{s.name!r} ({s.id})" for s in cloud.list_sites()]
    listed = ", ".join(sites[:LISTED]) or "none"
    more = f" and {len(sites) - LISTED} more" if len(sites) > LISTED else ""
    return f"{site_id!r} is not a site of the org; it has: {listed}{more}"


class TrunkBase(EntityResource, module="genesys", name="TrunkBase"):
    """A BYOC carrier trunk (trunk base settings). Its digest password is stored only as a secret.

    ``inputs``: the properties of ``TrunkBaseInputs`` by the names users write (any may be an Output)."""

    provider_class = TrunkBaseProvider
    own_outputs = ("adopted",)

    trunkBaseId: pulumi.Output[str]
    name: pulumi.Output[str]
    codecs: pulumi.Output[list[str]]
    carrier: pulumi.Output[dict]
    credentialsPassword: pulumi.Output[str]
    properties: pulumi.Output[dict]
    adopted: pulumi.Output[bool]
