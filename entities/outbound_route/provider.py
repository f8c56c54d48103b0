"""The `OutboundRoute` dynamic resource (`pulumi-python:dynamic/genesys:OutboundRoute`): a site's route for the
calls it classifies, over the stack's trunk bases.

A route the site already has (its "Default Outbound Route", which the platform makes with every Cloud site, or
another one marked `adopt`) is taken over: looked up, then PUT, never POSTed, so it is never duplicated; what it
was before is recorded (`restoreTo`), and deleting the resource gives it back those settings instead of deleting
it, since a site without its default route stops placing outbound calls.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar

import pulumi
from pulumi.dynamic import CheckFailure
from pydantic import Field

from entities.site import classifications, missing_site, sites
from entities.trunk_base import TrunkBaseApi, trunk_bases
from genesys_api import ConflictError, Flag, GenesysApiError, GenesysClient, ValidationError
from lifecycle import client_access, engine_log
from lifecycle.adoption import AdoptingProvider
from lifecycle.entity_resource import EntityResource
from lifecycle.listings import Listing
from lifecycle.values import known_version

from .api import OutboundRoute as ApiRoute
from .api import OutboundRouteApi, settings_of_route
from .settings import OutboundRouteSettings

#: Each site's routes, listed once per process for the routes taken over and the classifications they share.
routes: Listing[ApiRoute] = Listing(lambda api, site_id: OutboundRouteApi(api).list(site_id))
T = TypeVar("T")
TAKEN_OVER = "takenOver"
RESTORE_TO = "restoreTo"


class OutboundRouteInputs(OutboundRouteSettings):
    """The OutboundRoute resource's inputs: the route's settings and how the provider should act."""

    adopt: Flag = False
    """Take over the site's route of this name (looked up before anything is posted) instead of failing; the
    stack's config sets it for the site's default route."""
    siblings: list[str] = Field(default_factory=list)
    """The names of the stack's other routes on this site: a route of the site outside these shares
    classifications with this one at the org's risk, which preview says."""


def named(method: Callable[..., T]) -> Callable[..., T]:
    """A refused write names the route and its site (the API's message alone names neither)."""

    @functools.wraps(method)
    def wrapper(self: OutboundRouteProvider, api: GenesysClient, *args: Any, **kwargs: Any) -> T:
        try:
            return method(self, api, *args, **kwargs)
        except GenesysApiError as exc:
            desired = next((a for a in args if isinstance(a, OutboundRouteSettings)), None)
            props = next((a for a in args if isinstance(a, dict)), {})
            name = desired.name if desired else props.get("name", "?")
            site = desired.site_id if desired else props.get("siteId", "?")
            exc.message = f"outbound route {name!r} of site {site}: {exc.message}"
            exc.args = (exc.message,)
            raise

    return wrapper


class OutboundRouteProvider(AdoptingProvider[OutboundRouteInputs, ApiRoute]):
    inputs_model = OutboundRouteInputs
    settings_model = OutboundRouteSettings
    replace_on = frozenset({"siteId"})
    provider_only = frozenset({"adopt", "siblings"})
    id_output = "routeId"
    adopted_output = TAKEN_OVER
    listing = routes
    duplicate_errors = (ValidationError, ConflictError)

    # -- preview ----------------------------------------------------------------------------------

    def extra_failures(self, inputs: OutboundRouteInputs, olds: dict[str, Any]) -> list[CheckFailure]:
        """The site exists and carries these classifications, the trunk bases are live EXTERNAL ones: each read
        once per run, and only for what changed (a no-op preview reads nothing)."""
        failures = self._site_failures(inputs, olds)
        if failures:
            return failures
        api = client_access.client()
        known = set(olds.get("trunkBaseIds") or [])
        for i, base_id in enumerate(inputs.trunk_base_ids):
            if base_id not in known:
                failures += _trunk_base_failures(api, f"outbound route {inputs.name!r}", i, base_id)
        return failures

    def known_failures(
        self, inputs: OutboundRouteInputs, olds: dict[str, Any], unknown: frozenset[str]
    ) -> list[CheckFailure]:
        """A first preview, while the stack's trunk bases are still to be made: the site and classifications
        (the trunks named are checked by the stack config already)."""
        if "siteId" in unknown or any(path.startswith("classificationTypes") for path in unknown):
            return []
        return self._site_failures(inputs, olds)

    def _site_failures(self, inputs: OutboundRouteInputs, olds: dict[str, Any]) -> list[CheckFailure]:
        api = client_access.client()
        route = f"outbound route {inputs.name!r}"
        if olds.get("siteId") != inputs.site_id and sites.find(api, inputs.site_id) is None:
            return [CheckFailure("siteId", f"{route}: siteId {missing_site(api, inputs.site_id)}")]
        failures = []
        changed = olds.get("siteId") != inputs.site_id or olds.get("classificationTypes") != inputs.classification_types
        if changed:
            offered = classifications.find(api, inputs.site_id) or []
            for i, kind in enumerate(inputs.classification_types):
                if kind not in offered:
                    failures.append(
                        CheckFailure(
                            "classificationTypes",
                            f"{route}: classificationTypes[{i}] {kind!r} is not a classification of site "
                            f"{inputs.site_id}'s number plans; it has: {', '.join(offered) or 'none'}",
                        )
                    )
            if not failures:
                self._warn_shared(api, inputs)
        return failures

    def _warn_shared(self, api: GenesysClient, inputs: OutboundRouteInputs) -> None:
        """Two routes of a site that carry one classification: whether the org refuses it is not known, and
        which one a call takes then is the org's; said, not refused."""
        ours = {inputs.name.casefold(), *(n.casefold() for n in inputs.siblings)}
        for other in routes.entities(api, inputs.site_id):  # one read per site per run
            if (other.name or "").casefold() in ours:
                continue
            shared = [kind for kind in inputs.classification_types if kind in other.classification_types]
            if shared:
                engine_log.warn(
                    f"outbound route {inputs.name!r} of site {inputs.site_id} shares {', '.join(shared)} with "
                    f"route {other.name!r} ({other.id}), which this stack does not manage: take that route over "
                    "(adopt), or leave those classifications to one of them"
                )

    # -- taking a route over ----------------------------------------------------------------------

    def listing_key(self, desired: OutboundRouteInputs) -> str:
        return desired.site_id

    def is_wanted(self, entity: ApiRoute, desired: OutboundRouteInputs) -> bool:
        return entity.is_named(desired.name)

    def take_over(
        self, api: GenesysClient, existing: ApiRoute, desired: OutboundRouteInputs, *, version: int | None
    ) -> ApiRoute:
        return OutboundRouteApi(api).update(desired.site_id, existing.id, desired, version)

    def takeover_outputs(self, existing: ApiRoute, desired: OutboundRouteInputs) -> dict[str, Any]:
        """What the route was: what it gets back when the stack lets it go, but for the stack's own trunk bases,
        which the stack takes with it (it deletes them on destroy; a route naming them would keep them)."""
        before = settings_of_route(existing, "")
        before.pop("siteId")
        before["trunkBaseIds"] = [b for b in before["trunkBaseIds"] if b not in desired.trunk_base_ids]
        return {RESTORE_TO: before}

    def holder(
        self, api: GenesysClient, desired: OutboundRouteInputs, refused: GenesysApiError
    ) -> tuple[ApiRoute, int | None] | None:
        """A refused create whose name the site already has (the API's text for it is not relied on)."""
        found = OutboundRouteApi(api).find_by_name(desired.site_id, desired.name)
        return (found, found.version) if found is not None else None

    def left_behind(self, existing: ApiRoute, desired: OutboundRouteInputs) -> bool:
        """A route of the name over exactly this stack's trunk bases, when the stack makes the route (no
        takeover): an `up` killed after its POST made it (the state lost it); no one else holds those ids."""
        return (
            not desired.adopt
            and bool(desired.trunk_base_ids)
            and existing.trunk_base_ids == desired.trunk_base_ids
            and existing.classification_types == desired.classification_types
        )

    def refusal(self, desired: OutboundRouteInputs, existing: ApiRoute, refused: GenesysApiError) -> GenesysApiError:
        return ConflictError(
            f"outbound route {desired.name!r} of site {desired.site_id}: the site already has a route of this name "
            f"(id {existing.id}). To manage it with this stack, set `adopt: true` on the route and run `pulumi up` "
            "again (it is given back its settings when the stack lets it go); otherwise choose another name.",
            **refused.details(),
        )

    # -- the lifecycle ----------------------------------------------------------------------------

    @named
    def post(self, api: GenesysClient, desired: OutboundRouteInputs) -> ApiRoute:
        return OutboundRouteApi(api).create(desired.site_id, desired)

    def landed(self, api: GenesysClient, desired: OutboundRouteInputs) -> ApiRoute | None:
        """Names are unique per site: a route with ours is the one our POST made (written again, in case it
        landed before a change of ours)."""
        found = OutboundRouteApi(api).find_by_name(desired.site_id, desired.name)
        return OutboundRouteApi(api).update(desired.site_id, found.id, desired, None) if found else None

    def api_get(self, api: GenesysClient, entity_id: str, props: dict[str, Any]) -> ApiRoute:
        return OutboundRouteApi(api).get(str(props.get("siteId")), entity_id)

    @named
    def api_update(
        self, api: GenesysClient, entity_id: str, olds: dict[str, Any], desired: OutboundRouteInputs
    ) -> ApiRoute:
        updated = OutboundRouteApi(api).update(desired.site_id, entity_id, desired, known_version(olds))
        routes.remember(desired.site_id, updated)
        return updated

    @named
    def api_delete(self, api: GenesysClient, entity_id: str, props: dict[str, Any]) -> bool:
        """A route the stack took over gets back what it was (never deleted); one it made is deleted."""
        site_id = str(props.get("siteId"))
        if props.get(TAKEN_OVER):
            before = OutboundRouteSettings.model_validate({**(props.get(RESTORE_TO) or {}), "siteId": site_id})
            OutboundRouteApi(api).update(site_id, entity_id, before, known_version(props))
            routes.forget(entity_id)
            return True
        deleted = OutboundRouteApi(api).delete(site_id, entity_id)
        routes.forget(entity_id)
        return deleted

    def settings_from(self, entity: ApiRoute, props: dict[str, Any]) -> dict[str, Any]:
        return settings_of_route(entity, str(props.get("siteId")))

    def provider_outputs(self) -> tuple[str, ...]:
        return (TAKEN_OVER, RESTORE_TO)


def _trunk_base_failures(api: GenesysClient, route: str, i: int, base_id: str) -> list[CheckFailure]:
    """A base this process has just written is the stack's own (no read); another is read once per run."""
    base = trunk_bases.written(base_id) or api.memo(("trunk base", base_id), lambda: TrunkBaseApi(api).find(base_id))
    if base is None:
        reason = f"{route}: trunkBaseIds[{i}] {base_id!r} is not a trunk base of the org"
    elif base.trunk_type not in (None, "EXTERNAL"):
        reason = (
            f"{route}: trunkBaseIds[{i}] {base.name!r} is a {base.trunk_type} trunk base; routes take EXTERNAL ones"
        )
    else:
        return []
    return [CheckFailure("trunkBaseIds", reason)]


class OutboundRoute(EntityResource, module="genesys", name="OutboundRoute"):
    """A site's outbound route over the stack's trunk bases (taken over when the site has it already).

    ``inputs``: the properties of ``OutboundRouteInputs`` by the names users write (any may be an Output)."""

    provider_class = OutboundRouteProvider
    own_outputs = (TAKEN_OVER, RESTORE_TO)

    routeId: pulumi.Output[str]
    siteId: pulumi.Output[str]
    classificationTypes: pulumi.Output[list[str]]
    trunkBaseIds: pulumi.Output[list[str]]
    takenOver: pulumi.Output[bool]
    restoreTo: pulumi.Output[dict]

    @property
    def summary(self) -> pulumi.Output[dict[str, Any]]:
        """The route's entry in the stack's `outboundRoutes` output."""
        return pulumi.Output.all(
            routeId=self.routeId,
            siteId=self.siteId,
            classificationTypes=self.classificationTypes,
            trunkBaseIds=self.trunkBaseIds,
            takenOver=self.takenOver,
        ).apply(lambda values: {**values, "takenOver": bool(values["takenOver"])})
