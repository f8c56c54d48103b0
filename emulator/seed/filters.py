"""The seed's event filter language, shared by the analytics query and webhook ``filterCriteria``.

Grammar (whitespace around tokens is free; ``AND`` is case-insensitive; each key at most once)::

    filter := "" | clause ( "AND" clause )*
    clause := ( "resourceIds" | "eventTypes" ) ":" "[" item ( "," item )* "]"
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

EVENT_TYPES: tuple[str, ...] = (
    "telephony:edge:status:changed",
    "telephony:edge:registration:success",
    "telephony:edge:registration:failure",
    "audit:edge:created",
    "audit:edge:updated",
    "audit:edge:deleted",
    "audit:webhook:created",
    "audit:webhook:updated",
    "audit:webhook:deleted",
)

_KEYS = ("resourceIds", "eventTypes")
_CLAUSE = re.compile(r"\s*(?P<key>[A-Za-z]+)\s*:\s*\[(?P<items>[^\[\]]*)\]\s*")
_AND = re.compile(r"AND(?=\s|$)", re.IGNORECASE)
_ITEM = re.compile(r"^[A-Za-z0-9:._\-]+$")


class FilterSyntaxError(ValueError):
    """The filter text is not in the language; the message says what was expected where."""


@dataclass(frozen=True)
class EventFilter:
    """A parsed filter; ``None`` for a clause means "any"."""

    resource_ids: frozenset[str] | None = None
    event_types: frozenset[str] | None = None

    def matches(self, event: dict[str, Any]) -> bool:
        if self.resource_ids is not None and event.get("resourceId") not in self.resource_ids:
            return False
        return self.event_types is None or event.get("eventType") in self.event_types


def parse_filter(text: str | None) -> EventFilter:
    """Parse ``text``; an empty or missing filter matches every event."""
    if text is None or not text.strip():
        return EventFilter()
    clauses: dict[str, frozenset[str]] = {}
    pos = 0
    while True:
        match = _CLAUSE.match(text, pos)
        if match is None:
            raise FilterSyntaxError(
                f"cannot parse at character {pos + 1} ({_excerpt(text, pos)!r}); expected "
                "resourceIds:[ID,...] or eventTypes:[TYPE,...], joined by AND"
            )
        key = match.group("key")
        if key not in _KEYS:
            raise FilterSyntaxError(f"unknown filter key {key!r}; allowed: {', '.join(_KEYS)}")
        if key in clauses:
            raise FilterSyntaxError(f"filter key {key!r} appears more than once")
        clauses[key] = _items(key, match.group("items"))
        pos = match.end()
        if pos == len(text):
            break
        joiner = _AND.match(text, pos)
        if joiner is None:
            raise FilterSyntaxError(f"expected AND at character {pos + 1} ({_excerpt(text, pos)!r}) between clauses")
        pos = joiner.end()
    return EventFilter(clauses.get("resourceIds"), clauses.get("eventTypes"))


def _items(key: str, raw: str) -> frozenset[str]:
    items = [item.strip() for item in raw.split(",")]
    if not any(items):
        raise FilterSyntaxError(f"{key} list is empty")
    for item in items:
        if not item:
            raise FilterSyntaxError(f"{key} list has an empty item")
        if not _ITEM.match(item):
            raise FilterSyntaxError(f"{key} item {item[:60]!r} has characters outside [A-Za-z0-9:._-]")
        if key == "eventTypes" and item not in EVENT_TYPES:
            raise FilterSyntaxError(f"unknown event type {item!r}; known: {', '.join(EVENT_TYPES)}")
    return frozenset(items)


def _excerpt(text: str, pos: int) -> str:
    return text[pos : pos + 30]
