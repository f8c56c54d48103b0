"""`genesys-trunks:outboundRoutes` in a cloud-dialect stack: the routes that carry the site's calls out on the
stack's trunks.

An entry is the route's settings (``OutboundRouteBase``) with its site and its trunks: the names of this stack's
trunks in the order calls try them, or `{stack, output}` for a trunk base id another stack exports. The
stack-wide rules fail preview (a trunk the stack does not have, a name twice on a site); two routes of a site
sharing a classification is a warning, not a failure (whether an org refuses it is not known). The site's
"Default Outbound Route" (or a route marked `adopt: true`) is taken over, never made twice.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Literal, Protocol, cast

import pulumi
from pydantic import Field, field_validator, model_validator

from genesys_api import EntityId, Flag, TrunkName
from lifecycle.config import Section, StackContext, StackOutputRef, require_sources

from .provider import OutboundRoute
from .settings import OutboundRouteBase, is_default_route

KEY = "outboundRoutes"
TRUNKS = "trunks"


class TrunkBaseHolder(Protocol):
    """What the stack's `trunks` section builds in the cloud dialect: a trunk over a trunk base."""

    @property
    def trunk_base_id(self) -> pulumi.Output[str]: ...


class OutboundRouteConfig(OutboundRouteBase):
    """One route, as written under `genesys-trunks:outboundRoutes` in Pulumi.<stack>.yaml."""

    site_id: EntityId | None = None
    trunks: list[TrunkName | StackOutputRef] = Field(default_factory=list)
    """This stack's trunks by name, or `{stack, output}` for a trunk base id another stack exports, in the
    order calls try them."""
    adopt: Flag | None = None
    """Take over the site's route of this name: always so for the "Default Outbound Route"."""
    from_stacks: dict[Literal["siteId"], StackOutputRef] = Field(default_factory=dict)

    @field_validator("trunks")
    @classmethod
    def _once_each(cls, trunks: list[TrunkName | StackOutputRef]) -> list[TrunkName | StackOutputRef]:
        names = [t.casefold() for t in trunks if isinstance(t, str)]
        repeated = sorted({n for i, n in enumerate(names) if n in names[:i]})
        if repeated:
            raise ValueError(f"a trunk is named once per route; repeated: {', '.join(repeated)}")
        return trunks

    @model_validator(mode="after")
    def _checked(self) -> OutboundRouteConfig:
        require_sources(self, ("siteId",), self.from_stacks)
        if self.adopt is False and is_default_route(self.name):
            raise ValueError(
                "adopt: false cannot hold for the site's default route: the platform makes one with every Cloud "
                "site, and a second is refused; leave adopt out (the route is taken over)"
            )
        return self

    @property
    def takes_over(self) -> bool:
        return bool(self.adopt) or is_default_route(self.name)

    @property
    def site(self) -> str:
        """The site as the config names it (its id, or the stack output it comes from)."""
        if self.site_id is not None:
            return self.site_id
        ref = self.from_stacks["siteId"]
        return f"{ref.stack}:{ref.output}"


def _stack_trunks(stack: Mapping[str, Sequence[Any]]) -> dict[str, str]:
    return {t.name.casefold(): t.name for t in stack.get(TRUNKS) or ()}


def trunks_of_the_stack(routes: Sequence[OutboundRouteConfig], stack: Mapping[str, Sequence[Any]]) -> list[str]:
    """Every trunk a route names by name is a trunk of this stack."""
    known = _stack_trunks(stack)
    shown = ", ".join(known.values()) or "none"
    return [
        f"{KEY}[{i}].trunks[{j}]: {trunk!r} is not a trunk of this stack (its trunks: {shown}); a trunk base of "
        "another stack is written {stack: <organization>/<project>/<stack>, output: <its trunk base id>}"
        for i, route in enumerate(routes)
        for j, trunk in enumerate(route.trunks)
        if isinstance(trunk, str) and trunk.casefold() not in known
    ]


def names_unique_per_site(routes: Sequence[OutboundRouteConfig], _stack: Mapping[str, Sequence[Any]]) -> list[str]:
    """A site holds a route name once (any case): a second would be refused halfway through an `up`."""
    seen: dict[tuple[str, str], int] = {}
    problems = []
    for i, route in enumerate(routes):
        key = (route.site, route.name.casefold())
        if key in seen:
            problems.append(
                f"{KEY}[{i}].name: {route.name!r} is already the name of {KEY}[{seen[key]}] on site {route.site}; "
                "a site holds a route name once"
            )
        seen.setdefault(key, i)
    return problems


def shared_classifications(routes: Sequence[OutboundRouteConfig], _stack: Mapping[str, Sequence[Any]]) -> list[str]:
    """Two routes of a site carrying one classification: which of them a call takes is the org's to decide."""
    notices = []
    for i, route in enumerate(routes):
        for j in range(i):
            other = routes[j]
            shared = [c for c in route.classification_types if c in other.classification_types]
            if other.site == route.site and shared:
                notices.append(
                    f"{KEY}[{i}] {route.name!r} and {KEY}[{j}] {other.name!r} of site {route.site} both carry "
                    f"{', '.join(shared)}: whether the org accepts that is not known, and which route a call then "
                    "takes is the org's; leave each classification to one route"
                )
    return notices


def output_key(route: OutboundRouteConfig, routes: Sequence[OutboundRouteConfig]) -> str:
    """A route's key in the stack's `outboundRoutes` output: its name, with its site when another site of the
    stack has a route of that name too."""
    twins = [r for r in routes if r.name.casefold() == route.name.casefold()]
    return route.name if len(twins) == 1 else f"{route.name} ({route.site})"


def route_inputs(
    route: OutboundRouteConfig,
    site: pulumi.Input[str],
    trunk_base_ids: Sequence[pulumi.Input[str]],
    siblings: list[str],
) -> dict[str, pulumi.Input[Any]]:
    """The OutboundRoute resource's inputs: the route's own settings, its site and its trunks' bases in order."""
    return {
        **route.model_dump(by_alias=True, include=set(OutboundRouteBase.model_fields)),
        "siteId": site,
        "trunkBaseIds": list(trunk_base_ids),
        "adopt": route.takes_over,
        "siblings": siblings,
    }


def outbound_route(route: OutboundRouteConfig, context: StackContext) -> OutboundRoute:
    """The route's resource, over the trunk bases of the trunks it names."""
    routes: Sequence[OutboundRouteConfig] = context.entries[KEY]
    built = context.built.get(TRUNKS, {})
    by_name = {name.casefold(): stack for name, stack in built.items()}
    trunk_base_ids: list[pulumi.Input[str]] = []
    for trunk in route.trunks:
        if isinstance(trunk, str):
            trunk_base_ids.append(cast(TrunkBaseHolder, by_name[trunk.casefold()]).trunk_base_id)
        else:
            trunk_base_ids.append(context.stack_output(trunk))
    site: pulumi.Input[str] = route.site_id or context.stack_outputs(route.from_stacks)["siteId"]
    siblings = [r.name for r in routes if r is not route and r.site == route.site]
    inputs = route_inputs(route, site, trunk_base_ids, siblings)
    if route.takes_over:
        pulumi.log.info(
            f"outbound route {route.name!r} of site {route.site}: takes over the site's existing route of this "
            "name instead of creating one; when it leaves the stack (or on destroy) it gets back the settings it "
            "had, and is never deleted"
        )
    return OutboundRoute(f"outbound-route-{output_key(route, routes)}", inputs)


OUTBOUND_ROUTES = Section(
    KEY,
    OutboundRouteConfig,
    outbound_route,
    rules=(trunks_of_the_stack, names_unique_per_site),
    notices=(shared_classifications,),
    noun="outbound route",
    output_key=output_key,
)
#: The seed dialect has no routes.
NO_OUTBOUND_ROUTES = Section(
    KEY,
    OutboundRouteConfig,
    outbound_route,
    refused=(
        "the seed dialect has no outbound routes (its edges carry calls both ways); outbound routes are the "
        "cloud dialect's (genesys:dialect: cloud), where a BYOC trunk base sends calls out through them"
    ),
    noun="outbound route",
)
