"""The pieces of a trunk in each API dialect: how its config is read and which component builds it.

The dialect is the one the API client would speak (``genesys:dialect``, else ``cloud`` for a region and
``seed`` for an explicit apiUrl), resolved by the client's own settings code. Another dialect is one entry
here, with its config and component modules beside the others.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

import pulumi

from genesys_api.fields import Settings
from genesys_api.settings import DialectName

from .cloud_trunk_config import CloudTrunkConfig
from .cloud_trunk_stack import CloudTrunkStack
from .trunk_config import TrunkConfig
from .trunk_stack import TrunkStack


class TrunkComponent(Protocol):
    @property
    def summary(self) -> pulumi.Output[dict[str, Any]]: ...


@dataclass(frozen=True)
class TrunkPieces:
    config: type[Settings]
    """The trunk's config schema (``name``, ``fromStacks`` and ``registrationTimeoutSeconds`` in every one)."""
    stack: Callable[..., TrunkComponent]
    """``stack(name, trunk, stack_outputs=...)``: the component whose ``summary`` is the trunk's output."""


PIECES: dict[DialectName, TrunkPieces] = {
    "seed": TrunkPieces(TrunkConfig, TrunkStack),
    "cloud": TrunkPieces(CloudTrunkConfig, CloudTrunkStack),
}
