"""An outbound route's settings (a site's route for the calls it classifies), defined once.

The stack config extends ``OutboundRouteBase`` (naming trunks by their stack names), the ``OutboundRoute``
resource takes ``OutboundRouteSettings`` (the trunk base ids in the order calls try them), the wire body is
their camelCase dump (``api.route_body``), refresh reads them back with ``settings_of_route`` and the
exporter's entry comes from that.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import AfterValidator, Field

from genesys_api import Description, EntityId, Flag, Settings, Text, TrunkName, unique_items

#: The route the platform makes with every Cloud site: a stack takes it over, never makes a second one.
DEFAULT_ROUTE = "Default Outbound Route"
Distribution = Literal["SEQUENTIAL", "RANDOM"]
Classification = Annotated[Text, Field(min_length=1, max_length=100)]
Classifications = Annotated[
    list[Classification], Field(min_length=1), AfterValidator(unique_items("classificationTypes"))
]


def is_default_route(name: str) -> bool:
    """Whether ``name`` is the default route's (names compare as Genesys compares them: any case)."""
    return name.casefold() == DEFAULT_ROUTE.casefold()


class OutboundRouteBase(Settings):
    """The route settings every stack states itself."""

    name: TrunkName
    classification_types: Classifications
    """The site's number-plan classifications whose calls take this route (`National`, `International`...)."""
    distribution: Distribution = "SEQUENTIAL"
    """SEQUENTIAL: calls try the trunks in order; RANDOM: spread over them."""
    enabled: Flag = True
    description: Description | None = None


class OutboundRouteSettings(OutboundRouteBase):
    """What a site's outbound route should look like. ``siteId`` is declared here (not in the base) as a
    stack may take it from another stack's outputs."""

    site_id: EntityId
    trunk_base_ids: Annotated[list[EntityId], AfterValidator(unique_items("trunkBaseIds"))] = Field(
        default_factory=list
    )
    """The trunk bases calls leave on, in the order they try them."""
