"""What a dynamic provider's create, read or update returned, as a test reads it."""

from __future__ import annotations

from typing import Any

from pulumi.dynamic import CreateResult, ReadResult, UpdateResult


def outs_of(result: CreateResult | ReadResult | UpdateResult) -> dict[str, Any]:
    """The result's outputs: pulumi types them optional, while this program's providers always return them."""
    assert result.outs is not None, f"{type(result).__name__} without outputs"
    return result.outs


def inputs_of(result: ReadResult) -> dict[str, Any]:
    """The inputs a read returned: optional to pulumi, always returned by this program's providers."""
    assert result.inputs is not None, "ReadResult without inputs"
    return result.inputs
