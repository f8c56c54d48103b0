"""The event store: registration outcomes, status changes and audits, queried with the filter language.

Events are written inside the transaction that caused them, so an edge change and its audit event
commit (or fail) together; matching webhook deliveries are queued in the same transaction.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterable
from typing import Any, Protocol

from ..store import Store, Tx
from ..timeutil import now_iso
from .filters import EventFilter


class DeliverySink(Protocol):
    def enqueue(self, tx: Tx, event: dict[str, Any]) -> None: ...


class EventLog:
    """Records events and answers analytics queries (oldest first)."""

    def __init__(self, store: Store, sink: DeliverySink | None = None) -> None:
        self._store = store
        self._sink = sink

    def attach(self, sink: DeliverySink) -> None:
        self._sink = sink

    def audit(
        self, tx: Tx, resource_type: str, action: str, doc: dict[str, Any], client_id: str | None, changed: list[str]
    ) -> None:
        """Record ``audit:<type>:<action>`` for the entity ``doc`` as it now stands."""
        self.record(
            tx,
            f"audit:{resource_type}:{action}",
            resource_type=resource_type,
            resource_id=doc["id"],
            client_id=client_id,
            details={"changedFields": changed, "version": doc["version"], "name": doc["name"]},
        )

    def record(
        self,
        tx: Tx,
        event_type: str,
        *,
        resource_type: str,
        resource_id: str,
        client_id: str | None,
        details: dict[str, Any],
    ) -> dict[str, Any]:
        """Store one event (and queue its deliveries) in the caller's transaction."""
        event = {
            "id": str(uuid.uuid4()),
            "eventType": event_type,
            "resourceId": resource_id,
            "resourceType": resource_type,
            "timestamp": now_iso(),
            "actor": {"clientId": client_id},
            "details": details,
        }
        tx.execute(
            "INSERT INTO events (id, event_type, resource_id, doc) VALUES (?, ?, ?, ?)",
            (event["id"], event_type, resource_id, json.dumps(event)),
        )
        if self._sink is not None:
            self._sink.enqueue(tx, event)
        return event

    def query(self, flt: EventFilter, event_ids: Iterable[str] | None = None) -> list[dict[str, Any]]:
        """Every stored event matching ``flt`` (and, when given, one of ``event_ids``), oldest first."""
        clauses, params = [], []
        if flt.resource_ids is not None:
            clauses.append(f"resource_id IN ({','.join('?' * len(flt.resource_ids))})")
            params.extend(sorted(flt.resource_ids))
        if flt.event_types is not None:
            clauses.append(f"event_type IN ({','.join('?' * len(flt.event_types))})")
            params.extend(sorted(flt.event_types))
        ids = list(event_ids) if event_ids is not None else None
        if ids is not None:
            if not ids:
                return []
            clauses.append(f"id IN ({','.join('?' * len(ids))})")
            params.extend(ids)
        where = f"WHERE {' AND '.join(clauses)}" if clauses else ""
        with self._store.reading() as tx:
            rows = tx.all(f"SELECT doc FROM events {where} ORDER BY seq", tuple(params))
        return [json.loads(r["doc"]) for r in rows]
