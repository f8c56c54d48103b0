"""The edge: a seed-dialect Connect trunk, carrying its codecs and its carrier registration.

``settings`` (defined once), ``api`` (its calls and read model), ``catalogue`` (the SIP profile and edge group
it names, checked at preview), ``provider`` (the `Edge` resource), ``export`` and ``doctor`` (what the exporter
and the doctor need of it).
"""

from .api import Edge as ApiEdge
from .api import EdgeApi, EdgeSpec, Registration, RegistrationSpec
from .catalogue import EdgeGroup, SipProfile, edge_groups, sip_profiles
from .provider import Edge, EdgeInputs, EdgeProvider, edges
from .settings import (
    ALLOWED_CODECS,
    DEFAULT_CODECS,
    EdgeBase,
    EdgeSettings,
    HealthProbeSettings,
    RegistrationBase,
    RegistrationSettings,
)

__all__ = [
    "ALLOWED_CODECS",
    "DEFAULT_CODECS",
    "ApiEdge",
    "Edge",
    "EdgeApi",
    "EdgeBase",
    "EdgeGroup",
    "EdgeInputs",
    "EdgeProvider",
    "EdgeSettings",
    "EdgeSpec",
    "HealthProbeSettings",
    "Registration",
    "RegistrationBase",
    "RegistrationSettings",
    "RegistrationSpec",
    "SipProfile",
    "edge_groups",
    "edges",
    "sip_profiles",
]
