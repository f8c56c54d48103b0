"""A background thread that does whatever has fallen due, then sleeps until the next thing is due or it is
woken (after a commit that queued work): the registration and delivery workers alike."""

from __future__ import annotations

import logging
import threading


class DueWorker:
    """A subclass says what falls due in ``_work_due``; one failure never stops the thread."""

    def __init__(self, log: logging.Logger, failure: str) -> None:
        self._log = log
        self._failure = failure
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def _start_thread(self, name: str) -> None:
        self._thread = threading.Thread(target=self._run, name=name, daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def wake(self) -> None:
        self._wake.set()

    def _run(self) -> None:
        while not self._stop.is_set():
            self._wake.clear()
            try:
                timeout = self._work_due()
            except Exception:  # keep working whatever one bad row does
                self._log.exception(self._failure)
                timeout = 1.0
            self._wake.wait(timeout)

    def _work_due(self) -> float:
        """Do what has fallen due; return how long to sleep before the next thing is due."""
        raise NotImplementedError
