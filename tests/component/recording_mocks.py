"""pulumi's mocks for the component tests: they record every resource the stack makes."""

from __future__ import annotations

from typing import Any, TypeVar

import pulumi


class RecordingMocks(pulumi.runtime.Mocks):
    """A subclass answers ``new_resource`` with the outputs its providers would add."""

    def __init__(self) -> None:
        self.resources: list[pulumi.runtime.MockResourceArgs] = []

    def call(self, args: pulumi.runtime.MockCallArgs) -> tuple[dict[str, Any], list[tuple[str, str]]]:
        return {}, []


M = TypeVar("M", bound=RecordingMocks)


def installed(mocks: M) -> M:
    """``mocks`` made the engine of the program under test (not a preview)."""
    pulumi.runtime.set_mocks(mocks, preview=False)
    return mocks
