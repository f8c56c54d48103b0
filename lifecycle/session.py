"""The provider process's watchdog: it ends with the pulumi CLI that started it."""

from __future__ import annotations

import sys

from . import lifeline


def _exit_with_the_cli() -> None:
    """In the provider process (`python -m pulumi.dynamic`, started by the pulumi CLI): exit when the CLI is
    gone. A SIGKILLed `pulumi up` leaves it running otherwise, still polling or retrying calls to Genesys with
    the stack's credentials while the user recovers the stack, and nothing reads its results any more."""
    spec = getattr(sys.modules.get("__main__"), "__spec__", None)
    if spec is not None and spec.name.startswith("pulumi.dynamic"):
        lifeline.exit_with_parent(70)
