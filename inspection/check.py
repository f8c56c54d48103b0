"""What an entity's checks work from, and what they give the doctor."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from genesys_api import GenesysClient

from .findings import Finding
from .permissions import Need
from .reads import Reads


@dataclass
class Run:
    """The stack's config, its sections' entries as the program reads them (None for a section the config
    got wrong: its findings say so), and a client whose reads are each made once."""

    config: Mapping[str, Any]
    entries: Mapping[str, Sequence[Any] | None]
    client: GenesysClient
    reads: Reads
    client_id: str


class EntityCheck(Protocol):
    """What one entity gives the doctor: its reads' findings, every call the program makes for it with the
    grant each needs, and what the org offers for its settings."""

    queries: frozenset[str]
    """Paths of the read-only POSTs (queries) its checks send; every other POST is refused."""

    def check(self, run: Run) -> list[Finding]:
        """Catalogue and unknowns findings, reading only through ``run.reads``."""
        ...

    def needs(self, run: Run) -> list[Need]:
        """Every call the program makes for this entity, by the operations that make it."""
        ...

    def catalogue(self, run: Run) -> dict[str, Any]:
        """What the org offers for this entity's settings, as JSON, for a user looking for a value."""
        ...
