"""What the doctor checks of the stack's edges: the SIP profiles and edge groups they name (their codecs
checked as preview checks them), edges outside the stack that already register as a trunk, the calls the
program makes for edges, and what a GET of an existing edge returns (its password, its group's form)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Protocol

from inspection import catalogue
from inspection.check import Run
from inspection.findings import Finding, Section, fail, info, ok, warn
from inspection.permissions import Need
from inspection.reads import Outcome
from inspection.unknowns import returned_password

from . import api
from . import catalogue as edge_catalogue
from .api import Edge, EdgeApi
from .catalogue import EdgeGroup, SipProfile
from .settings import ALLOWED_CODECS

TRUNKS = "trunks"
EDGE_READ = "scope telephony:edge:read"
EDGE_WRITE = "scope telephony:edge:write"
SIP_PROFILE_READ = "scope telephony:sipprofile:read"

CAT = Section.CATALOGUE
UNK = Section.UNKNOWNS


class _Trunk(Protocol):
    """A trunk of the stack, as its config reads it (``components.TrunkConfig``)."""

    name: str
    edge_group_id: str | None
    sip_profile_id: str | None
    codecs: list[str]
    adopt: bool
    from_stacks: Mapping[str, Any]

    @property
    def registration(self) -> Any: ...


class _Org:
    """The seed API's reads of edges and their catalogue, each made once per run."""

    def __init__(self, run: Run) -> None:
        self.reads = run.reads
        self.client = run.client

    def sip_profile(self, profile_id: str) -> Outcome:
        return self.reads.get(edge_catalogue.get_sip_profile(profile_id), SipProfile.model_validate)

    def sip_profiles(self) -> Outcome:
        first = edge_catalogue.list_sip_profiles(1, 1)
        return self.reads.all(first, lambda: edge_catalogue.all_sip_profiles(self.client))

    def edge_group(self, group_id: str) -> Outcome:
        return self.reads.get(edge_catalogue.get_edge_group(group_id), EdgeGroup.model_validate)

    def edge_groups(self) -> Outcome:
        first = edge_catalogue.list_edge_groups(1, 1)
        return self.reads.all(first, lambda: edge_catalogue.all_edge_groups(self.client))

    def edges(self) -> Outcome:
        return self.reads.all(api.list_edges(1, 1), EdgeApi(self.client).list)

    def raw_edge(self, edge_id: str) -> Outcome:
        return self.reads.get(api.get_edge(edge_id))


class EdgeCheck:
    queries: frozenset[str] = frozenset()

    def check(self, run: Run) -> list[Finding]:
        org = _Org(run)
        trunks: Sequence[_Trunk] | None = run.entries.get(TRUNKS)
        findings: list[Finding] = []
        if trunks is None:
            org.sip_profiles()  # the grants the catalogue needs, probed without the trunks' ids
            org.edge_groups()
        else:
            findings += _catalogue(trunks, org)
        edges = org.edges()
        if edges.ok and edges.value:
            findings += _duplicates(trunks or [], edges.value)
        sample = _sample_edge(edges, trunks or [])
        raw_edge = org.raw_edge(sample.id) if sample else None
        return findings + _unknowns(edges, sample, raw_edge)

    def needs(self, run: Run) -> list[Need]:
        """Every call the program makes for edges (see provider.py and catalogue.py)."""
        profile, profiles = (
            edge_catalogue.get_sip_profile("-").template,
            edge_catalogue.list_sip_profiles(1, 1).template,
        )
        group, groups = edge_catalogue.get_edge_group("-").template, edge_catalogue.list_edge_groups(1, 1).template
        edge, edges = api.get_edge("-").template, api.list_edges(1, 1).template
        return [
            Need("GET", profile, SIP_PROFILE_READ, ("preview",)),
            Need("GET", profiles, SIP_PROFILE_READ, ("preview",)),
            Need("GET", group, EDGE_READ, ("preview",)),
            Need("GET", groups, EDGE_READ, ("preview",)),
            Need("POST", edges, EDGE_WRITE, ("up",)),
            Need("GET", edges, EDGE_READ, ("up",)),
            Need("GET", edge, EDGE_READ, ("up", "refresh")),
            Need("PUT", edge, EDGE_WRITE, ("up",)),
            Need("DELETE", edge, EDGE_WRITE, ("up", "destroy")),
        ]

    def catalogue(self, run: Run) -> dict[str, Any]:
        org = _Org(run)
        profiles, groups = org.sip_profiles(), org.edge_groups()
        return {
            "codecs": list(ALLOWED_CODECS),
            "sipProfiles": [{"id": p.id, "name": p.name, "codecs": p.codecs} for p in profiles.value or []],
            "edgeGroups": [{"id": g.id, "name": g.name} for g in groups.value or []],
            "errors": [o.reason for o in (profiles, groups) if not o.ok],
        }


# ---------------------------------------------------------------------------------------------- catalogue


def _catalogue(trunks: Sequence[_Trunk], org: _Org) -> list[Finding]:
    findings = catalogue.from_other_stacks(trunks, ("sipProfileId", "edgeGroupId"))
    for group_id, users in catalogue.users_by(trunks, _name, lambda t: t.edge_group_id).items():
        group = org.edge_group(group_id)
        findings.append(
            catalogue.entry("edge group", "edgeGroupId", group_id, users, group, org.edge_groups, _described)
        )
    for profile_id, users in catalogue.users_by(trunks, _name, lambda t: t.sip_profile_id).items():
        profile = org.sip_profile(profile_id)
        findings.append(
            catalogue.entry("SIP profile", "sipProfileId", profile_id, users, profile, org.sip_profiles, _described)
        )
        if profile.ok:
            findings += [_codecs(i, trunks[i], profile.value, org) for i, _ in users]
    return findings


def _name(trunk: _Trunk) -> str:
    return trunk.name


def _described(entry: SipProfile | EdgeGroup) -> str:
    if isinstance(entry, SipProfile):
        return f"{entry.name!r} exists, offers {', '.join(entry.codecs) or 'no codecs'}"
    return f"{entry.name!r} exists"


def _codecs(i: int, trunk: _Trunk, profile: SipProfile, org: _Org) -> Finding:
    subject = f"trunk {trunk.name!r} codecs"
    offered = set(profile.codecs)
    bad = [(n, codec) for n, codec in enumerate(trunk.codecs) if codec not in offered]
    if not bad:
        return ok(CAT, subject, f"{', '.join(trunk.codecs)}: all offered by SIP profile {profile.name!r}")
    named = ", ".join(f"codecs[{n}] {codec!r}" for n, codec in bad)
    others = org.sip_profiles()
    fitting = [p for p in others.value or [] if set(trunk.codecs) <= set(p.codecs)]
    remove = f"remove {', '.join(repr(c) for _, c in bad)} from trunks[{i}].codecs"
    if fitting:
        choices = ", ".join(f"{p.name!r} ({p.id})" for p in fitting[: catalogue.LISTED])
        fix = f"{remove}, or set trunks[{i}].sipProfileId to a profile that offers all of them: {choices}"
    elif others.ok:
        fix = f"{remove}: no SIP profile of the org offers all of {', '.join(trunk.codecs)}"
    else:
        fix = remove
    return fail(
        CAT,
        subject,
        f"{named} not offered by SIP profile {profile.name!r} ({profile.id}), which offers "
        f"{', '.join(profile.codecs) or 'no codecs'}",
        fix,
    )


def _duplicates(trunks: Sequence[_Trunk], edges: list[Edge]) -> list[Finding]:
    """An edge outside the stack that registers as a trunk's carrier account: `up` stops on it."""
    findings = []
    for i, trunk in enumerate(trunks):
        reg = trunk.registration
        if trunk.adopt or reg.host is None or reg.username is None:
            continue
        for edge in edges:
            if (
                edge.group_id == trunk.edge_group_id
                and edge.name.lower() != trunk.name.lower()
                and edge.registers_as(reg.host, reg.username)
            ):
                findings.append(
                    warn(
                        CAT,
                        f"trunk {trunk.name!r} registration",
                        f"edge {edge.name!r} ({edge.id}) already registers as {reg.username}@{reg.host} in edge "
                        f"group {trunk.edge_group_id}: `pulumi up` will refuse to create a second one",
                        f"set trunks[{i}].adopt to true to manage that edge, or use another registration.username",
                    )
                )
    return findings


# ---------------------------------------------------------------------------------------------- unknowns


def _sample_edge(edges: Outcome, trunks: Sequence[_Trunk]) -> Edge | None:
    """An existing edge to read once, one of the stack's trunks if it has one."""
    if not edges.ok or not edges.value:
        return None
    names = {t.name.lower() for t in trunks}
    ours = [e for e in edges.value if e.name.lower() in names]
    return (ours or edges.value)[0]


def _unknowns(edges: Outcome, sample: Edge | None, raw: Outcome | None) -> list[Finding]:
    subject, group_subject = "password on GET of an edge", "edge group on GET of an edge"
    if not edges.ok:
        why = f"the edge list could not be read ({edges.reason})"
    elif sample is None or raw is None:
        why = "the org has no edge yet"
    elif not raw.ok:
        why = f"GET of edge {sample.name!r} failed ({raw.reason})"
    else:
        data = raw.value if isinstance(raw.value, dict) else {}
        where = f"GET of edge {sample.name!r} ({sample.id})"
        return [_password(subject, where, data), _group_form(group_subject, where, data)]
    again = "run the doctor again after the first `pulumi up`" if sample is None and edges.ok else None
    return [info(UNK, subject, f"not learned: {why}", again), info(UNK, group_subject, f"not learned: {why}", again)]


def _password(subject: str, where: str, data: Mapping[str, Any]) -> Finding:
    registration = data.get("registration")
    if not isinstance(registration, dict) or "password" not in registration:
        return ok(UNK, subject, f"absent: {where} returns the registration without a password")
    return returned_password(
        subject,
        where,
        "registration.password",
        registration["password"],
        readers="telephony:edge:read",
        fix="keep telephony:edge:read to the OAuth clients that need it",
    )


def _group_form(subject: str, where: str, data: Mapping[str, Any]) -> Finding:
    flat = data.get("edgeGroupId")
    nested = data.get("edgeGroup")
    nested_id = nested.get("id") if isinstance(nested, dict) else None
    forms = [name for name, value in (("edgeGroupId", flat), ("edgeGroup.id", nested_id)) if value]
    if forms:
        return ok(UNK, subject, f"{where} names it as {' and '.join(forms)} (the program reads either)")
    return warn(
        UNK,
        subject,
        f"{where} names no edge group: a lost create or a duplicate registration cannot be matched to its group",
        "report the reply's shape (without secrets) to the project",
    )


CHECK = EdgeCheck()
