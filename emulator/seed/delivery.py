"""Webhook delivery: queued with the event, POSTed by a background thread, never on the request path.

Each delivery is a row in SQLite (so pending ones survive a restart). Only loopback targets are
contacted; anything else is recorded as ``not-delivered`` at once. A failed POST is retried
``deliveryRetries`` times with exponential backoff (``deliveryBackoffSeconds`` * 2^n). Deliveries to
one webhook go out in event order: only its oldest pending delivery is eligible.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from functools import lru_cache
from typing import Any
from urllib.parse import urlsplit

import httpx

from ..settings import RuntimeSettings, is_loopback_host
from ..store import Store, Tx
from ..worker import DueWorker
from .filters import EventFilter, FilterSyntaxError, parse_filter

log = logging.getLogger("emulator.delivery")

NOT_LOOPBACK = "target is not a loopback address; the emulator only delivers to 127.0.0.0/8, ::1 or localhost"


@lru_cache(maxsize=512)
def _filter(text: str) -> EventFilter | None:
    try:
        return parse_filter(text)
    except FilterSyntaxError:
        return None


def is_loopback_target(uri: str) -> bool:
    try:
        host = urlsplit(uri).hostname
    except ValueError:
        return False
    return host is not None and is_loopback_host(host)


class DeliveryQueue(DueWorker):
    """Queues deliveries in the event's transaction and sends them from a worker thread."""

    def __init__(self, store: Store, runtime: RuntimeSettings, workers: int = 4) -> None:
        super().__init__(log, "delivery dispatch failed")
        self._store = store
        self._runtime = runtime
        self._in_flight: set[int] = set()
        self._lock = threading.Lock()
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="emulator-delivery")
        self._http = httpx.Client(
            timeout=httpx.Timeout(3.0, connect=1.0), trust_env=False, verify=False, follow_redirects=False
        )

    # -- queueing (inside the event's transaction) --------------------------------------------
    def enqueue(self, tx: Tx, event: dict[str, Any]) -> None:
        now = time.time()
        for row in tx.all("SELECT id, doc FROM webhooks WHERE state = 'active' ORDER BY seq"):
            hook = json.loads(row["doc"])
            if not hook.get("enabled", True) or event["eventType"] not in hook.get("eventType", []):
                continue
            flt = _filter(hook.get("filterCriteria") or "")
            if flt is None or not flt.matches(event):
                continue
            loopback = is_loopback_target(hook["targetUri"])
            tx.execute(
                "INSERT INTO deliveries (webhook_id, event_id, event_type, target_uri, headers, status, attempts,"
                " last_error, next_attempt_at, created_at) VALUES (?, ?, ?, ?, ?, ?, 0, ?, ?, ?)",
                (
                    row["id"],
                    event["id"],
                    event["eventType"],
                    hook["targetUri"],
                    json.dumps(hook.get("headers") or {}),
                    "pending" if loopback else "not-delivered",
                    None if loopback else NOT_LOOPBACK,
                    now,
                    now,
                ),
            )
        tx.after_commit(self.wake)

    # -- reporting ----------------------------------------------------------------------------
    def list(self, webhook_id: str | None = None) -> list[dict[str, Any]]:
        sql = "SELECT * FROM deliveries"
        params: tuple[Any, ...] = ()
        if webhook_id:
            sql += " WHERE webhook_id = ?"
            params = (webhook_id,)
        with self._store.reading() as tx:
            rows = tx.all(sql + " ORDER BY seq", params)
        return [
            {
                "webhookId": r["webhook_id"],
                "eventId": r["event_id"],
                "eventType": r["event_type"],
                "targetUri": r["target_uri"],
                "status": r["status"],
                "attempts": r["attempts"],
                "lastError": r["last_error"],
            }
            for r in rows
        ]

    # -- worker -------------------------------------------------------------------------------
    def start(self) -> None:
        self._start_thread("emulator-delivery-dispatch")

    def stop(self) -> None:
        super().stop()
        self._pool.shutdown(wait=True, cancel_futures=True)
        self._http.close()

    def _work_due(self) -> float:
        """Start every eligible delivery; return how long to sleep before the next one is due."""
        now = time.time()
        with self._store.reading() as tx:
            rows = tx.all(
                "SELECT d.seq, d.next_attempt_at FROM deliveries d WHERE d.status = 'pending' AND d.seq ="
                " (SELECT MIN(seq) FROM deliveries e WHERE e.webhook_id = d.webhook_id AND e.status = 'pending')"
            )
        next_due = 1.0
        for row in rows:
            seq, due = row["seq"], row["next_attempt_at"]
            with self._lock:
                if seq in self._in_flight:
                    continue
                if due <= now:
                    self._in_flight.add(seq)
            if due <= now:
                self._pool.submit(self._attempt, seq)
            else:
                next_due = min(next_due, due - now)
        return max(0.0, next_due)

    def _attempt(self, seq: int) -> None:
        try:
            with self._store.reading() as tx:
                row = tx.one(
                    "SELECT d.*, e.doc AS event_doc FROM deliveries d JOIN events e ON e.id = d.event_id"
                    " WHERE d.seq = ?",
                    (seq,),
                )
            if row is None or row["status"] != "pending":
                return
            headers = {
                **json.loads(row["headers"]),
                "Content-Type": "application/json",
                "X-Genesys-Event-Type": row["event_type"],
            }
            error: str | None = None
            try:
                reply = self._http.post(row["target_uri"], content=row["event_doc"].encode(), headers=headers)
                if not 200 <= reply.status_code < 300:
                    error = f"target answered HTTP {reply.status_code}"
            except httpx.HTTPError as exc:
                error = f"{type(exc).__name__}: {exc}"[:300]
            self._record(seq, row["attempts"] + 1, error)
        except Exception:
            log.exception("delivery %s failed unexpectedly", seq)
        finally:
            with self._lock:
                self._in_flight.discard(seq)
            self.wake()

    def _record(self, seq: int, attempts: int, error: str | None) -> None:
        if error is None:
            status, next_at = "delivered", time.time()
        elif attempts > self._runtime.delivery_retries:
            status, next_at = "failed", time.time()
        else:
            status = "pending"
            next_at = time.time() + self._runtime.delivery_backoff_seconds * 2 ** (attempts - 1)
        with self._store.transaction() as tx:
            tx.execute(
                "UPDATE deliveries SET status = ?, attempts = ?, last_error = ?, next_attempt_at = ? WHERE seq = ?",
                (status, attempts, error, next_at, seq),
            )
