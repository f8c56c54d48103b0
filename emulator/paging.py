"""List paging: ``?pageSize=&pageNumber=`` in, ``{entities, pageSize, pageNumber, total, pageCount}`` out."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from .errors import FieldError, bad_request

MAX_PAGE_SIZE = 500
DEFAULT_PAGE_SIZE = 25


@dataclass(frozen=True)
class Page:
    size: int
    number: int

    @property
    def offset(self) -> int:
        return (self.number - 1) * self.size

    def wrap(self, entities: list[dict[str, Any]], total: int) -> dict[str, Any]:
        return {
            "entities": entities,
            "pageSize": self.size,
            "pageNumber": self.number,
            "total": total,
            "pageCount": math.ceil(total / self.size),
        }

    def links(self, listing: dict[str, Any], path: str, query: Mapping[str, str]) -> dict[str, Any]:
        """``listing`` with the Platform API's ``firstUri``/``selfUri``/``nextUri``/... for ``path``."""
        rest = {k: v for k, v in query.items() if k not in ("pageSize", "pageNumber")}
        last = max(1, listing["pageCount"])

        def uri(number: int) -> str:
            return f"{path}?{urlencode({'pageSize': self.size, 'pageNumber': number, **rest})}"

        return {
            **listing,
            "firstUri": uri(1),
            "selfUri": uri(self.number),
            "nextUri": uri(self.number + 1) if self.number < last else None,
            "previousUri": uri(self.number - 1) if self.number > 1 else None,
            "lastUri": uri(last),
        }

    def slice(self, items: list[dict[str, Any]]) -> dict[str, Any]:
        return self.wrap(items[self.offset : self.offset + self.size], len(items))


def parse_page(query: Mapping[str, str]) -> Page:
    """Read and check the paging parameters; 400 naming each bad one."""
    errors: list[FieldError] = []
    size = _int(query, "pageSize", DEFAULT_PAGE_SIZE, errors)
    number = _int(query, "pageNumber", 1, errors)
    if size is not None and not 1 <= size <= MAX_PAGE_SIZE:
        errors.append(FieldError("pageSize", f"must be between 1 and {MAX_PAGE_SIZE}, got {size}"))
    if number is not None and number < 1:
        errors.append(FieldError("pageNumber", f"must be 1 or more, got {number}"))
    if errors:
        raise bad_request(errors)
    assert size is not None and number is not None
    return Page(size, number)


def _int(query: Mapping[str, str], key: str, default: int, errors: list[FieldError]) -> int | None:
    raw = query.get(key)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError:
        errors.append(FieldError(key, f"must be an integer, got {raw[:40]!r}", "invalid.type"))
        return None
