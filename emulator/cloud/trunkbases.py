"""Trunk base settings and the trunk instances the platform creates for each, in the shared database.

A base is soft-deleted: it keeps its row in ``state: deleted`` (listed, readable by id, never writable),
as the real API keeps deleted entities. Each base gets one trunk instance per cloud edge; an instance's
status comes from the same simulated carrier as the seed's registrations, after the registration delay.
"""

from __future__ import annotations

import json
import sqlite3
import threading
import time
import uuid
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from .. import errors
from ..bodies import read_body
from ..errors import ApiError, FieldError, bad_request, not_found, version_mismatch
from ..paging import Page
from ..registration import UNREACHABLE, RegistrationScheduler, carrier_outcome
from ..store import Store, Tx
from ..timeutil import now_iso
from . import catalog, properties
from .audits import AuditLog
from .catalog import ENABLED_KEY, PASSWORD_KEY, PROXY_KEY, USERNAME_KEY, Metabase

BASES_PATH = f"{catalog.EDGES_PATH}/trunkbasesettings"
TRUNKS_PATH = f"{catalog.EDGES_PATH}/trunks"
REGISTRATION_KIND = "trunk"
# a change to one of these makes every instance of the base register again
REGISTRATION_KEYS = frozenset(
    {
        PROXY_KEY,
        PASSWORD_KEY,
        USERNAME_KEY,
        ENABLED_KEY,
        "trunk_transport_protocolVariant",
        "trunk_sip_authentication_credentials_realm",
    }
)
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
CREATE TABLE IF NOT EXISTS trunks (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,
    trunk_base_id TEXT NOT NULL,
    doc TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS trunks_base ON trunks (trunk_base_id);
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


def _proxy_host(proxy: str) -> str:
    """``host`` from ``host`` or ``host:port`` (an IPv6 literal in brackets keeps its colons)."""
    if proxy.startswith("["):
        return proxy[1 : proxy.find("]")] if "]" in proxy else proxy
    return proxy.rsplit(":", 1)[0] if proxy.count(":") == 1 else proxy


def _error_info(text: str, code: str, hostname: str) -> dict[str, Any]:
    return {"text": text, "code": code, "details": {"code": code, "message": text, "hostname": hostname}}


def _instance_status(values: dict[str, Any], now: str, settled: bool) -> dict[str, Any]:
    """The status fields of a ``Trunk``: registering until ``settled``, then the carrier's answer per proxy."""
    proxies = [p for p in values.get(PROXY_KEY) or [] if isinstance(p, str)]
    password = values.get(PASSWORD_KEY) or None
    registers = bool(values.get(USERNAME_KEY) or password)
    enabled = values.get(ENABLED_KEY) is not False
    options, registrations, connected = [], [], settled and bool(proxies)
    for proxy in proxies:
        host = _proxy_host(proxy)
        status, reason = carrier_outcome(host, password) if settled else ("registering", None)
        reachable = settled and reason != UNREACHABLE
        option = {"proxyAddress": proxy, "optionState": reachable, "optionStateTime": now}
        if settled and not reachable:
            option["errorInfo"] = _error_info(reason or "", "sip.options.timeout", host)
        options.append(option)
        if registers:
            register = {"proxyAddress": proxy, "registerState": status == "registered", "registerStateTime": now}
            if settled and status != "registered":
                register["errorInfo"] = _error_info(reason or "", "sip.register.failed", host)
            registrations.append(register)
        connected = connected and status == "registered"
    return {
        "enabled": enabled,
        "inService": connected and enabled,
        "connectedStatus": {"connected": connected, "connectedStateTime": now},
        "optionsStatus": options,
        "registersStatus": registrations,
        "optionsEnabledStatus": "ENABLED",
        "registersEnabledStatus": "ENABLED" if registers else "DISABLED",
        "proxyAddressList": proxies,
    }


class TrunkBaseService:
    def __init__(self, store: Store, audits: AuditLog, registrations: RegistrationScheduler) -> None:
        self._store = store
        self._audits = audits
        self._registrations = registrations
        self._in_use_until: dict[str, float] = {}
        self._lock = threading.Lock()
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
        metabase, values = self._check(body, stored=None)
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
            for edge_id, edge_name in catalog.CLOUD_EDGES:
                self._create_instance(tx, doc, metabase, values, edge_id, edge_name, client_id)
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
            metabase, values = self._check(body, stored=old_values)
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
            reregister = any(old_values.get(k) != values.get(k) for k in REGISTRATION_KEYS)
            for trunk in tx.all("SELECT id, doc FROM trunks WHERE trunk_base_id = ?", (base_id,)):
                instance = json.loads(trunk["doc"])
                instance.update(name=f"{doc['name']} ({instance['edge']['name']})", trunkBase=self._ref(doc))
                if reregister:
                    instance.update(_instance_status(values, now_iso(), settled=False))
                    self._registrations.schedule(tx, trunk["id"], client_id, REGISTRATION_KIND)
                tx.execute("UPDATE trunks SET doc = ? WHERE id = ?", (json.dumps(instance), trunk["id"]))
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
            if busy:
                raise ApiError(
                    400,
                    "bad.request",
                    f"Trunk base settings {doc['name']} ({base_id}) is in use and cannot be deleted",
                )
            doc.update(state="deleted", dateModified=now_iso(), modifiedBy=client_id)
            tx.execute("UPDATE trunk_bases SET state = 'deleted', doc = ? WHERE id = ?", (json.dumps(doc), base_id))
            for trunk in tx.all("SELECT id, doc FROM trunks WHERE trunk_base_id = ?", (base_id,)):
                instance = json.loads(trunk["doc"])
                instance.update(state="deleted", inService=False, dateModified=doc["dateModified"])
                tx.execute("UPDATE trunks SET doc = ? WHERE id = ?", (json.dumps(instance), trunk["id"]))
                self._registrations.cancel(tx, trunk["id"])
            self._audits.record(
                tx, action="Delete", entity_type="TrunkBase", entity=doc, client_id=client_id, changes=[]
            )

    def hold_in_use(self, base_id: str, seconds: float) -> None:
        """Make DELETE answer 400 "in use" for ``seconds`` (0 ends it), as a base assigned elsewhere would."""
        with self._store.reading() as tx:
            self._row(tx, base_id, live=True)
        with self._lock:
            self._in_use_until[base_id] = time.time() + seconds

    # -- trunk instances ----------------------------------------------------------------------
    def trunks(
        self, page: Page, *, trunk_base_id: str | None, trunk_type: str | None, edge_id: str | None
    ) -> dict[str, Any]:
        with self._store.reading() as tx:
            query = "SELECT doc FROM trunks WHERE trunk_base_id = ?" if trunk_base_id else "SELECT doc FROM trunks"
            rows = tx.all(query + " ORDER BY seq", (trunk_base_id,) if trunk_base_id else ())
        docs = [json.loads(r["doc"]) for r in rows]
        docs = [
            d
            for d in docs
            if (trunk_type is None or d["trunkType"] == trunk_type) and (edge_id is None or d["edge"]["id"] == edge_id)
        ]
        return page.slice(docs)

    def trunk(self, trunk_id: str) -> dict[str, Any]:
        with self._store.reading() as tx:
            row = tx.one("SELECT doc FROM trunks WHERE id = ?", (trunk_id,))
        if row is None:
            raise not_found("Trunk", trunk_id)
        return json.loads(row["doc"])

    def metrics(self, trunk_id: str) -> dict[str, Any]:
        """``TrunkMetrics``: the simulated carrier carries no calls."""
        trunk = self.trunk(trunk_id)
        return {
            "eventTime": now_iso(),
            "trunk": {"id": trunk["id"], "name": trunk["name"], "selfUri": trunk["selfUri"]},
            "calls": {"inboundCallCount": 0, "outboundCallCount": 0},
            "qos": {"mismatchCount": 0},
        }

    def complete_registration(self, trunk_id: str) -> None:
        """Settle an instance whose registration fell due (called by the registration worker)."""
        with self._store.transaction() as tx:
            due, _ = self._registrations.claim(tx, trunk_id)
            row = tx.one(
                "SELECT t.doc, b.properties FROM trunks t JOIN trunk_bases b ON b.id = t.trunk_base_id"
                " WHERE t.id = ? AND b.state != 'deleted'",
                (trunk_id,),
            )
            if not due or row is None:
                return
            instance = json.loads(row["doc"])
            instance.update(_instance_status(json.loads(row["properties"]), now_iso(), settled=True))
            tx.execute("UPDATE trunks SET doc = ? WHERE id = ?", (json.dumps(instance), trunk_id))

    # -- helpers ------------------------------------------------------------------------------
    def _check(self, body: TrunkBaseBody, stored: dict[str, Any] | None) -> tuple[Metabase, dict[str, Any]]:
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
        values, problems = properties.parse(metabase, body.properties or {}, stored)
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
    def _ref(doc: dict[str, Any]) -> dict[str, Any]:
        return {"id": doc["id"], "name": doc["name"], "selfUri": doc["selfUri"]}

    def _create_instance(
        self,
        tx: Tx,
        base: dict[str, Any],
        metabase: Metabase,
        values: dict[str, Any],
        edge_id: str,
        edge_name: str,
        client_id: str | None,
    ) -> None:
        trunk_id = str(uuid.uuid4())
        now = base["dateCreated"]
        instance = {
            "id": trunk_id,
            "name": f"{base['name']} ({edge_name})",
            "version": 1,
            "state": "active",
            "dateCreated": now,
            "dateModified": now,
            "trunkType": metabase.trunk_type,
            "edge": catalog.ref(edge_id, edge_name, catalog.EDGES_PATH),
            "trunkBase": self._ref(base),
            "trunkMetabase": metabase.ref(),
            "family": 4,
            **_instance_status(values, now, settled=False),
            "selfUri": f"{TRUNKS_PATH}/{trunk_id}",
        }
        tx.execute(
            "INSERT INTO trunks (id, trunk_base_id, doc) VALUES (?, ?, ?)", (trunk_id, base["id"], json.dumps(instance))
        )
        self._registrations.schedule(tx, trunk_id, client_id, REGISTRATION_KIND)

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
