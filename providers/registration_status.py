"""The states of an edge's registration with its carrier, as the API reports them and as recorded here."""

from __future__ import annotations

from enum import StrEnum


class RegistrationStatus(StrEnum):
    REGISTERING = "registering"
    """The edge registers: no outcome yet."""
    REGISTERED = "registered"
    FAILED = "failed"
    UNKNOWN = "unknown"
    """Not an API status: the outcome could not be read (the next `pulumi up` reads it again)."""
