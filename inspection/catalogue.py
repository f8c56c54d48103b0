"""Catalogue findings any dialect shares: an entry the trunks name either exists or the org's are listed."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from .findings import Finding, Section, fail, info, ok, warn
from .reads import Outcome

S = Section.CATALOGUE
#: How many existing entries a finding about a missing one lists.
LISTED = 10

Users = list[tuple[int, str]]
"""The trunks naming an entry: (index under ``trunks``, name)."""
T = TypeVar("T")


def users_by(trunks: Iterable[T], name: Callable[[T], str], key: Callable[[T], str | None]) -> dict[str, Users]:
    """Each value of a setting, with the trunks that set it."""
    users: dict[str, Users] = {}
    for i, trunk in enumerate(trunks):
        value = key(trunk)
        if value is not None:
            users.setdefault(value, []).append((i, name(trunk)))
    return users


def who(users: Users) -> str:
    return ", ".join(f"trunks[{i}] {name!r}" for i, name in users)


def listing(outcome: Outcome) -> str:
    """The first entries of a list read, as ``'name' (id)``."""
    if not outcome.ok:
        return f"(the list could not be read: {outcome.reason})"
    known = [f"{e.name!r} ({e.id})" for e in outcome.value]
    more = f" and {len(known) - LISTED} more" if len(known) > LISTED else ""
    return (", ".join(known[:LISTED]) or "none") + more


def entry(
    kind: str,
    setting: str,
    entry_id: str,
    users: Users,
    found: Outcome,
    everything: Callable[[], Outcome],
    describe: Callable[[Any], str],
) -> Finding:
    """``found`` (the read of ``entry_id``) judged; ``everything`` is read only when it is missing."""
    subject = f"{kind} {entry_id}"
    if found.ok:
        return ok(S, subject, f"{describe(found.value)}; used by {who(users)}")
    if found.missing:
        paths = ", ".join(f"trunks[{i}].{setting}" for i, _ in users)
        return fail(
            S,
            subject,
            f"does not exist (used by {who(users)}); the org has: {listing(everything())}",
            f"set {paths} to one of the {kind}s listed",
        )
    return warn(S, subject, f"could not be read: {found.reason}", "see the permissions findings")


def from_other_stacks(trunks: Iterable[Any], settings: Iterable[str]) -> list[Finding]:
    """One line per catalogue setting (of ``settings``) a trunk takes from another stack: not checkable here."""
    wanted = set(settings)
    return [
        info(
            S,
            f"trunk {trunk.name!r} {setting}",
            f"comes from stack {ref.stack} output {ref.output!r}: not checked here",
            f"run the doctor after that stack's `pulumi up` with trunks[{i}].{setting} set to its value",
        )
        for i, trunk in enumerate(trunks)
        for setting, ref in trunk.from_stacks.items()
        if setting in wanted
    ]
