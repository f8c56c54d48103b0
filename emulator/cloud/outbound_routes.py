"""A site's outbound routes: which of the site's calls (by number-plan classification) leave on which trunk bases.

Every Cloud site has a "Default Outbound Route" from the start, as the platform makes one with every Cloud
site (a real org's export shows it with Emergency, National, Network and International, SEQUENTIAL, enabled);
here it names no trunk base. The rules the sources show: a name once per site ("OutboundRoute with name '...'
already exists."), classifications from the site's number plans, only EXTERNAL trunk bases, a version on every
update (409 for a stale one), and a trunk base a route names cannot be deleted (the trunk base service asks
``named_by``). Whether a site refuses one classification on two routes is not known: CX-as-Code's acceptance
tests create National, International and Network routes beside a fresh Cloud site's default route, so it is
accepted here. A route is deleted for good (a GET then answers 404), as those tests wait for.
"""

from __future__ import annotations

import json
import sqlite3
import uuid
from collections.abc import Callable
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from ..bodies import read_body
from ..documents import SEEDED_AT
from ..errors import ApiError, FieldError, bad_request, not_found, version_mismatch
from ..paging import Page
from ..store import Store, Tx
from ..timeutil import now_iso
from . import catalog, sites
from .audits import AuditLog
from .trunkbases import EntityRef

DEFAULT_ROUTE = "Default Outbound Route"
#: What the platform gives a new Cloud site's default route.
DEFAULT_CLASSIFICATIONS = ("Emergency", "National", "Network", "International")
ENTITY_TYPE = "OutboundRoute"

SCHEMA = """
CREATE TABLE IF NOT EXISTS outbound_routes (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,
    site_id TEXT NOT NULL,
    name_lower TEXT NOT NULL,
    doc TEXT NOT NULL
);
CREATE UNIQUE INDEX IF NOT EXISTS outbound_routes_name_unique ON outbound_routes (site_id, name_lower);
"""


class OutboundRouteBody(BaseModel):
    """The writable part of an ``OutboundRouteBase``; read-only fields sent back from a GET are ignored."""

    model_config = ConfigDict(strict=True, extra="ignore", populate_by_name=True)
    name: str = Field(min_length=1, max_length=200)
    description: str | None = Field(None, max_length=500)
    classification_types: list[str] = Field(alias="classificationTypes", min_length=1)
    enabled: bool | None = None
    distribution: Literal["SEQUENTIAL", "RANDOM"] | None = None
    external_trunk_bases: list[EntityRef] = Field(default_factory=list, alias="externalTrunkBases")
    version: int | None = None


def route_path(site_id: str) -> str:
    return f"{catalog.SITES_PATH}/{site_id}/outboundroutes"


class OutboundRoutes:
    """Routes by site; ``trunk_base(id)`` gives a live trunk base's document (None when there is none)."""

    def __init__(self, store: Store, audits: AuditLog, trunk_base: Callable[[str], dict[str, Any] | None]) -> None:
        self._store = store
        self._audits = audits
        self._trunk_base = trunk_base
        store.create_tables(SCHEMA)
        self._default_routes()

    # -- reads --------------------------------------------------------------------------------
    def list_routes(
        self, site_id: str, page: Page, *, name: str | None, trunk_base_ids: list[str], descending: bool
    ) -> dict[str, Any]:
        """The site's routes by name (exact, any case; a trailing ``*`` is a wildcard), or those naming one of
        ``trunk_base_ids``."""
        sites.site(site_id)
        with self._store.reading() as tx:
            rows = tx.all("SELECT doc FROM outbound_routes WHERE site_id = ? ORDER BY name_lower, seq", (site_id,))
        routes = [json.loads(r["doc"]) for r in rows]
        if name:
            wanted = name.lower()
            if wanted.endswith("*"):
                routes = [r for r in routes if r["name"].lower().startswith(wanted[:-1])]
            else:
                routes = [r for r in routes if r["name"].lower() == wanted]
        if trunk_base_ids:
            routes = [r for r in routes if {b["id"] for b in r["externalTrunkBases"]} & set(trunk_base_ids)]
        if descending:
            routes.reverse()
        return page.slice(routes)

    def get(self, site_id: str, route_id: str) -> dict[str, Any]:
        sites.site(site_id)
        with self._store.reading() as tx:
            return json.loads(self._row(tx, site_id, route_id)["doc"])

    @staticmethod
    def named_by(tx: Tx, base_id: str) -> str | None:
        """The first route naming trunk base ``base_id``, as "'name' of site 'site'", or None (in the caller's
        transaction: a delete of the base and a route that names it never interleave)."""
        rows = tx.all("SELECT site_id, doc FROM outbound_routes ORDER BY seq")
        for row in rows:
            doc = json.loads(row["doc"])
            if any(b["id"] == base_id for b in doc["externalTrunkBases"]):
                site = catalog.site(row["site_id"])
                return f"outbound route {doc['name']!r} of site {site.name if site else row['site_id']!r}"
        return None

    # -- writes -------------------------------------------------------------------------------
    def create(self, site_id: str, raw: Any, client_id: str | None) -> dict[str, Any]:
        body = read_body(OutboundRouteBody, raw)
        bases = self._check(site_id, body)
        with self._store.transaction() as tx:
            now = now_iso()
            route_id = str(uuid.uuid4())
            doc = {
                "id": route_id,
                **self._config(body, bases),
                "state": "active",
                "version": 1,
                "dateCreated": now,
                "dateModified": now,
                "createdBy": client_id,
                "modifiedBy": client_id,
                "selfUri": f"{route_path(site_id)}/{route_id}",
            }
            self._insert(tx, site_id, doc, body.name)
            self._audits.record(
                tx, action="Create", entity_type=ENTITY_TYPE, entity=doc, client_id=client_id, changes=[]
            )
        return doc

    def update(self, site_id: str, route_id: str, raw: Any, client_id: str | None) -> dict[str, Any]:
        body = read_body(OutboundRouteBody, raw)
        bases = self._check(site_id, body)
        with self._store.transaction() as tx:
            old = json.loads(self._row(tx, site_id, route_id)["doc"])
            if body.version is None:
                raise bad_request([FieldError("version", "is required on update; send the version read by GET")])
            if body.version != old["version"]:
                raise version_mismatch()
            doc = {
                **old,
                **self._config(body, bases),
                "version": old["version"] + 1,
                "dateModified": now_iso(),
                "modifiedBy": client_id,
            }
            try:
                tx.execute(
                    "UPDATE outbound_routes SET name_lower = ?, doc = ? WHERE id = ?",
                    (body.name.lower(), json.dumps(doc), route_id),
                )
            except sqlite3.IntegrityError as exc:
                raise _duplicate(body.name) from exc
            self._audits.record(
                tx,
                action="Update",
                entity_type=ENTITY_TYPE,
                entity=doc,
                client_id=client_id,
                changes=_changes(old, doc),
            )
        return doc

    def delete(self, site_id: str, route_id: str, client_id: str | None) -> None:
        sites.site(site_id)
        with self._store.transaction() as tx:
            doc = json.loads(self._row(tx, site_id, route_id)["doc"])
            tx.execute("DELETE FROM outbound_routes WHERE id = ?", (route_id,))
            self._audits.record(
                tx, action="Delete", entity_type=ENTITY_TYPE, entity=doc, client_id=client_id, changes=[]
            )

    # -- helpers ------------------------------------------------------------------------------
    def _default_routes(self) -> None:
        """Each Cloud site's default route, made once (a database from before routes existed gets them too)."""
        with self._store.transaction() as tx:
            for site in catalog.SITES:
                if site.media_model != "Cloud":
                    continue
                known = tx.one(
                    "SELECT id FROM outbound_routes WHERE site_id = ? AND name_lower = ?",
                    (site.id, DEFAULT_ROUTE.lower()),
                )
                if known is not None:
                    continue
                route_id = str(uuid.uuid5(uuid.NAMESPACE_URL, f"{site.id}/{DEFAULT_ROUTE}"))
                doc = {
                    "id": route_id,
                    "name": DEFAULT_ROUTE,
                    "description": None,
                    "classificationTypes": list(DEFAULT_CLASSIFICATIONS),
                    "enabled": True,
                    "distribution": "SEQUENTIAL",
                    "externalTrunkBases": [],
                    "state": "active",
                    "version": 1,
                    "dateCreated": SEEDED_AT,
                    "dateModified": SEEDED_AT,
                    "selfUri": f"{route_path(site.id)}/{route_id}",
                }
                self._insert(tx, site.id, doc, DEFAULT_ROUTE)

    def _check(self, site_id: str, body: OutboundRouteBody) -> list[dict[str, Any]]:
        """The classifications are the site's, the trunk bases live EXTERNAL ones; each problem names its field."""
        errors: list[FieldError] = []
        allowed = sites.classifications(site_id)
        for i, kind in enumerate(body.classification_types):
            if kind not in allowed:
                errors.append(
                    FieldError(
                        f"classificationTypes[{i}]",
                        f"{kind!r} is not a classification of the site's number plans; they are: {', '.join(allowed)}",
                    )
                )
        seen: set[str] = set()
        bases = []
        for i, ref in enumerate(body.external_trunk_bases):
            base = self._trunk_base(ref.id)
            path = f"externalTrunkBases[{i}].id"
            if base is None:
                errors.append(FieldError(path, f"trunk base settings {ref.id!r} does not exist", "not.found"))
            elif base["trunkType"] != "EXTERNAL":
                errors.append(FieldError(path, f"{base['name']!r} is a {base['trunkType']} trunk base, not EXTERNAL"))
            elif ref.id in seen:
                errors.append(FieldError(path, f"{base['name']!r} is listed more than once"))
            else:
                bases.append(base)
            seen.add(ref.id)
        if errors:
            raise bad_request(errors)
        return bases

    @staticmethod
    def _config(body: OutboundRouteBody, bases: list[dict[str, Any]]) -> dict[str, Any]:
        return {
            "name": body.name,
            "description": body.description,
            "classificationTypes": list(body.classification_types),
            "enabled": body.enabled if body.enabled is not None else False,
            "distribution": body.distribution or "SEQUENTIAL",
            "externalTrunkBases": [{"id": b["id"], "name": b["name"], "selfUri": b["selfUri"]} for b in bases],
        }

    @staticmethod
    def _insert(tx: Tx, site_id: str, doc: dict[str, Any], name: str) -> None:
        try:
            tx.execute(
                "INSERT INTO outbound_routes (id, site_id, name_lower, doc) VALUES (?, ?, ?, ?)",
                (doc["id"], site_id, name.lower(), json.dumps(doc)),
            )
        except sqlite3.IntegrityError as exc:
            raise _duplicate(name) from exc

    @staticmethod
    def _row(tx: Tx, site_id: str, route_id: str) -> Any:
        row = tx.one("SELECT doc FROM outbound_routes WHERE id = ? AND site_id = ?", (route_id, site_id))
        if row is None:
            raise not_found("Outbound route", route_id)
        return row


def _duplicate(name: str) -> ApiError:
    return ApiError(
        400,
        "bad.request",
        f"OutboundRoute with name '{name}' already exists.",
        [FieldError("name", f"{name!r} is already the name of a route of this site", "duplicate.name")],
    )


def _changes(old: dict[str, Any], new: dict[str, Any]) -> list[dict[str, Any]]:
    def shown(key: str, doc: dict[str, Any]) -> list[str]:
        value = doc.get(key)
        if key == "externalTrunkBases":
            return [b["id"] for b in value or []]
        if isinstance(value, list):
            return [str(v) for v in value]
        return [] if value is None else [json.dumps(value) if not isinstance(value, str) else value]

    keys = ("name", "description", "classificationTypes", "enabled", "distribution", "externalTrunkBases")
    return [
        {"property": key, "oldValues": shown(key, old), "newValues": shown(key, new)}
        for key in keys
        if old.get(key) != new.get(key)
    ]
