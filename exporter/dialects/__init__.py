"""One module per API dialect: how to list the org's trunks and turn each into a config entry."""

from __future__ import annotations

from collections.abc import Callable

from ..model import Dialect
from .cloud import CloudDialect
from .seed import SeedDialect

DIALECTS: dict[str, Callable[[], Dialect]] = {"seed": SeedDialect, "cloud": CloudDialect}


class UnknownDialectError(ValueError):
    """The stack's dialect has no exporter."""


def dialect_for(name: str) -> Dialect:
    """The exporter of the dialect the client settings resolved (``ClientSettings.dialect``)."""
    factory = DIALECTS.get(name)
    if factory is None:
        raise UnknownDialectError(
            f"genesys:dialect {name!r}: the exporter speaks {', '.join(sorted(DIALECTS))}; "
            "set genesys:dialect to one of them"
        )
    return factory()
