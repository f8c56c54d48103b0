"""The org's read-only catalogue (SIP profiles, edge groups, sites, templates...), read once per client.

Checks of many resources that name the same entry share one read; a name that does not exist costs one more
read, to list what does exist in the error. The reads are the client's ``memo``: one provider process (one
`pulumi` operation) reads an entry once, and a fresh client reads afresh. Each entity's home declares the
catalogues it checks against.
"""

from __future__ import annotations

import contextlib
import functools
import threading
from collections.abc import Callable, Iterable
from typing import Generic, Protocol, TypeVar

from genesys_api import GenesysClient, NotFoundError


class _Listed(Protocol):
    @property
    def id(self) -> str: ...


T = TypeVar("T")
E = TypeVar("E", bound=_Listed)
#: How many existing entries an error about a missing one lists.
LISTED = 10


def _named(entry: _Listed) -> str:
    name = getattr(entry, "name", None)
    return f"{name!r} ({entry.id})" if name else entry.id


class Catalog(Generic[T]):
    """Entries of one kind by id, each read once per client."""

    def __init__(
        self,
        kind: str,
        get: Callable[[GenesysClient, str], T],
        list_all: Callable[[GenesysClient], Iterable[_Listed]],
        shown: Callable[[_Listed], str] = _named,
    ) -> None:
        self.kind = kind
        self._get = get
        self._list_all = list_all
        self._shown = shown

    def find(self, api: GenesysClient, entry_id: str) -> T | None:
        """The entry, or None when it does not exist (concurrent checks of one id share the read)."""
        return api.memo((self.kind, entry_id), lambda: self._found(api, entry_id))

    def read_ahead(self, api: GenesysClient, entry_ids: Iterable[str]) -> None:
        """Starts reading the entries in the background: a check that needs entries of several catalogues waits
        for the slowest read, not for their sum. ``find`` then shares the read (a failed one is read again there,
        where its error is reported)."""
        for entry_id in entry_ids:  # one read-ahead per entry and client, however many checks name it
            api.memo(("read ahead", self.kind, entry_id), functools.partial(self._start_reading, api, entry_id))

    def _start_reading(self, api: GenesysClient, entry_id: str) -> bool:
        threading.Thread(target=self._quietly_find, args=(api, entry_id), daemon=True).start()
        return True

    def _quietly_find(self, api: GenesysClient, entry_id: str) -> None:
        with contextlib.suppress(Exception):  # the check's own find reads again and reports the error
            self.find(api, entry_id)

    def get(self, api: GenesysClient, entry_id: str) -> T:
        """The entry; ``NotFoundError`` when it does not exist."""
        found = self.find(api, entry_id)
        if found is None:
            raise NotFoundError(f"{self.kind} {entry_id!r} does not exist", status=404)
        return found

    def known(self, api: GenesysClient) -> list[str]:
        """Every entry the org has, as ``'name' (id)``, read once."""
        return api.memo((self.kind, "*"), lambda: [self._shown(e) for e in self._list_all(api)])

    def missing(self, api: GenesysClient, entry_id: str) -> str:
        """Why ``entry_id`` was refused, naming what the org has instead (the first few, in a large org)."""
        return f"{self.kind} {entry_id!r} does not exist; the org has: {listed(self.known(api))}"

    def _found(self, api: GenesysClient, entry_id: str) -> T | None:
        try:
            return self._get(api, entry_id)
        except NotFoundError:
            return None


def listed(entries: list[str]) -> str:
    """The first ``LISTED`` entries, and how many more."""
    more = f" and {len(entries) - LISTED} more" if len(entries) > LISTED else ""
    return (", ".join(entries[:LISTED]) or "none") + more
