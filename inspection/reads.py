"""Each read of a run made at most once, and what every call template answered.

A reply to a read is also evidence about the grant it needs: answered (200, or 404 after the grant was
checked) means the OAuth client holds it; 403 means it does not, in the org's own words.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass
from typing import Any

import pydantic

from genesys_api import Call, ForbiddenError, GenesysApiError, GenesysClient, NotFoundError


@dataclass(frozen=True)
class Outcome:
    value: Any = None
    error: Exception | None = None

    @property
    def ok(self) -> bool:
        return self.error is None

    @property
    def missing(self) -> bool:
        return isinstance(self.error, NotFoundError)

    @property
    def forbidden(self) -> bool:
        return isinstance(self.error, ForbiddenError)

    @property
    def answered(self) -> bool:
        """The call got past the permission check."""
        return self.ok or self.missing

    @property
    def reason(self) -> str:
        """The error in the org's own words (the API's message), or what went wrong on the way."""
        error = self.error
        if isinstance(error, GenesysApiError):
            return f"{error.status} {error.message}" if error.status else error.message
        if isinstance(error, pydantic.ValidationError):
            return f"the reply does not have the shape the program reads: {error.error_count()} field(s) differ"
        return str(error)


class QueryRefused(RuntimeError):
    """A POST that is not a read-only query was about to be sent by a check."""


def label(call: Call) -> str:
    """``GET /api/v2/.../{id}``: how a call is named in findings and keyed as evidence."""
    return f"{call.method} {call.template}"


class Reads:
    def __init__(self, client: GenesysClient) -> None:
        self.client = client
        self._memo: dict[Hashable, Outcome] = {}
        self.evidence: dict[str, Outcome] = {}
        """First decisive outcome per call label (answered or refused)."""

    def get(self, call: Call, parse: Callable[[Any], Any] | None = None) -> Outcome:
        """The JSON reply of one GET, through ``parse`` when given (a parse error is the outcome's error)."""
        key = (call.path, tuple(sorted((call.params or {}).items())))
        read = parse or (lambda data: data)
        return self.once(key, label(call), lambda: read(self.client.read_json(call)))

    def query(self, call: Call, parse: Callable[[Any], Any] | None = None) -> Outcome:
        """The reply of a read-only POST (a query), once per path and body."""
        key = (call.method, call.path, repr(call.body))
        read = parse or (lambda data: data)
        return self.once(key, label(call), lambda: read(self._query(call)))

    def _query(self, call: Call) -> Any:
        """A POST that only reads (a search or report query); the doctor's wire still refuses one it was not
        told of."""
        if not call.read_only:
            raise QueryRefused(f"refused to send {call.method} {call.template}: it is not a read-only query")
        return self.client.request_json(call)

    def all(self, first_page: Call, fetch: Callable[[], Iterable[Any]]) -> Outcome:
        """Every entity of a paged list (``fetch`` walks its pages), listed once; ``first_page`` names it."""
        call_label = label(first_page)
        return self.once(("all", call_label), call_label, lambda: list(fetch()))

    def once(self, key: Hashable, call_label: str, fetch: Callable[[], Any]) -> Outcome:
        """``fetch()``'s result or error, fetched on the first ask only."""
        if key not in self._memo:
            try:
                outcome = Outcome(value=fetch())
            except (GenesysApiError, pydantic.ValidationError) as exc:
                outcome = Outcome(error=exc)
            self._memo[key] = outcome
            known = self.evidence.get(call_label)
            if known is None or not (known.answered or known.forbidden):
                self.evidence[call_label] = outcome
        return self._memo[key]
