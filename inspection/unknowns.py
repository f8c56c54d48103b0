"""Unknowns any dialect shares: how a GET returns a write-only carrier password."""

from __future__ import annotations

from typing import Any

from .findings import Finding, Section, ok, warn

UNK = Section.UNKNOWNS
#: Characters an API masks a secret with.
MASKS = set("*•xX#")


def returned_password(subject: str, where: str, field: str, value: Any, readers: str, fix: str) -> Finding:
    """``value`` is what ``where`` returned for ``field``: blank and masked are fine; in clear text, every
    client of ``readers`` can read the carrier passwords (a warning with ``fix``)."""
    if value in (None, ""):
        return ok(UNK, subject, f"empty: {where} returns {field} blank")
    if set(str(value)) <= MASKS:
        return ok(UNK, subject, f"masked: {where} returns {field} as {len(str(value))} mask characters")
    return warn(
        UNK,
        subject,
        f"returned: {where} returns {field} in clear text (not shown here); every client with {readers} can "
        "read the carrier passwords",
        fix,
    )
