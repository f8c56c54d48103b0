"""The program's resources as the engine hands them to the pack: type tokens, and their properties read as
plain Python values in which a value not known yet (during a preview) is an `Unknown`.

The properties are each resource's inputs by the names users write (`entities/edge/provider.py`,
`entities/trunk_base/provider.py`, `entities/webhook/provider.py`; an outbound route's as `OUTBOUND_ROUTE`
says). A stack rule sees a resource's outputs, which hold the same keys. Secret inputs are never read here.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

EDGE = "pulumi-python:dynamic/genesys:Edge"
WEBHOOK = "pulumi-python:dynamic/genesys:Webhook"
TRUNK_BASE = "pulumi-python:dynamic/genesys:TrunkBase"
#: Inputs: name, siteId, classificationTypes (list of str), trunkBaseIds, distribution, enabled (bool),
#: description, adopt (bool: the route takes over an existing route of the site).
OUTBOUND_ROUTE = "pulumi-python:dynamic/genesys:OutboundRoute"
#: What a cloud trunk's `carrier.transport` is when the stack leaves it out (`CarrierSettings` in
#: entities/trunk_base/settings.py): the inputs of a preview whose values are not all known yet
#: arrive without their defaults.
DEFAULT_TRANSPORT = "udp"


@dataclass(frozen=True)
class Unknown:
    """A value the engine does not know yet (it comes from another resource or stack); ``path`` is where."""

    path: tuple[str | int, ...]

    @property
    def dotted(self) -> str:
        return ".".join(str(p) for p in self.path)


@dataclass(frozen=True)
class Resource:
    """One resource of the stack, as a stack rule sees it."""

    type: str
    urn: str
    props: Mapping[str, Any]


def at(props: Mapping[str, Any] | Unknown, *path: str) -> Any:
    """The value at ``path`` (None where a key is absent); an `Unknown` met on the way is the answer."""
    value: Any = props
    for key in path:
        if isinstance(value, Unknown):
            return value
        if not isinstance(value, Mapping):
            return None
        value = value.get(key)
    return value


def known(value: Any) -> bool:
    """False for an `Unknown` and for a list or map holding one."""
    if isinstance(value, Unknown):
        return False
    if isinstance(value, Mapping):
        return all(known(v) for v in value.values())
    if isinstance(value, list | tuple):
        return all(known(v) for v in value)
    return True


def first_unknown(*values: Any) -> Unknown | None:
    """The first `Unknown` in ``values`` (searched inside lists and maps too), else None."""
    for value in values:
        if isinstance(value, Unknown):
            return value
        inner = value.values() if isinstance(value, Mapping) else value if isinstance(value, list | tuple) else ()
        found = first_unknown(*inner)
        if found is not None:
            return found
    return None
