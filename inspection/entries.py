"""What an entity's home hands the exporter: one config entry per entity of the org, with what cannot be
written in plain text; and the entry's settings derived from the entity's settings schema."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, Protocol, TypeVar, get_args

import pydantic
from pydantic import BaseModel

from lifecycle.values import field_path

T = TypeVar("T")


class Track(Protocol):
    """Wraps a listing so the core can show how far a long one has got."""

    def __call__(self, items: Iterable[T], what: str) -> Iterator[T]: ...


@dataclass(frozen=True)
class SecretSetting:
    """A secret of one trunk's config, by its path inside the trunk (`registration.password`).

    ``value`` None: the API never returns it, so the user sets it. A known value (the API returns it) is
    stored encrypted by the pulumi CLI, never written in plain text."""

    path: str
    what: str
    value: str | None = field(default=None, repr=False)


@dataclass
class ExportedEntry:
    """One entity of the org as a config entry, in the names its section (`genesys-trunks:trunks`) uses."""

    name: str
    entity_id: str
    settings: dict[str, Any]
    """The entry without its secrets, in the order it is written."""
    state: str | None = None
    comments: dict[str, str] = field(default_factory=dict)
    """Config path inside the entry (`edgeGroupId`) -> a YAML comment for it (the referenced entity's name)."""
    secrets: list[SecretSetting] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    """What the export left out of this entry, and why."""
    unfit: str | None = None
    """Why the stack's config cannot hold this trunk at all, when the dialect knows it: it is left out."""


def entry_settings(
    model: type[BaseModel], values: dict[str, Any], read_model: type[BaseModel] | None, nested: bool = False
) -> dict[str, Any]:
    """``values`` (the settings of ``model`` by users' names) as the entry holds them: in the order the API
    returns them (``read_model``'s; a setting it does not declare comes last), without what the API left
    out but for a setting ``model`` requires of every trunk (the config then says what is missing).
    So a new edge setting reaches the entry from the schema alone."""
    fields = {field.alias or name: field for name, field in model.model_fields.items()}
    read = {field.alias or name: field for name, field in read_model.model_fields.items()} if read_model else {}
    order = list(read)
    entry: dict[str, Any] = {}
    for key in sorted(fields, key=lambda k: order.index(k) if k in order else len(order)):
        value = values.get(key)
        submodel = _model_in(fields[key].annotation)
        if submodel is not None:
            read_submodel = _model_in(read[key].annotation) if key in read else None
            value = entry_settings(submodel, value or {}, read_submodel, nested=True)
        if value is not None and value != {} or (not nested and fields[key].is_required()):
            entry[key] = value
    return entry


def _model_in(annotation: Any) -> type[BaseModel] | None:
    """The settings model an annotation names (``X`` or ``X | None``), if any."""
    for candidate in (annotation, *get_args(annotation)):
        if isinstance(candidate, type) and issubclass(candidate, BaseModel):
            return candidate
    return None


def config_problems(entry: dict[str, Any], schema: type[pydantic.BaseModel]) -> list[tuple[str, str]]:
    """(path inside the entry, message) for every rule of the section's entry config (``schema``) that
    ``entry`` breaks."""
    try:
        schema.model_validate(entry)
    except pydantic.ValidationError as exc:
        return [(field_path(e["loc"]), e["msg"].removeprefix("Value error, ")) for e in exc.errors(include_url=False)]
    return []
