"""The stack's config as every section of it is read, before any resource is declared.

A section is a top-level list of the stack config (`genesys-trunks:trunks`, `genesys-trunks:outboundRoutes`):
each entry is validated by its schema (the entity's settings, extended with what only a stack has), then the
section's stack-wide rules run (names unique, what one entry names in another section exists). Every problem
names the config path a user wrote (`trunks[2].codecs[1]`) and what is allowed, so a bad value fails
`pulumi preview` with nothing created. Settings an entry takes from another stack (`fromStacks`) are read
with one StackReference per stack.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from types import GenericAlias
from typing import Any, Protocol

import pulumi
import pydantic
from pydantic import Field, field_validator
from pydantic_core import ErrorDetails

from genesys_api import Settings, Text

from .checks import failure_reason

#: A fully qualified stack name, as a StackReference takes it.
STACK_NAME = re.compile(r"[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+")
#: The project's config namespace.
NAMESPACE = "genesys-trunks"


class ConfigError(ValueError):
    """Every problem of the stack's config, one per line, each naming its path."""


class StackOutputRef(Settings):
    """`{stack: org/project/stack, output: name}`: read with a StackReference."""

    stack: str = Field(min_length=1)
    output: Text = Field(min_length=1)

    @field_validator("stack")
    @classmethod
    def _fully_qualified(cls, value: str) -> str:
        if not STACK_NAME.fullmatch(value):
            raise ValueError("must be a stack name <organization>/<project>/<stack> (letters, digits, '-', '_', '.')")
        return value


def _at(values: Mapping[str, Any], path: str) -> Any:
    found: Any = values
    for part in path.split("."):
        found = found.get(part) if isinstance(found, dict) else None
    return found


def put_at(values: dict[str, Any], path: str, value: Any) -> None:
    """Set ``registration.host``-style ``path`` in nested ``values`` (making the blocks on the way)."""
    *parents, leaf = path.split(".")
    for part in parents:
        if not isinstance(values.get(part), dict):
            values[part] = {}
        values = values[part]
    values[leaf] = value


def require_sources(entry: Settings, required: Iterable[str], from_stacks: Iterable[str]) -> None:
    """Every setting in ``required`` is configured or taken from another stack."""
    configured = entry.model_dump(by_alias=True)
    for path in required:
        if _at(configured, path) is None and path not in from_stacks:
            raise ValueError(f"{path} is required (set it, or take it from another stack under fromStacks)")


class Named(Protocol):
    @property
    def name(self) -> str: ...


class Component(Protocol):
    """What a section builds from one entry: its output is ``summary``."""

    @property
    def summary(self) -> pulumi.Output[dict[str, Any]]: ...


#: A section's stack-wide rule: its entries and every section's entries -> one line per problem.
Rule = Callable[[Sequence[Any], Mapping[str, Sequence[Any]]], list[str]]


@dataclass(frozen=True)
class Section:
    """A top-level list of the stack config, each entry made into one component, and the stack output (by
    entry) that hands them to other stacks."""

    key: str
    entry: type[Settings]
    """One entry's schema."""
    build: Callable[[Any, StackContext], Component]
    required: bool = False
    """Whether a stack must have entries (a missing optional section is an empty one, and has no output)."""
    rules: tuple[Rule, ...] = ()
    """Stack-wide rules: each problem fails preview."""
    notices: tuple[Rule, ...] = ()
    """Stack-wide observations that do not stop anything: each is a warning of preview and `up`."""
    refused: str | None = None
    """Why this dialect has no such section: a stack that configures it fails preview saying so."""
    noun: str = "entry"
    """What one entry is, for messages (``trunk``)."""
    output_key: Callable[[Any, Sequence[Any]], str] = field(default=lambda entry, _entries: entry.name)
    """An entry's key in the stack output, among the section's entries."""

    @property
    def config_key(self) -> str:
        return f"{NAMESPACE}:{self.key}"

    def parse(self, raw: Any) -> tuple[list[Any], list[str]]:
        """The entries as the schema reads them, or one line per problem, each naming its path."""
        if raw is not None and self.refused is not None:
            return [], [f"{self.key}: {self.refused}"]
        if raw is None:
            if self.required:
                where = f"`{self.config_key}` in Pulumi.<stack>.yaml"
                return [], [f"{self.key}: no {self.noun}s configured; add a list under {where}"]
            return [], []
        if self.required and raw == []:
            return [], [f"{self.key}: List should have at least 1 item after validation, not 0"]
        schema: Any = GenericAlias(list, (self.entry,))
        try:
            return pydantic.TypeAdapter(schema).validate_python(raw, by_name=False), []
        except pydantic.ValidationError as exc:
            return [], [_problem(self.key, error) for error in exc.errors(include_url=False)]


def unique_names(section: str, what: str) -> Rule:
    """Entries of the section have names unique in the stack (case-insensitive, as Genesys compares names)."""

    def rule(entries: Sequence[Any], _stack: Mapping[str, Sequence[Any]]) -> list[str]:
        seen: dict[str, int] = {}
        for i, entry in enumerate(entries):
            key = entry.name.lower()
            if key in seen:
                return [
                    f"{section}[{i}].name: {entry.name!r} is already the name of {section}[{seen[key]}]; "
                    f"{what} names are unique per stack"
                ]
            seen[key] = i
        return []

    return rule


def _problem(key: str, error: ErrorDetails) -> str:
    secret = "password" in error["loc"] or "headers" in error["loc"]
    error["loc"] = (key, *error["loc"])
    return failure_reason(error, show_input=not secret)


@dataclass(frozen=True)
class Reading:
    """One section as the stack config has it: its entries, or the problems that stop them being read."""

    raw: Any
    entries: list[Any]
    problems: list[str]

    @property
    def configured(self) -> bool:
        return self.raw is not None


def read_sections(sections: Sequence[Section], get: Callable[[str], Any]) -> dict[str, Reading]:
    """Every section as ``get(config key)`` returns its raw list (``genesys-trunks:trunks``), each read by its
    schema; a section's rules run once every entry of it is valid, and may look at the other sections' valid
    entries."""
    raw = {section.key: get(section.config_key) for section in sections}
    readings = {section.key: Reading(raw[section.key], *section.parse(raw[section.key])) for section in sections}
    entries = {key: reading.entries for key, reading in readings.items()}
    for section in sections:
        reading = readings[section.key]
        if reading.entries and not reading.problems:
            for rule in section.rules:
                reading.problems.extend(rule(reading.entries, entries))
    return readings


def parse_sections(sections: Sequence[Section], get: Callable[[str], Any]) -> dict[str, list[Any]]:
    """Every section's entries, or a ``ConfigError`` naming every problem of every section."""
    readings = read_sections(sections, get)
    problems: list[str] = []
    for reading in readings.values():
        if reading.problems and not reading.configured:
            raise ConfigError(reading.problems[0])  # nothing configured: that alone is the message
        problems += reading.problems
    if problems:
        raise ConfigError("invalid stack config:\n  " + "\n  ".join(problems))
    return {key: reading.entries for key, reading in readings.items()}


class StackContext:
    """What an entry's component is built with: every section's entries, the settings it takes from other
    stacks, and the components the sections before it built (by section key, then output key)."""

    def __init__(self, entries: Mapping[str, Sequence[Any]]) -> None:
        self.entries = entries
        self.built: dict[str, dict[str, Component]] = {}
        self._references: dict[str, pulumi.StackReference] = {}

    def stack_outputs(self, from_stacks: Mapping[Any, StackOutputRef]) -> dict[str, pulumi.Output[Any]]:
        """By config path, the settings an entry takes from other stacks' outputs."""
        return {path: self.stack_output(ref) for path, ref in from_stacks.items()}

    def stack_output(self, ref: StackOutputRef) -> pulumi.Output[Any]:
        """Another stack's output; one StackReference per stack."""
        if ref.stack not in self._references:
            self._references[ref.stack] = pulumi.StackReference(ref.stack.replace("/", "-"), stack_name=ref.stack)
        return self._references[ref.stack].require_output(ref.output)


def build_sections(sections: Sequence[Section], entries: Mapping[str, Sequence[Any]]) -> StackContext:
    """Each section's components, in order (a later section may use an earlier one's), and its output; each
    section's notices are warnings of the run."""
    context = StackContext(entries)
    for section in sections:
        section_entries = entries[section.key]
        if not section_entries and not section.required:
            continue
        for notice in section.notices:
            for line in notice(section_entries, entries):
                pulumi.log.warn(line)
        built = {section.output_key(e, section_entries): section.build(e, context) for e in section_entries}
        context.built[section.key] = built
        pulumi.export(section.key, {key: component.summary for key, component in built.items()})
    return context
