"""The org's existing entities of a kind, listed once per provider process (one `pulumi` operation) for the
resources that take existing entities over.

Taking an exported org over asks, per trunk, "which edge already registers as this?" (or "which trunk base
already has this name?") and, per webhook, "which webhook already has this name, target and filter?": one
listing shared by every resource answers them all, instead of one listing per resource. Writes of this
process are recorded in it, and a look-up that finds nothing reads the listing again (unless that read began
after the look-up did), so an entity made meanwhile, by this run or anyone else, is still found before
anything is created. Each entity's home makes its own listing.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Generic, Protocol, TypeVar

from genesys_api import GenesysClient


class _Identified(Protocol):
    @property
    def id(self) -> str: ...


T = TypeVar("T", bound=_Identified)
#: The key of a listing read whole (every entity of the kind at once).
ALL = "*"


@dataclass
class _Listed(Generic[T]):
    started: float
    """When the read began: it holds every entity that existed then, and this process's writes since."""
    entities: dict[str, T]


@dataclass
class _Written(Generic[T]):
    at: float
    key: str
    entity: T | None
    """As the write returned it; None once deleted."""


class Listing(Generic[T]):
    """Entities by listing key (an edge group id, or ``ALL``), shared by all threads."""

    def __init__(
        self,
        list_all: Callable[[GenesysClient, str], Iterable[T]],
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._list_all = list_all
        self._clock = clock
        self._lock = threading.Lock()
        self._key_locks: dict[str, threading.Lock] = {}
        self._listed: dict[str, _Listed[T]] = {}
        self._written: dict[str, _Written[T]] = {}
        _LISTINGS.append(self)

    def find(self, api: GenesysClient, key: str, match: Callable[[T], bool]) -> T | None:
        """The first listed entity ``match`` accepts, or None when none existed when this was asked. The key's
        lock is held across the read, so concurrent look-ups share it."""
        asked = self._clock()
        with self._key_lock(key):
            with self._lock:
                listed = self._listed.get(key)
                found = None if listed is None else _first(listed, match)
            if listed is not None and (found is not None or listed.started >= asked):
                return found
            started = self._clock()
            entities = {e.id: e for e in self._list_all(api, key)}
            with self._lock:
                # Writes of this process that the read may have missed (they ended after it began).
                for entity_id, written in self._written.items():
                    if written.at >= started:
                        entities.pop(entity_id, None)
                        if written.entity is not None and written.key == key:
                            entities[entity_id] = written.entity
                fresh = self._listed[key] = _Listed(started, entities)
                return _first(fresh, match)

    def entities(self, api: GenesysClient, key: str) -> list[T]:
        """Every entity under ``key``: as listed once in this process (with its writes since), read on first
        use."""
        with self._key_lock(key), self._lock:
            listed = self._listed.get(key)
            if listed is not None:
                return list(listed.entities.values())
        self.find(api, key, lambda _entity: False)
        with self._lock:
            return list(self._listed[key].entities.values())

    def remember(self, key: str, entity: T) -> None:
        """An entity this process has just written, as the API returned it."""
        self._record(entity.id, key, entity)

    def forget(self, entity_id: str) -> None:
        """An entity this process has just deleted."""
        self._record(entity_id, "", None)

    def written(self, entity_id: str) -> T | None:
        """The entity as this process last wrote it; None when it wrote none (or deleted it)."""
        with self._lock:
            write = self._written.get(entity_id)
            return write.entity if write is not None else None

    def reset(self) -> None:
        """Forget every listing and write (a new operation, or a test)."""
        with self._lock:
            self._listed.clear()
            self._written.clear()

    def _record(self, entity_id: str, key: str, entity: T | None) -> None:
        with self._lock:
            self._written[entity_id] = _Written(self._clock(), key, entity)
            for listed in self._listed.values():
                listed.entities.pop(entity_id, None)
            if entity is not None and key in self._listed:
                self._listed[key].entities[entity_id] = entity

    def _key_lock(self, key: str) -> threading.Lock:
        with self._lock:
            return self._key_locks.setdefault(key, threading.Lock())


def _first(listed: _Listed[T], match: Callable[[T], bool]) -> T | None:
    return next((e for e in listed.entities.values() if match(e)), None)


_LISTINGS: list[Listing] = []


def reset_listings() -> None:
    """Forget what every listing of this process holds (a test, as a fresh provider process)."""
    for listing in _LISTINGS:
        listing.reset()
