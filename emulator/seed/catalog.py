"""The seeded, read-only entities: edge groups and SIP profiles, with the contract's fixed ids."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..documents import seeded

EDGE_GROUPS_PATH = "/api/v2/telephony/providers/edges/edgegroups"
SIP_PROFILES_PATH = "/api/v2/telephony/providers/sipprofiles"


@dataclass(frozen=True)
class EdgeGroup:
    id: str
    name: str
    description: str

    def doc(self) -> dict[str, Any]:
        return seeded(self.id, self.name, EDGE_GROUPS_PATH, description=self.description, managed=False, hybrid=False)


@dataclass(frozen=True)
class SipProfile:
    id: str
    name: str
    codecs: tuple[str, ...]
    description: str

    def doc(self) -> dict[str, Any]:
        return seeded(self.id, self.name, SIP_PROFILES_PATH, description=self.description, codecs=list(self.codecs))


EDGE_GROUPS: tuple[EdgeGroup, ...] = (
    EdgeGroup("3f1d2c4b-5a69-4e7f-8a1b-0c2d3e4f5a01", "Primary BYOC Group", "Primary carrier trunks"),
    EdgeGroup("3f1d2c4b-5a69-4e7f-8a1b-0c2d3e4f5a02", "DR BYOC Group", "Disaster-recovery carrier trunks"),
)

SIP_PROFILES: tuple[SipProfile, ...] = (
    SipProfile("9b8a7c6d-1e2f-4a3b-9c4d-5e6f7a8b9c01", "Carrier Standard", ("G711u", "G711a", "G729"), "Narrowband"),
    SipProfile("9b8a7c6d-1e2f-4a3b-9c4d-5e6f7a8b9c02", "Carrier HD", ("Opus", "G711u", "G711a"), "Wideband"),
    SipProfile("9b8a7c6d-1e2f-4a3b-9c4d-5e6f7a8b9c03", "Legacy PSTN", ("G711u", "G711a", "GSM", "G729"), "Legacy"),
)

_GROUPS = {g.id: g for g in EDGE_GROUPS}
_PROFILES = {p.id: p for p in SIP_PROFILES}


def edge_group(group_id: str) -> EdgeGroup | None:
    return _GROUPS.get(group_id)


def sip_profile(profile_id: str) -> SipProfile | None:
    return _PROFILES.get(profile_id)
