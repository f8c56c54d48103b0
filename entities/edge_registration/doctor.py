"""What the doctor checks of the edges' registration outcome: the events query `up` makes. It would tell
whether `up` may read registration events, but it reads an org's analytics: named as not checkable."""

from __future__ import annotations

from typing import Any

from inspection.check import Run
from inspection.findings import Finding
from inspection.permissions import Need

from .events import query_events

EVENTS_QUERY = "scope analytics:events:query"


class RegistrationCheck:
    queries: frozenset[str] = frozenset()

    def check(self, run: Run) -> list[Finding]:
        return []

    def needs(self, run: Run) -> list[Need]:
        trunks = run.entries.get("trunks")
        unneeded = None
        if trunks is not None and not any(t.registration_timeout_seconds > 0 for t in trunks):
            unneeded = "every trunk sets registrationTimeoutSeconds to 0"
        return [
            Need(
                "POST",
                query_events().template,
                EVENTS_QUERY,
                ("up",),
                unneeded,
                "`pulumi up` records each trunk's registration as unknown, with the 403's message",
            )
        ]

    def catalogue(self, run: Run) -> dict[str, Any]:
        return {}


CHECK = RegistrationCheck()
