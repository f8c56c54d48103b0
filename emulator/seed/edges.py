"""Edges (Connect trunks): the lifecycle rules, persistence and registration settling.

Routes call this service and never touch SQL; each public method is one transaction, so the
duplicate check and the write it guards cannot interleave with a concurrent request.
"""

from __future__ import annotations

import json
import sqlite3
import uuid
from typing import Any

from ..documents import new_doc
from ..errors import ApiError, FieldError, bad_request, not_found, version_mismatch
from ..paging import Page
from ..registration import RegistrationScheduler, carrier_outcome
from ..store import Store, Tx
from ..timeutil import now_iso
from . import catalog
from .events import EventLog
from .validation import EdgeInput, validate_edge

EDGES_PATH = "/api/v2/telephony/providers/edges"
REGISTRATION_KEYS = ("type", "host", "port", "username", "password")


def _flat(doc: dict[str, Any], password: str | None) -> dict[str, Any]:
    """A stored edge as dotted field -> value, for audit ``changedFields``."""
    reg = doc["registration"]
    probe = doc["healthProbe"]
    return {
        "name": doc["name"],
        "description": doc.get("description"),
        "edgeGroupId": doc["edgeGroupId"],
        "sipProfileId": doc["sipProfileId"],
        "maxConcurrentSessions": doc["maxConcurrentSessions"],
        "codecs": list(doc["codecs"]),
        **{f"registration.{k}": reg.get(k) for k in REGISTRATION_KEYS if k != "password"},
        "registration.password": password,
        "healthProbe.enabled": probe["enabled"],
        "healthProbe.intervalSeconds": probe["intervalSeconds"],
    }


def _config_doc(edge: EdgeInput) -> dict[str, Any]:
    """The configuration part of the read shape (no password, ever)."""
    group = edge.edge_group_id
    return {
        "name": edge.name,
        "description": edge.description,
        "edgeGroupId": group,
        "edgeGroup": {"id": group, "selfUri": f"{catalog.EDGE_GROUPS_PATH}/{group}"},
        "sipProfileId": edge.sip_profile_id,
        "maxConcurrentSessions": edge.max_concurrent_sessions,
        "codecs": list(edge.codecs),
        "registration": {
            "type": edge.registration.type,
            "host": edge.registration.host,
            "port": edge.registration.port,
            "username": edge.registration.username,
        },
        "healthProbe": edge.health_probe.model_dump(by_alias=True),
    }


class EdgeService:
    def __init__(self, store: Store, events: EventLog, registrations: RegistrationScheduler) -> None:
        self._store = store
        self._events = events
        self._registrations = registrations

    # -- reads --------------------------------------------------------------------------------
    def get(self, edge_id: str) -> dict[str, Any]:
        with self._store.reading() as tx:
            row = self._load(tx, edge_id)
        return json.loads(row["doc"])

    def list(self, page: Page, *, name: str | None = None, edge_group_id: str | None = None) -> dict[str, Any]:
        where, params = ["state = 'active'"], []
        if name:
            where.append("name_lower = ?")
            params.append(name.lower())
        if edge_group_id:
            where.append("edge_group_id = ?")
            params.append(edge_group_id)
        return self._store.page_of_docs("edges", " AND ".join(where), tuple(params), page)

    # -- writes -------------------------------------------------------------------------------
    def create(self, body: Any, client_id: str | None) -> dict[str, Any]:
        edge, _, errors = validate_edge(body, update=False)
        if errors:
            raise bad_request(errors)
        assert edge is not None
        with self._store.transaction() as tx:
            self._check_duplicate(tx, edge, exclude_id=None)
            now = now_iso()
            edge_id = str(uuid.uuid4())
            registering = {
                "registrationStatus": "registering",
                "registrationStatusReason": None,
                "registrationStatusChangedAt": now,
            }
            doc = new_doc(edge_id, EDGES_PATH, now, {**_config_doc(edge), **registering})
            password = edge.registration.password
            try:
                tx.execute(
                    "INSERT INTO edges (id, state, name_lower, edge_group_id, reg_host_lower, reg_username, password,"
                    " doc) VALUES (?, 'active', ?, ?, ?, ?, ?, ?)",
                    (
                        edge_id,
                        edge.name.lower(),
                        edge.edge_group_id,
                        edge.registration.host.lower(),
                        edge.registration.username or "",
                        password,
                        json.dumps(doc),
                    ),
                )
            except sqlite3.IntegrityError as exc:  # the unique index backs up the explicit check
                raise self._conflict(edge) from exc
            self._registrations.schedule(tx, edge_id, client_id)
            changed = sorted(k for k, v in _flat(doc, password).items() if v is not None)
            self._events.audit(tx, "edge", "created", doc, client_id, changed)
        return doc

    def update(self, edge_id: str, body: Any, client_id: str | None) -> dict[str, Any]:
        edge, version, errors = validate_edge(body, update=True)
        with self._store.transaction() as tx:
            row = self._load(tx, edge_id)
            old = json.loads(row["doc"])
            if (
                isinstance(body, dict)
                and isinstance(body.get("edgeGroupId"), str)
                and body["edgeGroupId"] != old["edgeGroupId"]
            ):
                errors = [e for e in errors if e.field != "edgeGroupId"]
                errors.append(
                    FieldError("edgeGroupId", "edgeGroupId cannot be changed; create a new edge", "immutable.field")
                )
            if errors:
                raise bad_request(errors)
            assert edge is not None
            if version != old["version"]:
                raise version_mismatch()
            self._check_duplicate(tx, edge, exclude_id=edge_id)

            old_password = row["password"]
            password = edge.registration.password if edge.registration.password is not None else old_password
            now = now_iso()
            doc = {
                **old,
                **_config_doc(edge),
                "version": old["version"] + 1,
                "dateModified": now,
            }
            before, after = _flat(old, old_password), _flat(doc, password)
            changed = sorted(k for k in after if after[k] != before[k])
            reregister = any(k.startswith("registration.") for k in changed)
            if reregister:
                previous = old["registrationStatus"]
                doc.update(
                    registrationStatus="registering", registrationStatusReason=None, registrationStatusChangedAt=now
                )
                self._registrations.schedule(tx, edge_id, client_id)
            try:
                tx.execute(
                    "UPDATE edges SET name_lower = ?, reg_host_lower = ?, reg_username = ?, password = ?, doc = ?"
                    " WHERE id = ?",
                    (
                        edge.name.lower(),
                        edge.registration.host.lower(),
                        edge.registration.username or "",
                        password,
                        json.dumps(doc),
                        edge_id,
                    ),
                )
            except sqlite3.IntegrityError as exc:
                raise self._conflict(edge) from exc
            self._events.audit(tx, "edge", "updated", doc, client_id, changed)
            if reregister and previous != "registering":
                self._events.record(
                    tx,
                    "telephony:edge:status:changed",
                    resource_type="edge",
                    resource_id=edge_id,
                    client_id=client_id,
                    details={"status": "registering", "previousStatus": previous, "reason": None},
                )
        return doc

    def delete(self, edge_id: str, client_id: str | None) -> None:
        with self._store.transaction() as tx:
            row = self._load(tx, edge_id)
            doc = json.loads(row["doc"])
            doc.update(state="deleted", dateModified=now_iso())
            tx.execute("UPDATE edges SET state = 'deleted', doc = ? WHERE id = ?", (json.dumps(doc), edge_id))
            self._registrations.cancel(tx, edge_id)
            self._events.audit(tx, "edge", "deleted", doc, client_id, [])

    def complete_registration(self, edge_id: str) -> None:
        """Settle a registration that has fallen due (called by the registration worker)."""
        with self._store.transaction() as tx:
            due, client_id = self._registrations.claim(tx, edge_id)
            if not due:
                return
            row = tx.one("SELECT doc, password FROM edges WHERE id = ? AND state = 'active'", (edge_id,))
            if row is None:
                return
            doc = json.loads(row["doc"])
            previous = doc["registrationStatus"]
            status, reason = carrier_outcome(doc["registration"]["host"], row["password"])
            doc.update(
                registrationStatus=status, registrationStatusReason=reason, registrationStatusChangedAt=now_iso()
            )
            tx.execute("UPDATE edges SET doc = ? WHERE id = ?", (json.dumps(doc), edge_id))
            details = {"status": status, "previousStatus": previous, "reason": reason}
            outcome = "success" if status == "registered" else "failure"
            for event_type in (f"telephony:edge:registration:{outcome}", "telephony:edge:status:changed"):
                self._events.record(
                    tx,
                    event_type,
                    resource_type="edge",
                    resource_id=edge_id,
                    client_id=client_id,
                    details=dict(details),
                )

    # -- helpers ------------------------------------------------------------------------------
    @staticmethod
    def _load(tx: Tx, edge_id: str) -> Any:
        row = tx.one("SELECT doc, password FROM edges WHERE id = ? AND state = 'active'", (edge_id,))
        if row is None:
            raise not_found("Edge", edge_id)
        return row

    def _check_duplicate(self, tx: Tx, edge: EdgeInput, exclude_id: str | None) -> None:
        if self._find_duplicate(tx, edge, exclude_id) is not None:
            raise self._conflict(edge)

    @staticmethod
    def _find_duplicate(tx: Tx, edge: EdgeInput, exclude_id: str | None) -> str | None:
        row = tx.one(
            "SELECT id FROM edges WHERE state = 'active' AND edge_group_id = ? AND reg_host_lower = ?"
            " AND reg_username = ? AND id != ?",
            (edge.edge_group_id, edge.registration.host.lower(), edge.registration.username or "", exclude_id or ""),
        )
        return row["id"] if row else None

    @staticmethod
    def _conflict(edge: EdgeInput) -> ApiError:
        group = catalog.edge_group(edge.edge_group_id)
        group_name = group.name if group else edge.edge_group_id
        return ApiError(
            409,
            "general.conflict",
            f"An edge with registration host {edge.registration.host} and username "
            f"{edge.registration.username or ''} already exists in edge group {group_name} "
            f"(id {edge.edge_group_id})",
        )
