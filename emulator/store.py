"""SQLite persistence: one connection, one lock, short transactions.

Every write goes through :meth:`Store.transaction`, which holds the lock and a ``BEGIN IMMEDIATE``
transaction, so a uniqueness check and the insert that depends on it can never interleave with another
request. Reads take the same lock: SQLite is fast enough that serialising is cheaper than reasoning
about per-thread connections.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from .paging import Page

SCHEMA_VERSION = 1

SCHEMA = """
CREATE TABLE IF NOT EXISTS edges (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,
    state TEXT NOT NULL,
    name_lower TEXT NOT NULL,
    edge_group_id TEXT NOT NULL,
    reg_host_lower TEXT NOT NULL,
    reg_username TEXT NOT NULL,
    password TEXT,
    doc TEXT NOT NULL
);
CREATE UNIQUE INDEX IF NOT EXISTS edges_registration_unique
    ON edges (edge_group_id, reg_host_lower, reg_username) WHERE state = 'active';
CREATE INDEX IF NOT EXISTS edges_name ON edges (name_lower);

CREATE TABLE IF NOT EXISTS webhooks (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,
    state TEXT NOT NULL,
    name_lower TEXT NOT NULL,
    doc TEXT NOT NULL
);

CREATE TABLE IF NOT EXISTS events (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,
    event_type TEXT NOT NULL,
    resource_id TEXT NOT NULL,
    doc TEXT NOT NULL
);

CREATE TABLE IF NOT EXISTS registrations (
    edge_id TEXT PRIMARY KEY, -- the id of the entity that registers: an edge, or a trunk instance
    due_at REAL NOT NULL,
    client_id TEXT,
    kind TEXT NOT NULL DEFAULT 'edge'
);

CREATE TABLE IF NOT EXISTS tokens (
    token_hash TEXT PRIMARY KEY,
    client_id TEXT NOT NULL,
    expires_at REAL NOT NULL
);

CREATE TABLE IF NOT EXISTS deliveries (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    webhook_id TEXT NOT NULL,
    event_id TEXT NOT NULL,
    event_type TEXT NOT NULL,
    target_uri TEXT NOT NULL,
    headers TEXT NOT NULL,
    status TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    last_error TEXT,
    next_attempt_at REAL NOT NULL,
    created_at REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS deliveries_pending ON deliveries (status, webhook_id, seq);
"""


class Tx:
    """An open transaction: SQL helpers plus hooks that run once the commit has succeeded."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self._conn = conn
        self._after_commit: list[Callable[[], None]] = []

    def execute(self, sql: str, params: tuple[Any, ...] | dict[str, Any] = ()) -> sqlite3.Cursor:
        return self._conn.execute(sql, params)

    def one(self, sql: str, params: tuple[Any, ...] | dict[str, Any] = ()) -> sqlite3.Row | None:
        return self._conn.execute(sql, params).fetchone()

    def count(self, sql: str, params: tuple[Any, ...] | dict[str, Any] = ()) -> int:
        """The single integer a ``SELECT COUNT(*) ...`` answers."""
        return int(self._conn.execute(sql, params).fetchone()[0])

    def all(self, sql: str, params: tuple[Any, ...] | dict[str, Any] = ()) -> list[sqlite3.Row]:
        return self._conn.execute(sql, params).fetchall()

    def after_commit(self, hook: Callable[[], None]) -> None:
        """Run ``hook`` after a successful commit (e.g. wake a worker that must see the new rows)."""
        if hook not in self._after_commit:
            self._after_commit.append(hook)


class Store:
    """The database file given with ``--db``; survives restarts, so every entity does too."""

    def __init__(self, path: str) -> None:
        self.path = path
        if path != ":memory:":
            Path(path).expanduser().parent.mkdir(parents=True, exist_ok=True)
        self._conn = sqlite3.connect(path, check_same_thread=False, isolation_level=None, timeout=30)
        self._conn.row_factory = sqlite3.Row
        self._lock = threading.RLock()
        with self._lock:
            if path != ":memory:":
                self._conn.execute("PRAGMA journal_mode=WAL")
            self._conn.execute("PRAGMA synchronous=NORMAL")
            self._conn.executescript(SCHEMA)
            columns = {row["name"] for row in self._conn.execute("PRAGMA table_info(registrations)")}
            if "kind" not in columns:  # a database written before trunk instances registered too
                self._conn.execute("ALTER TABLE registrations ADD COLUMN kind TEXT NOT NULL DEFAULT 'edge'")
            self._conn.execute(f"PRAGMA user_version={SCHEMA_VERSION}")

    def create_tables(self, schema: str) -> None:
        """Add a dialect's own tables (``CREATE TABLE IF NOT EXISTS ...``) to the shared database."""
        with self._lock:
            self._conn.executescript(schema)

    @contextmanager
    def transaction(self) -> Iterator[Tx]:
        """A write transaction, serialised with every other use of the database."""
        with self._lock:
            self._conn.execute("BEGIN IMMEDIATE")
            tx = Tx(self._conn)
            try:
                yield tx
            except BaseException:
                self._conn.execute("ROLLBACK")
                raise
            self._conn.execute("COMMIT")
        for hook in tx._after_commit:
            hook()

    @contextmanager
    def reading(self) -> Iterator[Tx]:
        """A consistent read (a transaction that only reads)."""
        with self._lock:
            self._conn.execute("BEGIN")
            try:
                yield Tx(self._conn)
            finally:
                self._conn.execute("COMMIT")

    def page_of_docs(self, table: str, where: str, params: tuple[Any, ...], page: Page) -> dict[str, Any]:
        """One page of a table's live JSON documents, in creation order, with the total that match."""
        with self.reading() as tx:
            total = tx.count(f"SELECT COUNT(*) FROM {table} WHERE {where}", params)
            rows = tx.all(
                f"SELECT doc FROM {table} WHERE {where} ORDER BY seq LIMIT ? OFFSET ?",
                (*params, page.size, page.offset),
            )
        return page.wrap([json.loads(r["doc"]) for r in rows], total)

    def close(self) -> None:
        with self._lock:
            self._conn.close()
