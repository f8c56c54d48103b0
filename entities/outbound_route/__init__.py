"""The outbound route: a site's route for the calls it classifies, over the stack's trunk bases (cloud dialect).

``settings`` (defined once), ``api`` (its calls and read model), ``provider`` (the `OutboundRoute` resource, which
takes the site's default route over instead of duplicating it), ``section`` (`genesys-trunks:outboundRoutes`),
``export`` and ``doctor``.
"""

from .api import OutboundRoute as ApiRoute
from .api import OutboundRouteApi, route_body, settings_of_route
from .provider import OutboundRoute, OutboundRouteInputs, OutboundRouteProvider, routes
from .section import NO_OUTBOUND_ROUTES, OUTBOUND_ROUTES, OutboundRouteConfig
from .settings import DEFAULT_ROUTE, OutboundRouteBase, OutboundRouteSettings, is_default_route

__all__ = [
    "DEFAULT_ROUTE",
    "NO_OUTBOUND_ROUTES",
    "OUTBOUND_ROUTES",
    "ApiRoute",
    "OutboundRoute",
    "OutboundRouteApi",
    "OutboundRouteBase",
    "OutboundRouteConfig",
    "OutboundRouteInputs",
    "OutboundRouteProvider",
    "OutboundRouteSettings",
    "is_default_route",
    "route_body",
    "routes",
    "settings_of_route",
]
