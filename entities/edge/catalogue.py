"""What an edge names in the org's catalogue (its SIP profile and edge group), and the checks of an edge's
inputs against it, run at `pulumi preview` before anything is created."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from pydantic import Field

from genesys_api import Call, Entity, GenesysClient, Page, paging, path_segment
from lifecycle.catalogue import Catalog

SIP_PROFILES = "/api/v2/telephony/providers/sipprofiles"
EDGE_GROUPS = "/api/v2/telephony/providers/edges/edgegroups"
MAX_PAGE_SIZE = 500


class SipProfile(Entity):
    name: str
    codecs: list[str] = Field(default_factory=list)
    description: str | None = None


class EdgeGroup(Entity):
    name: str
    description: str | None = None


def get_sip_profile(profile_id: str) -> Call:
    return Call("GET", f"{SIP_PROFILES}/{path_segment(profile_id)}", f"{SIP_PROFILES}/{{id}}")


def list_sip_profiles(page_number: int, page_size: int) -> Call:
    return Call("GET", SIP_PROFILES, SIP_PROFILES, params=paging(page_number, page_size))


def get_edge_group(group_id: str) -> Call:
    return Call("GET", f"{EDGE_GROUPS}/{path_segment(group_id)}", f"{EDGE_GROUPS}/{{id}}")


def list_edge_groups(page_number: int, page_size: int) -> Call:
    return Call("GET", EDGE_GROUPS, EDGE_GROUPS, params=paging(page_number, page_size))


def read_sip_profile(api: GenesysClient, profile_id: str) -> SipProfile:
    return SipProfile.model_validate(api.request_json(get_sip_profile(profile_id)))


def all_sip_profiles(api: GenesysClient) -> Iterator[SipProfile]:
    return api.paged(list_sip_profiles, Page[SipProfile].model_validate, api.page_size_up_to(MAX_PAGE_SIZE))


def read_edge_group(api: GenesysClient, group_id: str) -> EdgeGroup:
    return EdgeGroup.model_validate(api.request_json(get_edge_group(group_id)))


def all_edge_groups(api: GenesysClient) -> Iterator[EdgeGroup]:
    return api.paged(list_edge_groups, Page[EdgeGroup].model_validate, api.page_size_up_to(MAX_PAGE_SIZE))


sip_profiles: Catalog[SipProfile] = Catalog("SIP profile", read_sip_profile, all_sip_profiles)
edge_groups: Catalog[EdgeGroup] = Catalog("edge group", read_edge_group, all_edge_groups)


def codec_failures(api: GenesysClient, trunk: str, profile_id: str, codecs: Sequence[str]) -> list[tuple[str, str]]:
    """(property, reason) for every codec the profile cannot negotiate, naming what it supports."""
    profile = sip_profiles.find(api, profile_id)
    if profile is None:
        return [("sipProfileId", f"trunk {trunk!r}: {sip_profiles.missing(api, profile_id)}")]
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


def edge_group_failures(api: GenesysClient, trunk: str, group_id: str) -> list[tuple[str, str]]:
    """(property, reason) when the edge group does not exist, naming the groups that do."""
    if edge_groups.find(api, group_id) is not None:
        return []
    return [("edgeGroupId", f"trunk {trunk!r}: {edge_groups.missing(api, group_id)}")]
