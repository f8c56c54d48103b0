"""Audit log messages of the Platform API (``AuditLogMessage``) and both ways to read them: the realtime
query (one call, paged) and the asynchronous query (``POST`` -> status -> results with a cursor)."""

from __future__ import annotations

import json
import time
import uuid
from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from ..errors import ApiError, FieldError, bad_request, not_found
from ..store import Store, Tx
from ..timeutil import iso

SERVICE = "Telephony"
ORG_ID = "8d2b6f3a-0c4e-4a1b-9f7d-2e3c4b5a6d01"
ACTIONS = ("Create", "Update", "Delete")
# what each query may ask for: the audits this emulator writes
SERVICE_MAPPING = {
    "services": [
        {
            "name": SERVICE,
            "entities": [{"name": name, "actions": list(ACTIONS)} for name in ("TrunkBase", "OutboundRoute")],
        }
    ]
}
QUERY_RUN_SECONDS = 0.3  # how long an asynchronous query stays Running before it has Succeeded
FILTER_COLUMNS = {
    "EntityId": "entity_id",
    "EntityType": "entity_type",
    "Action": "action",
    "ClientId": "client_id",
    "UserId": "user_id",
    "TrusteeOrganizationId": "trustee_org_id",
}

SCHEMA = """
CREATE TABLE IF NOT EXISTS audits (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,
    service_name TEXT NOT NULL,
    entity_type TEXT NOT NULL,
    entity_id TEXT NOT NULL,
    action TEXT NOT NULL,
    client_id TEXT,
    user_id TEXT,
    trustee_org_id TEXT,
    event_at REAL NOT NULL,
    doc TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS audits_entity ON audits (entity_id, event_at);
CREATE TABLE IF NOT EXISTS audit_queries (
    id TEXT PRIMARY KEY,
    created_at REAL NOT NULL,
    doc TEXT NOT NULL,
    result_ids TEXT NOT NULL
);
"""


class AuditFilter(BaseModel):
    model_config = ConfigDict(strict=True, populate_by_name=True)
    property: Literal["UserId", "TrusteeOrganizationId", "ClientId", "Action", "EntityType", "EntityId"]
    value: str


class AuditSort(BaseModel):
    model_config = ConfigDict(strict=True, populate_by_name=True)
    name: Literal["Timestamp"]
    sort_order: Literal["ascending", "descending"] = Field("descending", alias="sortOrder")


class AuditQuery(BaseModel):
    """``AuditQueryRequest``."""

    model_config = ConfigDict(strict=True, populate_by_name=True)
    interval: str
    service_name: Literal["Telephony"] = Field(alias="serviceName")
    filters: list[AuditFilter] = []
    sort: list[AuditSort] = []

    @field_validator("interval")
    @classmethod
    def _interval(cls, value: str) -> str:
        start, sep, end = value.partition("/")
        try:
            if not sep or datetime.fromisoformat(start) >= datetime.fromisoformat(end):
                raise ValueError
        except ValueError:
            raise ValueError("must be START/END in ISO-8601 with START before END") from None
        return value

    def bounds(self) -> tuple[float, float]:
        start, _, end = self.interval.partition("/")
        return datetime.fromisoformat(start).timestamp(), datetime.fromisoformat(end).timestamp()

    def descending(self) -> bool:
        return not self.sort or self.sort[0].sort_order == "descending"

    def echo(self) -> dict[str, Any]:
        return self.model_dump(by_alias=True, include={"interval", "service_name", "filters", "sort"})


class RealtimeAuditQuery(AuditQuery):
    """``AuditRealtimeQueryRequest``."""

    page_number: int = Field(1, ge=1, alias="pageNumber")
    page_size: int = Field(25, ge=1, le=500, alias="pageSize")


class AuditLog:
    def __init__(self, store: Store) -> None:
        self._store = store
        store.create_tables(SCHEMA)

    def record(
        self,
        tx: Tx,
        *,
        action: str,
        entity_type: str,
        entity: dict[str, Any],
        client_id: str | None,
        changes: list[dict[str, Any]],
    ) -> None:
        """One ``AuditLogMessage``, written in the transaction of the change it describes."""
        now = time.time()
        verb = {"Create": "created", "Update": "updated", "Delete": "deleted"}.get(action, action)
        text = f"{entity_type} {entity['name']} {verb}"
        doc = {
            "id": str(uuid.uuid4()),
            "userHomeOrgId": ORG_ID,
            "client": {"id": client_id, "selfUri": f"/api/v2/oauth/clients/{client_id}"} if client_id else None,
            "remoteIp": [],
            "serviceName": SERVICE,
            "level": "USER",
            "eventDate": iso(now),
            "message": {"localizableMessageCode": f"{entity_type}{action}", "message": text},
            "action": action,
            "entity": {"id": entity["id"], "name": entity["name"], "selfUri": entity.get("selfUri")},
            "entityType": entity_type,
            "status": "SUCCESS",
            "transactionInitiator": True,
            "propertyChanges": changes,
            "context": {},
            "entityChanges": [],
        }
        tx.execute(
            "INSERT INTO audits (id, service_name, entity_type, entity_id, action, client_id, event_at, doc)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (doc["id"], SERVICE, entity_type, entity["id"], action, client_id, now, json.dumps(doc)),
        )

    def _matching(self, query: AuditQuery) -> tuple[str, tuple[Any, ...]]:
        start, end = query.bounds()
        where, params = ["service_name = ?", "event_at >= ?", "event_at < ?"], [query.service_name, start, end]
        for flt in query.filters:
            where.append(f"{FILTER_COLUMNS[flt.property]} = ?")
            params.append(flt.value)
        order = "DESC" if query.descending() else "ASC"
        return f"WHERE {' AND '.join(where)} ORDER BY event_at {order}, seq {order}", tuple(params)

    def realtime(self, query: RealtimeAuditQuery) -> dict[str, Any]:
        """``AuditRealtimeQueryResultsResponse``."""
        with self._store.reading() as tx:
            clause, params = self._matching(query)
            total = tx.count(f"SELECT COUNT(*) FROM audits {clause}", params)
            rows = tx.all(
                f"SELECT doc FROM audits {clause} LIMIT ? OFFSET ?",
                (*params, query.page_size, (query.page_number - 1) * query.page_size),
            )
        return {
            "entities": [json.loads(r["doc"]) for r in rows],
            "pageSize": query.page_size,
            "pageNumber": query.page_number,
            "total": total,
            "pageCount": -(-total // query.page_size),
        }

    def submit(self, query: AuditQuery) -> dict[str, Any]:
        """Start an asynchronous query; its results are the audits that match now."""
        now = time.time()
        query_id = str(uuid.uuid4())
        doc = {"id": query_id, "startDate": iso(now), **query.echo()}
        with self._store.transaction() as tx:
            clause, params = self._matching(query)
            ids = [r["id"] for r in tx.all(f"SELECT id FROM audits {clause}", params)]
            tx.execute(
                "INSERT INTO audit_queries (id, created_at, doc, result_ids) VALUES (?, ?, ?, ?)",
                (query_id, now, json.dumps(doc), json.dumps(ids)),
            )
        return {**doc, "state": "Queued"}

    def _query(self, tx: Tx, query_id: str) -> tuple[dict[str, Any], list[str]]:
        row = tx.one("SELECT created_at, doc, result_ids FROM audit_queries WHERE id = ?", (query_id,))
        if row is None:
            raise not_found("Audit query", query_id)
        state = "Succeeded" if time.time() - row["created_at"] >= QUERY_RUN_SECONDS else "Running"
        return {**json.loads(row["doc"]), "state": state}, json.loads(row["result_ids"])

    def status(self, query_id: str) -> dict[str, Any]:
        """``AuditQueryExecutionStatusResponse``."""
        with self._store.reading() as tx:
            return self._query(tx, query_id)[0]

    def results(self, query_id: str, cursor: str | None, page_size: int) -> dict[str, Any]:
        """``AuditQueryExecutionResultsResponse``; ``cursor`` is absent on the last page."""
        if not 1 <= page_size <= 500:
            raise bad_request([FieldError("pageSize", f"must be between 1 and 500, got {page_size}")])
        offset = 0
        if cursor:
            if not cursor.isdigit():
                raise bad_request([FieldError("cursor", "is not a cursor this query returned")])
            offset = int(cursor)
        with self._store.reading() as tx:
            status, ids = self._query(tx, query_id)
            if status["state"] != "Succeeded":
                raise ApiError(
                    400, "bad.request", f"Audit query {query_id} is {status['state']}; its results are not ready yet"
                )
            page_ids = ids[offset : offset + page_size]
            docs = (
                {
                    r["id"]: json.loads(r["doc"])
                    for r in tx.all(
                        f"SELECT id, doc FROM audits WHERE id IN ({','.join('?' * len(page_ids))})", tuple(page_ids)
                    )
                }
                if page_ids
                else {}
            )
        following = offset + page_size
        return {
            "id": query_id,
            "pageSize": page_size,
            "cursor": str(following) if following < len(ids) else None,
            "entities": [docs[i] for i in page_ids if i in docs],
        }
