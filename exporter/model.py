"""What a dialect hands the core: one config entry per trunk, with what cannot be written in plain text."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, Protocol, TypeVar

from .genesys import GenesysClient

T = TypeVar("T")


class Track(Protocol):
    """Wraps a listing so the core can show how far a long one has got."""

    def __call__(self, items: Iterable[T], what: str) -> Iterator[T]: ...


@dataclass(frozen=True)
class SecretSetting:
    """A secret of one trunk's config, by its path inside the trunk (`registration.password`).

    ``value`` None: the API never returns it, so the user sets it. A known value (the API returns it) is
    stored encrypted by the pulumi CLI, never written in plain text."""

    path: str
    what: str
    value: str | None = field(default=None, repr=False)


@dataclass
class ExportedTrunk:
    """One trunk of the org as a config entry, in the names `genesys-trunks:trunks` uses."""

    name: str
    entity_id: str
    settings: dict[str, Any]
    """The entry without its secrets, in the order it is written."""
    state: str | None = None
    comments: dict[str, str] = field(default_factory=dict)
    """Config path inside the entry (`edgeGroupId`) -> a YAML comment for it (the referenced entity's name)."""
    secrets: list[SecretSetting] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    """What the export left out of this entry, and why."""
    unfit: str | None = None
    """Why the stack's config cannot hold this trunk at all, when the dialect knows it: it is left out."""


class Dialect(Protocol):
    """One API dialect's half of the export."""

    name: str
    #: What the dialect calls a trunk, for messages ("edge").
    entity: str
    #: Optional blocks of an entry that are dropped (with a note) when only they break the config's rules.
    optional_blocks: tuple[str, ...]

    def read_trunks(self, api: GenesysClient, track: Track) -> list[ExportedTrunk]:
        """Every trunk of the org (deleted ones too, with their state), each as a config entry."""
        ...

    def config_problems(self, entry: dict[str, Any]) -> list[tuple[str, str]]:
        """(path inside the entry, message) for every rule of this dialect's trunk config that ``entry`` breaks."""
        ...
