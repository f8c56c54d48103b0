"""`genesys-trunks:outboundRoutes` as `pulumi preview` reads it: every problem named by its path, before any
resource is declared."""

from __future__ import annotations

from typing import Any

import pytest

from components import CLOUD_TRUNKS, TRUNKS
from devtools.trunks_project import SITE_INBOUND, cloud_trunk
from entities.outbound_route import NO_OUTBOUND_ROUTES, OUTBOUND_ROUTES
from entities.outbound_route.section import output_key, shared_classifications
from lifecycle.config import ConfigError, parse_sections


def read(routes: Any, trunks: tuple[str, ...] = ("a", "b")) -> list[Any]:
    raw = {
        CLOUD_TRUNKS.config_key: [cloud_trunk(name) for name in trunks],
        OUTBOUND_ROUTES.config_key: routes,
    }
    return list(parse_sections([CLOUD_TRUNKS, OUTBOUND_ROUTES], raw.get)[OUTBOUND_ROUTES.key])


def route(name: str = "Carrier out", **over: Any) -> dict[str, Any]:
    return {"name": name, "siteId": SITE_INBOUND, "classificationTypes": ["National"], "trunks": ["a"], **over}


def test_the_default_route_is_taken_over_and_another_only_with_adopt() -> None:
    default, made, adopted = read([route("default outbound route"), route(), route("Theirs", adopt=True)])
    assert default.takes_over and not made.takes_over and adopted.takes_over


@pytest.mark.parametrize(
    ("routes", "said"),
    [
        ([route(trunks=["a", "nope"])], "outboundRoutes[0].trunks[1]: 'nope' is not a trunk of this stack"),
        ([route(trunks=["a", "A"])], "outboundRoutes[0].trunks: a trunk is named once per route; repeated: a"),
        (
            [route(), route("CARRIER OUT")],
            "outboundRoutes[1].name: 'CARRIER OUT' is already the name of outboundRoutes[0]",
        ),
        ([route(classificationTypes=[])], "outboundRoutes[0].classificationTypes"),
        ([route(distribution="ROUND_ROBIN")], "outboundRoutes[0].distribution"),
        ([route(siteId=None)], "outboundRoutes[0]"),
        ([route("Default Outbound Route", adopt=False)], "adopt: false cannot hold for the site's default route"),
        ({"name": "x"}, "outboundRoutes"),
    ],
)
def test_bad_routes_are_named_by_their_path(routes: Any, said: str) -> None:
    with pytest.raises(ConfigError) as refused:
        read(routes)
    assert said in str(refused.value), str(refused.value)


def test_two_routes_of_a_site_sharing_a_classification_are_a_notice_not_an_error() -> None:
    routes = read([route(), route("Second", classificationTypes=["National", "Emergency"])])
    stack = {CLOUD_TRUNKS.key: [], OUTBOUND_ROUTES.key: routes}
    (notice,) = shared_classifications(routes, stack)
    assert "outboundRoutes[1] 'Second' and outboundRoutes[0] 'Carrier out'" in notice and "National" in notice


def test_a_name_on_two_sites_is_keyed_by_its_site_in_the_outputs() -> None:
    routes = read([route(), route(siteId="5d1a7e0c-2b3f-4c5d-8e9f-0a1b2c3d4e02")])
    assert [output_key(r, routes) for r in routes] == [
        f"Carrier out ({SITE_INBOUND})",
        "Carrier out (5d1a7e0c-2b3f-4c5d-8e9f-0a1b2c3d4e02)",
    ]


def test_the_seed_dialect_refuses_routes() -> None:
    raw = {TRUNKS.config_key: [], NO_OUTBOUND_ROUTES.config_key: [route()]}
    with pytest.raises(ConfigError, match="the seed dialect has no outbound routes"):
        parse_sections([TRUNKS, NO_OUTBOUND_ROUTES], raw.get)
