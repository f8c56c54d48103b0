"""The read shape every entity of the emulator is stored in: its own fields plus the ones every Genesys
entity has (id, version, state, dates, selfUri)."""

from __future__ import annotations

from typing import Any

SEEDED_AT = "2026-01-01T00:00:00.000Z"


def new_doc(entity_id: str, path: str, created_at: str, fields: dict[str, Any]) -> dict[str, Any]:
    """The read shape of an entity as it is first stored: its own fields plus the ones every entity has."""
    return {
        "id": entity_id,
        **fields,
        "version": 1,
        "state": "active",
        "dateCreated": created_at,
        "dateModified": created_at,
        "selfUri": f"{path}/{entity_id}",
    }


def seeded(entity_id: str, name: str, path: str, **fields: Any) -> dict[str, Any]:
    """The read shape of a seeded entity: its own fields plus the ones every entity has."""
    return new_doc(entity_id, path, SEEDED_AT, {"name": name, **fields})
