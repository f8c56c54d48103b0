"""One module per API dialect: the calls the program makes in it, its catalogue and its open questions."""

from __future__ import annotations

from ..dialect import DialectDoctor
from .cloud import CloudDoctor
from .seed import SeedDoctor

DOCTORS: dict[str, DialectDoctor] = {doctor.name: doctor for doctor in (SeedDoctor(), CloudDoctor())}


def for_dialect(name: str) -> DialectDoctor | None:
    return DOCTORS.get(name)
