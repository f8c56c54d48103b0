"""Faults on demand: latency, injected 5xx, dropped connections and drop-after-write.

A :class:`FaultPlan` is drawn per request from the current :class:`FaultConfig`; with a ``seed`` the
draws are reproducible, so a test can ask for "every third request fails" without flakiness.
"""

from __future__ import annotations

import asyncio
import math
import random
import threading
from dataclasses import asdict, dataclass
from typing import Any

from starlette.types import Scope

WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
TRANSPORT_KEY = "emulator.transport"


@dataclass(frozen=True)
class FaultConfig:
    latencyMs: int = 0  # noqa: N815 - wire names
    errorRate: float = 0.0  # noqa: N815
    dropRate: float = 0.0  # noqa: N815
    dropAfterWriteRate: float = 0.0  # noqa: N815
    #: When set, ``latencyMs`` delays only the next this many POST/PUT/PATCH/DELETE requests: a spike that
    #: meets given writes however fast or slow the machine runs the client.
    latencyWrites: int | None = None  # noqa: N815
    #: When set, ``dropAfterWriteRate`` applies to the next this many writes only (at rate 1: exactly those), so a
    #: scenario meets the fault however its writes interleave with its reads.
    dropAfterWrites: int | None = None  # noqa: N815
    #: When set, ``dropAfterWriteRate`` (and ``dropAfterWrites``) applies only to the writes whose path contains
    #: this text (one kind of entity's, not the read-only query POSTs between them).
    dropAfterWriteTo: str | None = None  # noqa: N815
    #: When set, the writes after this many are held (not served) until the faults change: a scenario that must
    #: catch writes in flight (a CLI killed mid-`up`) finds them there however fast or slow the machine runs.
    holdWritesAfter: int | None = None  # noqa: N815
    #: When set, ``holdWritesAfter`` counts and holds only the writes whose path contains this text (the writes
    #: of one kind of entity, whatever else the client writes meanwhile).
    holdWritesTo: str | None = None  # noqa: N815
    seed: int | None = None

    @classmethod
    def parse(cls, body: Any) -> FaultConfig:
        """Build from a PUT body (missing keys mean "off").

        Raises ValueError whose argument is a list of (key, problem) pairs.
        """
        if not isinstance(body, dict):
            raise ValueError([("body", "must be a JSON object")])
        known = ", ".join(cls.__dataclass_fields__)
        problems = [(k, f"unknown fault; known: {known}") for k in body if k not in cls.__dataclass_fields__]
        values: dict[str, Any] = {}
        for key in ("errorRate", "dropRate", "dropAfterWriteRate"):
            value = body.get(key, 0.0)
            if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 1:
                problems.append((key, "must be a number from 0 to 1"))
            else:
                values[key] = float(value)
        latency = body.get("latencyMs", 0)
        if (
            isinstance(latency, bool)
            or not isinstance(latency, int | float)
            or not math.isfinite(latency)
            or not 0 <= latency <= 600_000
        ):
            problems.append(("latencyMs", "must be a number of milliseconds from 0 to 600000"))
        else:
            values["latencyMs"] = int(latency)
        for key in ("latencyWrites", "dropAfterWrites", "holdWritesAfter"):
            count = body.get(key)
            if count is not None and (isinstance(count, bool) or not isinstance(count, int) or count < 0):
                problems.append((key, "must be a whole number of write requests (0 or more) or null"))
            values[key] = count
        for key, done in (("dropAfterWriteTo", "dropped"), ("holdWritesTo", "held")):
            text = body.get(key)
            if text is not None and (not isinstance(text, str) or not text):
                problems.append((key, f"must be the text of the paths whose writes are {done}, or null"))
            values[key] = text
        seed = body.get("seed")
        if seed is not None and (isinstance(seed, bool) or not isinstance(seed, int)):
            problems.append(("seed", "must be an integer or null"))
        values["seed"] = seed
        if problems:
            raise ValueError(problems)
        return cls(**values)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class FaultPlan:
    """What happens to one request."""

    latency_s: float = 0.0
    drop: bool = False
    error: bool = False
    drop_after_write: bool = False
    hold: bool = False


class Faults:
    """The current fault configuration and its random source."""

    def __init__(self, config: FaultConfig | None = None) -> None:
        self._lock = threading.Lock()
        self._config = FaultConfig()
        self._rng = random.Random()
        self._slow_writes_left = 0
        self._drops_left: int | None = None
        self._writes_seen = 0
        self._generation = 0
        self.held = 0
        """Writes held right now (``holdWritesAfter``)."""
        self.configure(config or FaultConfig())

    @property
    def config(self) -> FaultConfig:
        return self._config

    def configure(self, config: FaultConfig) -> FaultConfig:
        with self._lock:
            self._config = config
            self._rng = random.Random(config.seed)
            self._slow_writes_left = config.latencyWrites or 0
            self._drops_left = config.dropAfterWrites
            self._writes_seen = 0
            self._generation += 1
        return config

    def holding(self, generation: int) -> bool:
        """Whether a write held under configuration ``generation`` is still to be held."""
        with self._lock:
            return self._generation == generation

    def generation(self) -> int:
        with self._lock:
            return self._generation

    def plan(self, method: str, path: str = "") -> FaultPlan:
        with self._lock:
            cfg = self._config
            latency = cfg.latencyMs / 1000.0
            if cfg.latencyWrites is not None:
                slow = method.upper() in WRITE_METHODS and self._slow_writes_left > 0
                self._slow_writes_left -= slow
                latency = latency if slow else 0.0
            write = method.upper() in WRITE_METHODS
            counted = write and (cfg.holdWritesTo is None or cfg.holdWritesTo in path)
            self._writes_seen += counted
            hold = counted and cfg.holdWritesAfter is not None and self._writes_seen > cfg.holdWritesAfter
            drop = cfg.dropRate > 0 and self._rng.random() < cfg.dropRate
            error = not drop and cfg.errorRate > 0 and self._rng.random() < cfg.errorRate
            after_write = (
                not drop
                and not error
                and write
                and (cfg.dropAfterWriteTo is None or cfg.dropAfterWriteTo in path)
                and (self._drops_left is None or self._drops_left > 0)
                and cfg.dropAfterWriteRate > 0
                and self._rng.random() < cfg.dropAfterWriteRate
            )
            if after_write and self._drops_left is not None:
                self._drops_left -= 1
        return FaultPlan(latency, drop, error, after_write, hold)


class DropConnection(Exception):
    """Raised when the server gives no way to close the socket; uvicorn then answers 500 instead."""


async def drop_connection(scope: Scope) -> None:
    """Close the client's connection without any HTTP reply.

    The transport is put in the scope by the emulator's uvicorn protocol (see server.py). Once it is
    closed, uvicorn marks the cycle disconnected and sends nothing when the app returns.
    """
    finish = scope.get("emulator.log.finish")
    if finish is not None:
        finish()  # the client may look at the request log the moment it sees the connection close
    transport = scope.get(TRANSPORT_KEY)
    if transport is None:
        raise DropConnection("connection drop requested but the transport is not reachable")
    transport.abort()
    for _ in range(20):  # let connection_lost() run so uvicorn sees the disconnect
        await asyncio.sleep(0.001)
