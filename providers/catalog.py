"""The org's read-only catalogue (SIP profiles, edge groups), read once per id per provider process.

Checks of many trunks that name the same profile or group share one read; a name that does not exist
costs one more read, to list what does exist in the error.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from typing import Generic, Protocol, TypeVar

from genesys_api import EdgeGroup, GenesysClient, NotFoundError, SipProfile

from . import client_access


class _Named(Protocol):
    id: str
    name: str


T = TypeVar("T", bound=_Named)
#: How many existing entries an error about a missing one lists.
LISTED = 10


class Catalog(Generic[T]):
    """Entries by id, cached for the process (one `pulumi` operation)."""

    def __init__(
        self,
        kind: str,
        get: Callable[[GenesysClient, str], T],
        list_all: Callable[[GenesysClient], Iterable[T]],
    ) -> None:
        self.kind = kind
        self._get = get
        self._list_all = list_all
        self._lock = threading.Lock()
        self._entries: dict[str, T | None] = {}
        self._all: list[str] | None = None

    def find(self, entry_id: str) -> T | None:
        """The entry, or None when it does not exist. The lock is held across the read so concurrent
        checks of one id do not all fetch it."""
        with self._lock:
            if entry_id not in self._entries:
                try:
                    self._entries[entry_id] = self._get(client_access.client(), entry_id)
                except NotFoundError:
                    self._entries[entry_id] = None
            return self._entries[entry_id]

    def missing(self, entry_id: str) -> str:
        """Why ``entry_id`` was refused, naming what the org has instead (the first few, in a large org)."""
        with self._lock:
            if self._all is None:
                self._all = [f"{e.name!r} ({e.id})" for e in self._list_all(client_access.client())]
            known = self._all
        listed = ", ".join(known[:LISTED]) or "none"
        more = f" and {len(known) - LISTED} more" if len(known) > LISTED else ""
        return f"{self.kind} {entry_id!r} does not exist; the org has: {listed}{more}"

    def reset(self) -> None:
        """Forget every entry (a new operation, or a test)."""
        with self._lock:
            self._entries.clear()
            self._all = None


sip_profiles: Catalog[SipProfile] = Catalog(
    "SIP profile", GenesysClient.get_sip_profile, GenesysClient.list_sip_profiles
)
edge_groups: Catalog[EdgeGroup] = Catalog("edge group", GenesysClient.get_edge_group, GenesysClient.list_edge_groups)


def reset_caches() -> None:
    for catalog in (sip_profiles, edge_groups):
        catalog.reset()
