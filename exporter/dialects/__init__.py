"""One module per API dialect: how to list the org's trunks and turn each into a config entry."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..model import Dialect
from .seed import SeedDialect

DIALECTS: dict[str, Callable[[], Dialect]] = {"seed": SeedDialect}


class UnknownDialectError(ValueError):
    """The stack's dialect has no exporter."""


def dialect_for(get_config: Callable[[str], Any]) -> Dialect:
    """`genesys:dialect` when set; else `cloud` for a stack that names only a region, `seed` otherwise."""
    chosen = get_config("genesys:dialect")
    if not chosen:
        chosen = "cloud" if get_config("genesys:region") and not get_config("genesys:apiUrl") else "seed"
    factory = DIALECTS.get(str(chosen))
    if factory is None:
        raise UnknownDialectError(
            f"genesys:dialect {chosen!r}: the exporter speaks {', '.join(sorted(DIALECTS))}; "
            "set genesys:dialect (or genesys:apiUrl) to one of them"
        )
    return factory()
