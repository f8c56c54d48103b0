"""Trunk base settings: the configuration of a trunk, checked against its metabase's template, audited.

A base is soft-deleted: it keeps its row in ``state: deleted`` (listed, readable by id, never writable),
as the real API keeps deleted entities. Its trunk instances are in :mod:`.trunks`.
"""

from __future__ import annotations

import json
import sqlite3
import threading
import time
import uuid
from collections.abc import Callable
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from .. import errors
from ..bodies import read_body
from ..errors import ApiError, FieldError, bad_request, not_found, version_mismatch
from ..paging import Page
from ..store import Store, Tx
from ..timeutil import now_iso
from . import catalog, properties
from .audits import AuditLog
from .catalog import Metabase
from .trunks import TrunkInstances

BASES_PATH = f"{catalog.EDGES_PATH}/trunkbasesettings"
# the Platform API's wording ends with a full stop
STALE_VERSION = f"{errors.STALE_VERSION}."

SCHEMA = """
CREATE TABLE IF NOT EXISTS trunk_bases (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,
    state TEXT NOT NULL,
    name_lower TEXT NOT NULL,
    doc TEXT NOT NULL,
    properties TEXT NOT NULL -- instance values by key, secrets included (never served)
);
CREATE UNIQUE INDEX IF NOT EXISTS trunk_bases_name_unique ON trunk_bases (name_lower) WHERE state != 'deleted';
"""


class EntityRef(BaseModel):
    model_config = ConfigDict(strict=True, extra="ignore")
    id: str = Field(min_length=1)


class TrunkBaseBody(BaseModel):
    """The writable part of a ``TrunkBase``; read-only fields sent back from a GET are ignored."""

    model_config = ConfigDict(strict=True, extra="ignore", populate_by_name=True)
    name: str = Field(min_length=1, max_length=200)
    description: str | None = None
    state: Literal["active", "inactive"] | None = None
    trunk_metabase: EntityRef = Field(alias="trunkMetabase")
    trunk_type: Literal["EXTERNAL", "PHONE", "EDGE"] | None = Field(None, alias="trunkType")
    managed: bool | None = None
    site: EntityRef | None = None
    inbound_site: EntityRef | None = Field(None, alias="inboundSite")
    properties: dict[str, Any] | None = None
    version: int | None = None


class TrunkBaseService:
    def __init__(self, store: Store, audits: AuditLog, trunks: TrunkInstances) -> None:
        self._store = store
        self._audits = audits
        self._trunks = trunks
        self._in_use_until: dict[str, float] = {}
        self._lock = threading.Lock()
        #: What names a base and so keeps it from being deleted (a site's outbound route), set once routes exist.
        self.named_by: Callable[[Tx, str], str | None] = lambda _tx, _base_id: None
        store.create_tables(SCHEMA)

    # -- reads --------------------------------------------------------------------------------
    def get(self, base_id: str) -> dict[str, Any]:
        """The base, also once deleted (``state: deleted``)."""
        with self._store.reading() as tx:
            row = self._row(tx, base_id, live=False)
        return self._render(row)

    def list_bases(self, page: Page, *, name: str | None, expand: set[str], descending: bool) -> dict[str, Any]:
        """Bases by name, deleted ones included; ``properties`` only with ``expand=properties``."""
        where, params = "1 = 1", []
        if name:
            pattern = name.lower()
            if pattern.endswith("*"):
                where = "name_lower LIKE ? ESCAPE '\\'"
                escaped = pattern[:-1].replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
                params.append(escaped + "%")
            else:
                where, params = "name_lower = ?", [pattern]
        order = "DESC" if descending else "ASC"
        with self._store.reading() as tx:
            total = tx.count(f"SELECT COUNT(*) FROM trunk_bases WHERE {where}", tuple(params))
            rows = tx.all(
                f"SELECT doc, properties FROM trunk_bases WHERE {where} ORDER BY name_lower {order}, seq"
                " LIMIT ? OFFSET ?",
                (*params, page.size, page.offset),
            )
        entities = [self._render(r) for r in rows]
        if "properties" not in expand:
            for entity in entities:
                entity.pop("properties", None)
        return page.wrap(entities, total)

    def template(self, metabase_id: str) -> dict[str, Any]:
        metabase = catalog.metabase(metabase_id)
        if metabase is None:
            raise not_found("Trunk metabase", metabase_id)
        return {
            "name": metabase.name,
            "state": "active",
            "trunkMetabase": metabase.ref(),
            "trunkType": metabase.trunk_type,
            "managed": False,
            "properties": json.loads(json.dumps(metabase.template)),
        }

    # -- writes -------------------------------------------------------------------------------
    def create(self, raw: Any, client_id: str | None) -> dict[str, Any]:
        body = read_body(TrunkBaseBody, raw)
        metabase, values = self._check(body)
        with self._store.transaction() as tx:
            self._check_name(tx, body.name, exclude_id=None)
            now = now_iso()
            base_id = str(uuid.uuid4())
            doc = {
                "id": base_id,
                **self._config(body, metabase),
                "version": 1,
                "dateCreated": now,
                "dateModified": now,
                "createdBy": client_id,
                "modifiedBy": client_id,
                "selfUri": f"{BASES_PATH}/{base_id}",
            }
            try:
                tx.execute(
                    "INSERT INTO trunk_bases (id, state, name_lower, doc, properties) VALUES (?, ?, ?, ?, ?)",
                    (base_id, doc["state"], body.name.lower(), json.dumps(doc), json.dumps(values)),
                )
            except sqlite3.IntegrityError as exc:
                raise self._duplicate(body.name) from exc
            self._trunks.create(tx, doc, metabase, values, client_id)
            changes = self._changes({}, {}, self._audited(doc), values)
            self._audits.record(
                tx, action="Create", entity_type="TrunkBase", entity=doc, client_id=client_id, changes=changes
            )
        return self._render({"doc": json.dumps(doc), "properties": json.dumps(values)})

    def update(self, base_id: str, raw: Any, client_id: str | None) -> dict[str, Any]:
        body = read_body(TrunkBaseBody, raw)
        with self._store.transaction() as tx:
            row = self._row(tx, base_id, live=True)
            old, old_values = json.loads(row["doc"]), json.loads(row["properties"])
            if body.trunk_metabase.id != old["trunkMetabase"]["id"]:
                raise bad_request([FieldError("trunkMetabase.id", "cannot be changed; create a new trunk base")])
            metabase, values = self._check(body)
            if body.version is None:
                raise bad_request([FieldError("version", "is required on update; send the version read by GET")])
            if body.version < old["version"]:
                raise version_mismatch(STALE_VERSION)
            if body.version > old["version"]:
                raise ApiError(
                    400,
                    "bad.request",
                    f"The version {body.version} does not match the current version {old['version']}",
                )
            self._check_name(tx, body.name, exclude_id=base_id)
            doc = {
                **old,
                **self._config(body, metabase),
                "version": old["version"] + 1,
                "dateModified": now_iso(),
                "modifiedBy": client_id,
            }
            tx.execute(
                "UPDATE trunk_bases SET state = ?, name_lower = ?, doc = ?, properties = ? WHERE id = ?",
                (doc["state"], body.name.lower(), json.dumps(doc), json.dumps(values), base_id),
            )
            self._trunks.follow(tx, doc, old_values, values, client_id)
            changes = self._changes(self._audited(old), old_values, self._audited(doc), values)
            self._audits.record(
                tx, action="Update", entity_type="TrunkBase", entity=doc, client_id=client_id, changes=changes
            )
        return self._render({"doc": json.dumps(doc), "properties": json.dumps(values)})

    def delete(self, base_id: str, client_id: str | None) -> None:
        with self._store.transaction() as tx:
            row = self._row(tx, base_id, live=True)
            doc = json.loads(row["doc"])
            with self._lock:
                busy = self._in_use_until.get(base_id, 0) > time.time()
            user = self.named_by(tx, base_id)
            if busy or user is not None:
                by = f" by {user}" if user is not None else ""
                raise ApiError(
                    400,
                    "bad.request",
                    f"Trunk base settings {doc['name']} ({base_id}) is in use{by} and cannot be deleted",
                )
            doc.update(state="deleted", dateModified=now_iso(), modifiedBy=client_id)
            tx.execute("UPDATE trunk_bases SET state = 'deleted', doc = ? WHERE id = ?", (json.dumps(doc), base_id))
            self._trunks.delete(tx, base_id, doc["dateModified"])
            self._audits.record(
                tx, action="Delete", entity_type="TrunkBase", entity=doc, client_id=client_id, changes=[]
            )

    def live(self, base_id: str) -> dict[str, Any] | None:
        """A live base's document, or None (what a route may name)."""
        with self._store.reading() as tx:
            row = tx.one("SELECT doc, properties FROM trunk_bases WHERE id = ? AND state != 'deleted'", (base_id,))
        return self._render(row) if row is not None else None

    def hold_in_use(self, base_id: str, seconds: float) -> None:
        """Make DELETE answer 400 "in use" for ``seconds`` (0 ends it), as a base assigned elsewhere would."""
        with self._store.reading() as tx:
            self._row(tx, base_id, live=True)
        with self._lock:
            self._in_use_until[base_id] = time.time() + seconds

    # -- helpers ------------------------------------------------------------------------------
    def _check(self, body: TrunkBaseBody) -> tuple[Metabase, dict[str, Any]]:
        """Everything the models cannot say alone: metabase, sites, trunk type and the template's rules."""
        metabase = catalog.metabase(body.trunk_metabase.id)
        if metabase is None:
            known = ", ".join(m.id for m in catalog.METABASES)
            raise bad_request(
                [
                    FieldError(
                        "trunkMetabase.id",
                        f"unknown trunk metabase {body.trunk_metabase.id!r}; known: {known}",
                        "not.found",
                    )
                ]
            )
        errors: list[FieldError] = []
        if body.trunk_type is not None and body.trunk_type != metabase.trunk_type:
            errors.append(FieldError("trunkType", f"must be {metabase.trunk_type} for metabase {metabase.id}"))
        if metabase.byoc and body.inbound_site is None:
            errors.append(FieldError("inboundSite", "inboundSite is required for external BYOC trunks", "required"))
        if not metabase.byoc and body.inbound_site is not None:
            errors.append(
                FieldError(
                    "inboundSite",
                    f"inboundSite is only allowed for external BYOC trunks, not for metabase {metabase.id}",
                )
            )
        for path, ref in (("inboundSite.id", body.inbound_site), ("site.id", body.site)):
            if ref is not None and catalog.site(ref.id) is None:
                known = ", ".join(f"{s.id} ({s.name})" for s in catalog.SITES)
                errors.append(FieldError(path, f"unknown site {ref.id!r}; known: {known}", "not.found"))
        values, problems = properties.parse(metabase, body.properties or {})
        if "trunk_label" in metabase.template and not values.get("trunk_label"):
            values["trunk_label"] = body.name  # a real org labels a base by its name unless told otherwise
        errors += problems
        if errors:
            raise bad_request(errors)
        return metabase, values

    @staticmethod
    def _config(body: TrunkBaseBody, metabase: Metabase) -> dict[str, Any]:
        sites = {}
        for key, ref in (("site", body.site), ("inboundSite", body.inbound_site)):
            found = catalog.site(ref.id) if ref is not None else None
            sites[key] = found.ref() if found is not None else None
        return {
            "name": body.name,
            "description": body.description,
            "state": body.state or "active",
            "trunkMetabase": metabase.ref(),
            "trunkType": metabase.trunk_type,
            "managed": bool(body.managed),
            **sites,
        }

    @staticmethod
    def _audited(doc: dict[str, Any]) -> dict[str, Any]:
        """The top-level fields an audit reports, as plain values."""
        return {
            "name": doc.get("name"),
            "description": doc.get("description"),
            "state": doc.get("state"),
            "site": (doc.get("site") or {}).get("id"),
            "inboundSite": (doc.get("inboundSite") or {}).get("id"),
        }

    @staticmethod
    def _changes(
        old_fields: dict[str, Any], old_values: dict[str, Any], fields: dict[str, Any], values: dict[str, Any]
    ) -> list[dict[str, Any]]:
        changes = []
        for key, before, after in [
            *((k, old_fields.get(k), fields[k]) for k in fields),
            *((k, old_values.get(k), values[k]) for k in values),
        ]:
            if before != after:
                changes.append(
                    {
                        "property": key,
                        "oldValues": properties.audit_values(key, before),
                        "newValues": properties.audit_values(key, after),
                    }
                )
        return changes

    @staticmethod
    def _row(tx: Tx, base_id: str, *, live: bool) -> Any:
        row = tx.one("SELECT doc, properties, state FROM trunk_bases WHERE id = ?", (base_id,))
        if row is None or (live and row["state"] == "deleted"):
            raise not_found("Trunk base settings", base_id)
        return row

    def _check_name(self, tx: Tx, name: str, exclude_id: str | None) -> None:
        row = tx.one(
            "SELECT id FROM trunk_bases WHERE name_lower = ? AND state != 'deleted' AND id != ?",
            (name.lower(), exclude_id or ""),
        )
        if row is not None:
            raise self._duplicate(name)

    @staticmethod
    def _duplicate(name: str) -> ApiError:
        return ApiError(
            400,
            "duplicate.name",
            f"A trunk base settings named {name!r} already exists; names must be unique",
            [FieldError("name", f"{name!r} is already in use", "duplicate.name")],
        )

    @staticmethod
    def _render(row: Any) -> dict[str, Any]:
        doc = json.loads(row["doc"])
        metabase = catalog.metabase(doc["trunkMetabase"]["id"])
        assert metabase is not None
        return {**doc, "properties": properties.render(metabase, json.loads(row["properties"]))}
