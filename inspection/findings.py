"""The finding model: one line per thing checked, with what to do about it."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from enum import StrEnum


class Level(StrEnum):
    OK = "ok"
    INFO = "info"
    """A fact, or something no read can tell: never changes the exit status."""
    WARN = "warn"
    FAIL = "fail"


class Section(StrEnum):
    CONNECTION = "connection"
    CONFIG = "config"
    PERMISSIONS = "permissions"
    CATALOGUE = "catalogue"
    UNKNOWNS = "unknowns"
    STATE = "state"


SECTION_ORDER = list(Section)


@dataclass(frozen=True)
class Finding:
    section: Section
    level: Level
    subject: str
    message: str
    fix: str | None = None

    def to_dict(self) -> dict[str, str | None]:
        data = asdict(self)
        data["section"] = self.section.value
        data["level"] = self.level.value
        return data


def ok(section: Section, subject: str, message: str) -> Finding:
    return Finding(section, Level.OK, subject, message)


def info(section: Section, subject: str, message: str, fix: str | None = None) -> Finding:
    return Finding(section, Level.INFO, subject, message, fix)


def warn(section: Section, subject: str, message: str, fix: str | None = None) -> Finding:
    return Finding(section, Level.WARN, subject, message, fix)


def fail(section: Section, subject: str, message: str, fix: str | None = None) -> Finding:
    return Finding(section, Level.FAIL, subject, message, fix)


def ordered(findings: Iterable[Finding]) -> list[Finding]:
    """By section, keeping the order each section's checks ran in."""
    return sorted(findings, key=lambda f: SECTION_ORDER.index(f.section))


def counts(findings: Iterable[Finding]) -> dict[str, int]:
    seen = Counter(f.level.value for f in findings)
    return {level.value: seen.get(level.value, 0) for level in Level}


def exit_status(findings: Iterable[Finding]) -> int:
    """1 when anything failed: a CI job stops before the first preview."""
    return 1 if any(f.level is Level.FAIL for f in findings) else 0
