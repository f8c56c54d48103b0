"""Every call the program makes, judged by what the reads of this run showed about the grant it needs.

A read is judged by its own reply. A write cannot be tried without writing, so it is judged by another
call of this run that needs the same grant; with none, it is named as not checkable.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from .findings import Finding, Section, fail, info, ok, warn
from .reads import Outcome

S = Section.PERMISSIONS


@dataclass(frozen=True)
class Need:
    """One call of the program, the operations that make it, and the grant (scope or permission) it needs."""

    method: str
    template: str
    grant: str
    operations: tuple[str, ...]
    unneeded: str | None = None
    """Why this stack does not make the call today (then a refusal is a warning, not a failure)."""
    if_missing: str = "the first `pulumi up` stops with a 403 naming it"
    """What happens when the grant is missing, for a call no read can check."""

    @property
    def label(self) -> str:
        return f"{self.method} {self.template}"


def judge(needs: Iterable[Need], evidence: Mapping[str, Outcome], client_id: str) -> list[Finding]:
    needs = list(needs)
    grant_of = {need.label: need.grant for need in needs}
    return [_judge(need, evidence, grant_of, client_id) for need in needs]


def _judge(need: Need, evidence: Mapping[str, Outcome], grant_of: Mapping[str, str], client_id: str) -> Finding:
    subject = f"{need.label} [{', '.join(need.operations)}]"
    fix = f"give the OAuth client {client_id!r} the {need.grant}"
    refused = fail if need.unneeded is None else warn
    note = f" (not needed yet: {need.unneeded})" if need.unneeded else ""
    own = evidence.get(need.label)  # the doctor sends reads and read-only queries only: never a write
    if own is not None and own.forbidden:
        return refused(S, subject, f"refused: {own.reason}{note}", fix)
    if own is not None and own.answered:
        return ok(S, subject, f"allowed ({need.grant})")
    same = sorted(
        ((other, outcome) for other, outcome in evidence.items() if grant_of.get(other) == need.grant),
        key=lambda item: _distance(item[0], need.template),
    )
    for other, outcome in same:
        if outcome.forbidden:
            return refused(S, subject, f"needs the {need.grant}, refused on {other}: {outcome.reason}{note}", fix)
    for other, outcome in same:
        if outcome.answered:
            return ok(S, subject, f"needs the {need.grant}, held: {other} answered with it")
    if own is not None:
        return warn(S, subject, f"could not tell: {own.reason}", "run the doctor again once the API answers")
    return info(
        S,
        subject,
        f"not checkable without sending a {need.method}; needs the {need.grant}",
        f"make sure the OAuth client {client_id!r} has it; otherwise {need.if_missing}",
    )


def _distance(call_label: str, template: str) -> tuple[int, int]:
    """Sorts the call whose path is closest to ``template`` first: the best witness of a grant it shares."""
    theirs, mine = call_label.split(" ", 1)[-1].split("/"), template.split("/")
    shared = 0
    for a, b in zip(theirs, mine, strict=False):
        if a != b:
            break
        shared += 1
    return -shared, len(theirs)
