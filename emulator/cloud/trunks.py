"""Trunk instances: what the platform creates for each trunk base, one per cloud edge, with the status a
client watches (``connectedStatus``, ``optionsStatus``, ``registersStatus``, ``inService``).

The status comes from the seed's simulated carrier (:func:`~emulator.registration.carrier_outcome`) once
the registration delay has passed, through the same registration schedule as the seed's edges.
"""

from __future__ import annotations

import json
import uuid
from typing import Any

from ..errors import not_found
from ..paging import Page
from ..registration import UNREACHABLE, RegistrationScheduler, carrier_outcome
from ..store import Store, Tx
from ..timeutil import now_iso
from . import catalog
from .catalog import ENABLED_KEY, PASSWORD_KEY, PROXY_KEY, USERNAME_KEY, Metabase

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

SCHEMA = """
CREATE TABLE IF NOT EXISTS trunks (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,
    trunk_base_id TEXT NOT NULL,
    doc TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS trunks_base ON trunks (trunk_base_id);
"""


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
    username = values.get(USERNAME_KEY) or None
    registers = bool(username or password)
    enabled = values.get(ENABLED_KEY) is not False
    options, registrations, connected = [], [], settled and bool(proxies)
    for proxy in proxies:
        host = _proxy_host(proxy)
        status, reason = carrier_outcome(host, password, username=username) if settled else ("registering", None)
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


def _base_ref(base: dict[str, Any]) -> dict[str, Any]:
    return {"id": base["id"], "name": base["name"], "selfUri": base["selfUri"]}


class TrunkInstances:
    def __init__(self, store: Store, registrations: RegistrationScheduler) -> None:
        self._store = store
        self._registrations = registrations
        store.create_tables(SCHEMA)

    # -- reads --------------------------------------------------------------------------------
    def list_trunks(
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

    # -- following the base's writes, in the base's transaction --------------------------------
    def create(
        self, tx: Tx, base: dict[str, Any], metabase: Metabase, values: dict[str, Any], client_id: str | None
    ) -> None:
        """One instance per cloud edge, registering."""
        for edge_id, edge_name in catalog.CLOUD_EDGES:
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
                "trunkBase": _base_ref(base),
                "trunkMetabase": metabase.ref(),
                "family": 4,
                **_instance_status(values, now, settled=False),
                "selfUri": f"{TRUNKS_PATH}/{trunk_id}",
            }
            tx.execute(
                "INSERT INTO trunks (id, trunk_base_id, doc) VALUES (?, ?, ?)",
                (trunk_id, base["id"], json.dumps(instance)),
            )
            self._registrations.schedule(tx, trunk_id, client_id, REGISTRATION_KIND)

    def follow(
        self, tx: Tx, base: dict[str, Any], old: dict[str, Any], values: dict[str, Any], client_id: str | None
    ) -> None:
        """Carry a base's update to its instances: the new name, and a new registration when the carrier
        settings changed."""
        reregister = any(old.get(k) != values.get(k) for k in REGISTRATION_KEYS)
        for trunk in tx.all("SELECT id, doc FROM trunks WHERE trunk_base_id = ?", (base["id"],)):
            instance = json.loads(trunk["doc"])
            instance.update(name=f"{base['name']} ({instance['edge']['name']})", trunkBase=_base_ref(base))
            if reregister:
                instance.update(_instance_status(values, now_iso(), settled=False))
                self._registrations.schedule(tx, trunk["id"], client_id, REGISTRATION_KIND)
            tx.execute("UPDATE trunks SET doc = ? WHERE id = ?", (json.dumps(instance), trunk["id"]))

    def delete(self, tx: Tx, base_id: str, when: str) -> None:
        for trunk in tx.all("SELECT id, doc FROM trunks WHERE trunk_base_id = ?", (base_id,)):
            instance = json.loads(trunk["doc"])
            instance.update(state="deleted", inService=False, dateModified=when)
            tx.execute("UPDATE trunks SET doc = ? WHERE id = ?", (json.dumps(instance), trunk["id"]))
            self._registrations.cancel(tx, trunk["id"])
