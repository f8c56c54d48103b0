"""Checks of an edge's inputs against the org's catalogue, run at `pulumi preview` before anything is created."""

from __future__ import annotations

from collections.abc import Sequence

from .catalog import edge_groups, sip_profiles


def codec_failures(trunk: str, profile_id: str, codecs: Sequence[str]) -> list[tuple[str, str]]:
    """(property, reason) for every codec the profile cannot negotiate, naming what it supports."""
    profile = sip_profiles.find(profile_id)
    if profile is None:
        return [("sipProfileId", f"trunk {trunk!r}: {sip_profiles.missing(profile_id)}")]
    supported = set(profile.codecs)
    return [
        (
            "codecs",
            f"trunk {trunk!r}: codecs[{i}] {codec!r} is not supported by SIP profile {profile.name!r} "
            f"({profile_id}); it supports: {', '.join(profile.codecs) or 'no codecs'}",
        )
        for i, codec in enumerate(codecs)
        if codec not in supported
    ]


def edge_group_failures(trunk: str, group_id: str) -> list[tuple[str, str]]:
    """(property, reason) when the edge group does not exist, naming the groups that do."""
    if edge_groups.find(group_id) is not None:
        return []
    return [("edgeGroupId", f"trunk {trunk!r}: {edge_groups.missing(group_id)}")]
