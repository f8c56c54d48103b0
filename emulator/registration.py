"""Asynchronous carrier registration: the schedule (a due time per edge, in SQLite) and its worker.

An edge (or a trunk instance of the Platform API) is "registering" until its due time; then the worker
asks the service of its kind to settle it. The due time lives in the database, so a registration pending
when the emulator stops completes after the next start.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Mapping

from .settings import RuntimeSettings
from .store import Store, Tx
from .worker import DueWorker

log = logging.getLogger("emulator.registration")

REJECTED_PASSWORDS = frozenset({"wrong-password"})
MIN_PASSWORD_LENGTH = 8
UNREACHABLE = "carrier host unreachable"
REJECTED = "carrier rejected credentials"


def carrier_outcome(host: str, password: str | None, *, username: str | None = None) -> tuple[str, str | None]:
    """What the simulated carrier answers: ("registered", None) or ("failed", reason). A digest username
    without a password is refused, as a carrier that expects credentials refuses a request without them."""
    if host.rstrip(".").lower().endswith(".invalid"):
        return "failed", UNREACHABLE
    if password is not None and (password in REJECTED_PASSWORDS or len(password) < MIN_PASSWORD_LENGTH):
        return "failed", REJECTED
    if username and not password:
        return "failed", f"{REJECTED}: no password"
    return "registered", None


class RegistrationScheduler(DueWorker):
    """Keeps due times and runs a thread that completes registrations when they fall due."""

    def __init__(self, store: Store, runtime: RuntimeSettings) -> None:
        super().__init__(log, "registration worker failed")
        self._store = store
        self._runtime = runtime
        self._completers: Mapping[str, Callable[[str], None]] = {}

    def schedule(self, tx: Tx, entity_id: str, client_id: str | None, kind: str = "edge") -> float:
        """(Re)start the registration of ``entity_id``; returns its due time (epoch seconds)."""
        due = time.time() + self._runtime.registration_delay_seconds
        tx.execute(
            "INSERT INTO registrations (edge_id, due_at, client_id, kind) VALUES (?, ?, ?, ?)"
            " ON CONFLICT (edge_id) DO UPDATE SET due_at = excluded.due_at, client_id = excluded.client_id,"
            " kind = excluded.kind",
            (entity_id, due, client_id, kind),
        )
        tx.after_commit(self.wake)
        return due

    def cancel(self, tx: Tx, entity_id: str) -> None:
        tx.execute("DELETE FROM registrations WHERE edge_id = ?", (entity_id,))

    def claim(self, tx: Tx, entity_id: str) -> tuple[bool, str | None]:
        """Take a registration that has fallen due off the schedule: (True, the client that started it).

        (False, None) when it was settled already or rescheduled by a later write meanwhile.
        """
        pending = tx.one("SELECT due_at, client_id FROM registrations WHERE edge_id = ?", (entity_id,))
        if pending is None or pending["due_at"] > time.time():
            return False, None
        self.cancel(tx, entity_id)
        return True, pending["client_id"]

    def pending(self) -> int:
        with self._store.reading() as tx:
            row = tx.one("SELECT COUNT(*) AS n FROM registrations")
        return int(row["n"]) if row else 0

    def start(self, completers: Mapping[str, Callable[[str], None]]) -> None:
        """Run the worker; ``completers`` settles a due registration, by kind."""
        self._completers = completers
        self._start_thread("emulator-registration")

    def _work_due(self) -> float:
        now = time.time()
        with self._store.reading() as tx:
            rows = tx.all("SELECT edge_id, due_at, kind FROM registrations ORDER BY due_at")
        next_due = 1.0
        for row in rows:
            if self._stop.is_set():
                break
            if row["due_at"] <= now:
                complete = self._completers.get(row["kind"])
                if complete is None:
                    log.error("no service settles registrations of kind %s", row["kind"])
                    continue
                try:
                    complete(row["edge_id"])
                except Exception:
                    log.exception("completing registration of %s %s failed", row["kind"], row["edge_id"])
            else:
                next_due = min(next_due, row["due_at"] - now)
        return max(0.0, next_due)
