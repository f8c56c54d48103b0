"""A section of a stack config read as `pulumi preview` reads it, for tests of one section's entries."""

from __future__ import annotations

from typing import Any

from components import TRUNKS
from lifecycle.config import Section, parse_sections


def parse_entries(raw: Any, section: Section = TRUNKS) -> list[Any]:
    """The entries of ``section`` (the seed's trunks by default) as the program reads ``raw``; ``ConfigError``
    naming every problem otherwise."""
    return parse_sections([section], {section.config_key: raw}.get)[section.key]
