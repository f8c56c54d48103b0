"""What a dialect module gives the core, and what the core gives it."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from genesys_api import GenesysClient

from .findings import Finding
from .reads import Reads


@dataclass
class Run:
    """What a dialect's checks work from: the stack's config, and a client whose reads are each made once."""

    config: Mapping[str, Any]
    client: GenesysClient
    reads: Reads
    client_id: str


class DialectDoctor(Protocol):
    name: str
    queries: frozenset[str]
    """Paths of the read-only POSTs (queries) its checks send; every other POST is refused."""

    def check(self, run: Run) -> list[Finding]:
        """Config, permission, catalogue and unknowns findings, reading only through ``run.reads``."""
        ...

    def catalogue(self, run: Run) -> dict[str, Any]:
        """What the org offers for the stack's settings, as JSON, for a user looking for the value they need."""
        ...
