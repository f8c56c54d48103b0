"""Which entities the program manages in each API dialect, said once.

Per dialect: the sections of the stack config `__main__` builds, in order (a section may use what an earlier
one built), the entities the doctor checks, and the sections the exporter writes from the org, each from its
home in ``entities/``. Another entity is its home and its lines here.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from components import CLOUD_TRUNKS, TRUNKS
from entities.edge import doctor as edge_doctor
from entities.edge import export as edge_export
from entities.edge_registration import doctor as edge_registration_doctor
from entities.outbound_route import NO_OUTBOUND_ROUTES, OUTBOUND_ROUTES
from entities.outbound_route import doctor as outbound_route_doctor
from entities.outbound_route import export as outbound_route_export
from entities.trunk_base import doctor as trunk_base_doctor
from entities.trunk_base import export as trunk_base_export
from entities.trunk_base_registration import doctor as trunk_base_registration_doctor
from entities.webhook import doctor as webhook_doctor
from genesys_api import DialectName, GenesysClient
from inspection.check import EntityCheck
from inspection.entries import ExportedEntry, Track
from lifecycle.config import Section

#: What the exporter reads of the org for one section, given the entries the sections before it chose.
Reader = Callable[[GenesysClient, Track, Mapping[str, Sequence[ExportedEntry]]], list[ExportedEntry]]


def by_name(entry: Mapping[str, Any]) -> Hashable:
    return str(entry.get("name", "")).casefold()


def by_site_and_name(entry: Mapping[str, Any]) -> Hashable:
    return (entry.get("siteId"), by_name(entry))


@dataclass(frozen=True)
class Export:
    """A section the exporter writes from what the org holds."""

    section: Section
    read: Reader
    """Every entity of the org (deleted ones too, with their state), each as an entry of the section."""
    entity: str
    """What one entry is in the org, for messages (``edge``)."""
    optional_blocks: tuple[str, ...] = ()
    """Blocks of an entry that are dropped (with a note) when only they break the config's rules."""
    identity: Callable[[Mapping[str, Any]], Hashable] = by_name
    """What makes an entry the same as one the stack has (``--merge``)."""


@dataclass(frozen=True)
class Dialect:
    """What a stack of one API dialect is made of."""

    sections: tuple[Section, ...]
    checks: tuple[EntityCheck, ...]
    exports: tuple[Export, ...]


DIALECTS: dict[DialectName, Dialect] = {
    "seed": Dialect(
        sections=(TRUNKS, NO_OUTBOUND_ROUTES),
        checks=(edge_doctor.CHECK, webhook_doctor.CHECK, edge_registration_doctor.CHECK),
        exports=(Export(TRUNKS, edge_export.read_trunks, edge_export.ENTITY, edge_export.OPTIONAL_BLOCKS),),
    ),
    "cloud": Dialect(
        sections=(CLOUD_TRUNKS, OUTBOUND_ROUTES),
        checks=(trunk_base_doctor.CHECK, trunk_base_registration_doctor.CHECK, outbound_route_doctor.CHECK),
        exports=(
            Export(CLOUD_TRUNKS, trunk_base_export.read_trunks, trunk_base_export.ENTITY),
            Export(
                OUTBOUND_ROUTES,
                outbound_route_export.read_routes,
                outbound_route_export.ENTITY,
                identity=by_site_and_name,
            ),
        ),
    ),
}


def dialect_named(name: str) -> Dialect | None:
    """The dialect the client settings resolved (``ClientSettings.dialect``), when the program has it."""
    return next((dialect for known, dialect in DIALECTS.items() if known == name), None)
