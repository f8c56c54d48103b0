"""Warnings from a provider to the person running `pulumi preview` or `up`.

A dynamic provider's check can only fail; what should be said without failing (two routes sharing a
classification with a route the stack does not manage) goes to the engine's log, as a program's
``pulumi.log.warn`` does. The provider process is started with the engine's address as its argument, by the
project's launcher and by pulumi's own alike; outside one (a unit test), the warning goes to Python's log.
"""

from __future__ import annotations

import logging
import re
import sys
import threading

import grpc
from pulumi.runtime.proto import engine_pb2, engine_pb2_grpc

log = logging.getLogger("genesys_trunks")
_ADDRESS = re.compile(r"^[\w.\-\[\]:]+:\d+$")
_lock = threading.Lock()
_said: set[str] = set()


def _engine_address() -> str | None:
    candidates = [arg for arg in sys.argv[1:] if _ADDRESS.match(arg)]
    return candidates[-1] if candidates else None


def warn(message: str) -> None:
    """Say ``message`` once per process as a warning of the run (a preview and its `up` each say it)."""
    with _lock:
        if message in _said:
            return
        _said.add(message)
    address = _engine_address()
    if address is None:
        log.warning(message)
        return
    try:
        with grpc.insecure_channel(address) as channel:
            engine_pb2_grpc.EngineStub(channel).Log(
                engine_pb2.LogRequest(severity=engine_pb2.WARNING, message=message), timeout=10
            )
    except grpc.RpcError:
        log.warning(message)
