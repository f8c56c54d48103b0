"""The `TrunkBase` dynamic resource: one BYOC carrier trunk on the Platform API
(`pulumi-python:dynamic/genesys:TrunkBase`), the cloud dialect's counterpart of the seed's `Edge`."""

from __future__ import annotations

from typing import Any

import pulumi
from pulumi.dynamic import CheckFailure
from pydantic import model_validator

from entities.site.api import missing_site, sites
from genesys_api import ConflictError, GenesysApiError, GenesysClient, Password
from lifecycle import client_access
from lifecycle.adoption import AdoptingProvider
from lifecycle.entity_resource import EntityResource
from lifecycle.listings import ALL, Listing
from lifecycle.values import known_version

from .api import NameTakenError, TrunkBaseApi, templates
from .models import BYOC_CARRIER_METABASE, BYOC_PREFIX
from .models import TrunkBase as ApiTrunkBase
from .properties import check_properties
from .settings import TrunkBaseSettings, setting_path, settings_from_base

#: The org's live trunk bases, listed once per process for the trunks that adopt one.
trunk_bases: Listing[ApiTrunkBase] = Listing(lambda api, _key: TrunkBaseApi(api).list())


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


class TrunkBaseProvider(AdoptingProvider[TrunkBaseInputs, ApiTrunkBase]):
    inputs_model = TrunkBaseInputs
    settings_model = TrunkBaseSettings
    replace_on = frozenset({"trunkMetabaseId"})
    delete_before_replace = True  # trunk base names are unique among live bases
    provider_only = frozenset({"adopt"})
    secret_inputs = frozenset({"credentialsPassword"})
    id_output = "trunkBaseId"
    listing = trunk_bases
    duplicate_errors = (NameTakenError,)

    # -- preview ----------------------------------------------------------------------------------

    def extra_failures(self, inputs: TrunkBaseInputs, olds: dict[str, Any]) -> list[CheckFailure]:
        """The template is the cloud's SIP profile: codecs, carrier, credentials and every key under
        `properties` are checked against it (one read per metabase per run); the sites must exist (one
        read per site per run, beside the template's, none for a site the trunk had already)."""
        api = client_access.client()
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
        new_sites = {
            prop: site_id
            for prop, site_id in (("inboundSiteId", inputs.inbound_site_id), ("siteId", inputs.site_id))
            if site_id is not None and olds.get(prop) != site_id
        }
        sites.read_ahead(api, new_sites.values())
        template = templates.find(api, inputs.trunk_metabase_id)
        if template is None:
            offered = ", ".join(templates.known(api)) or "none"
            failures.append(
                CheckFailure(
                    "trunkMetabaseId",
                    f"{trunk}: trunkMetabaseId {inputs.trunk_metabase_id!r} is not a trunk metabase of the org; "
                    f"it offers: {offered}",
                )
            )
        else:
            for key, message in check_properties(template, inputs.sent(inputs.credentials_password)):
                failures.append(_property_failure(trunk, key, message))
        for prop, site_id in new_sites.items():
            if sites.find(api, site_id) is None:
                failures.append(CheckFailure(prop, f"{trunk}: {prop} {missing_site(api, site_id)}"))
        return failures

    # -- taking an existing trunk base over ---------------------------------------------------------

    def is_wanted(self, entity: ApiTrunkBase, desired: TrunkBaseInputs) -> bool:
        return entity.is_named(desired.name)

    def take_over(
        self, api: GenesysClient, existing: ApiTrunkBase, desired: TrunkBaseInputs, *, version: int | None
    ) -> ApiTrunkBase:
        """Never skipped: the password is write-only, so whether the base has the desired one cannot be known,
        and it must be set."""
        return self._rewrite(api, existing.id, desired, version)

    def holder(
        self, api: GenesysClient, desired: TrunkBaseInputs, refused: GenesysApiError
    ) -> tuple[ApiTrunkBase, int | None] | None:
        """The base named as ours (read again before it is written: its list entry may lag)."""
        return (refused.existing, None) if isinstance(refused, NameTakenError) else None

    def refusal(self, desired: TrunkBaseInputs, existing: ApiTrunkBase, refused: GenesysApiError) -> GenesysApiError:
        return ConflictError(
            f"trunk {desired.name!r}: a trunk base named {desired.name!r} already exists "
            f"(id {existing.id}). To manage it with this stack, set `adopt: true` on the trunk and "
            "run `pulumi up` again; otherwise choose another name.",
            **refused.details(),
        )

    # -- the lifecycle ----------------------------------------------------------------------------

    def post(self, api: GenesysClient, desired: TrunkBaseInputs) -> ApiTrunkBase:
        bases = TrunkBaseApi(api)
        return bases.create(desired.spec(desired.credentials_password), bases.template(desired.trunk_metabase_id))

    def landed(self, api: GenesysClient, desired: TrunkBaseInputs) -> ApiTrunkBase | None:
        """Names are unique among live trunk bases: one with ours is the one our POST made (written again,
        in case it landed before a change of ours)."""
        found = TrunkBaseApi(api).find_by_name(desired.name)
        return self._rewrite(api, found.id, desired) if found is not None else None

    def _rewrite(
        self, api: GenesysClient, base_id: str, desired: TrunkBaseInputs, version: int | None = None
    ) -> ApiTrunkBase:
        """The settings written over the base: one PUT at ``version`` when it is known (else read first). A PUT
        replaces the whole base, so the password goes on every one that has it, from the state's secret: the
        API does not say whether it keeps a stored password a PUT leaves out, and losing it would break the
        trunk's authentication on any unrelated change. It is never read back, so it is never a diff."""
        bases = TrunkBaseApi(api)
        spec = desired.spec(desired.credentials_password)
        written = bases.update(base_id, spec, version, bases.template(desired.trunk_metabase_id))
        trunk_bases.remember(ALL, written)
        return written

    def api_get(self, api: GenesysClient, entity_id: str, props: dict[str, Any]) -> ApiTrunkBase:
        return TrunkBaseApi(api).get(entity_id)

    def api_update(
        self, api: GenesysClient, entity_id: str, olds: dict[str, Any], desired: TrunkBaseInputs
    ) -> ApiTrunkBase:
        return self._rewrite(api, entity_id, desired, known_version(olds))

    def api_delete(self, api: GenesysClient, entity_id: str, props: dict[str, Any]) -> bool:
        deleted = TrunkBaseApi(api).delete(entity_id)
        trunk_bases.forget(entity_id)
        return deleted

    def settings_from(self, entity: ApiTrunkBase, props: dict[str, Any]) -> dict[str, Any]:
        recorded = props.get("properties")
        return settings_from_base(entity, list(recorded) if isinstance(recorded, dict) else [])

    def provider_outputs(self) -> tuple[str, ...]:
        return ("adopted",)


def _property_failure(trunk: str, key: str, message: str) -> CheckFailure:
    """A template problem under the name the user wrote: `codecs[1]`, `carrier.transport` or
    `properties.<key>`."""
    path = setting_path(key)
    return CheckFailure(path.split(".")[0].split("[")[0], f"{trunk}: {path} {message}")


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
