"""The provider process's watchdog: it ends with the pulumi CLI that started it."""

from __future__ import annotations

import os
import sys
import threading
import time

_lock = threading.Lock()
_watching = False


def _exit_with_the_cli() -> None:
    """In the provider process (`python -m pulumi.dynamic`, started by the pulumi CLI): exit when the CLI is
    gone. A SIGKILLed `pulumi up` leaves it running otherwise, still polling or retrying calls to Genesys with
    the stack's credentials while the user recovers the stack, and nothing reads its results any more."""
    global _watching
    spec = getattr(sys.modules.get("__main__"), "__spec__", None)
    with _lock:
        if _watching or spec is None or not spec.name.startswith("pulumi.dynamic"):
            return
        _watching = True
    cli = os.getppid()

    def watch() -> None:
        while os.getppid() == cli:
            time.sleep(0.5)
        os._exit(70)

    threading.Thread(target=watch, name="exit-with-the-cli", daemon=True).start()
