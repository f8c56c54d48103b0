"""The seed dialect: edges with codecs and a registration, SIP profiles, edge groups, webhooks, events.

Its grants are the seed's OAuth scopes; its catalogue is the SIP profiles and edge groups the trunks name;
its open questions are what a GET of an existing edge returns.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from components import ConfigError, TrunkConfig, parse_trunks
from genesys_api import ALLOWED_CODECS, Edge, EdgeGroup, SeedDialect, SipProfile

from .. import catalogue
from ..dialect import Run
from ..findings import Finding, Section, fail, info, ok, warn
from ..permissions import Need, judge
from ..reads import Outcome
from ..unknowns import returned_password

TRUNKS_KEY = "genesys-trunks:trunks"
EDGE_READ = "scope telephony:edge:read"
EDGE_WRITE = "scope telephony:edge:write"
SIP_PROFILE_READ = "scope telephony:sipprofile:read"
WEBHOOK_WRITE = "scope webhook:write"
EVENTS_QUERY = "scope analytics:events:query"

CAT = Section.CATALOGUE
UNK = Section.UNKNOWNS


class SeedDoctor:
    name = "seed"
    queries: frozenset[str] = frozenset()
    """The events query would tell whether `up` may read registration events, but it reads an org's
    analytics: named as not checkable instead."""

    def check(self, run: Run) -> list[Finding]:
        org = _Org(run)
        findings: list[Finding] = []
        trunks = _trunks(run.config, findings)
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
        webhooks = org.webhooks()
        if webhooks.ok and webhooks.value:
            org.webhook(webhooks.value[0].id)
        findings += judge(_needs(org.dialect, trunks), run.reads.evidence, run.client_id)
        findings += _unknowns(edges, sample, raw_edge)
        return findings

    def catalogue(self, run: Run) -> dict[str, Any]:
        org = _Org(run)
        profiles, groups = org.sip_profiles(), org.edge_groups()
        return {
            "dialect": self.name,
            "codecs": list(ALLOWED_CODECS),
            "sipProfiles": [{"id": p.id, "name": p.name, "codecs": p.codecs} for p in profiles.value or []],
            "edgeGroups": [{"id": g.id, "name": g.name} for g in groups.value or []],
            "errors": [o.reason for o in (profiles, groups) if not o.ok],
        }


class _Org:
    """The seed API's reads, each made once per run."""

    def __init__(self, run: Run) -> None:
        self.reads = run.reads
        self.client = run.client
        self.dialect = SeedDialect()

    def sip_profile(self, profile_id: str) -> Outcome:
        return self.reads.get(self.dialect.get_sip_profile(profile_id), self.dialect.parse_sip_profile)

    def sip_profiles(self) -> Outcome:
        return self.reads.all(self.dialect.list_sip_profiles(1, 1), self.client.list_sip_profiles)

    def edge_group(self, group_id: str) -> Outcome:
        return self.reads.get(self.dialect.get_edge_group(group_id), self.dialect.parse_edge_group)

    def edge_groups(self) -> Outcome:
        return self.reads.all(self.dialect.list_edge_groups(1, 1), self.client.list_edge_groups)

    def edges(self) -> Outcome:
        return self.reads.all(self.dialect.list_edges(1, 1), self.client.list_edges)

    def raw_edge(self, edge_id: str) -> Outcome:
        return self.reads.get(self.dialect.get_edge(edge_id))

    def webhooks(self) -> Outcome:
        return self.reads.all(self.dialect.list_webhooks(1, 1), self.client.list_webhooks)

    def webhook(self, webhook_id: str) -> Outcome:
        return self.reads.get(self.dialect.get_webhook(webhook_id), self.dialect.parse_webhook)


# ---------------------------------------------------------------------------------------------- config


def _trunks(config: Mapping[str, Any], findings: list[Finding]) -> list[TrunkConfig] | None:
    try:
        trunks = parse_trunks(config.get(TRUNKS_KEY), schema=TrunkConfig)
    except ConfigError as exc:
        problems = "; ".join(line.strip() for line in str(exc).splitlines()[1:] or [str(exc)])
        findings.append(
            fail(
                Section.CONFIG,
                TRUNKS_KEY,
                problems,
                "fix the keys named in Pulumi.<stack>.yaml; `pulumi preview` stops on the same errors",
            )
        )
        return None
    names = ", ".join(t.name for t in trunks)
    findings.append(ok(Section.CONFIG, TRUNKS_KEY, f"{len(trunks)} trunk(s) valid: {names}"))
    return trunks


# ---------------------------------------------------------------------------------------------- catalogue


def _catalogue(trunks: list[TrunkConfig], org: _Org) -> list[Finding]:
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


def _name(trunk: TrunkConfig) -> str:
    return trunk.name


def _described(entry: SipProfile | EdgeGroup) -> str:
    if isinstance(entry, SipProfile):
        return f"{entry.name!r} exists, offers {', '.join(entry.codecs) or 'no codecs'}"
    return f"{entry.name!r} exists"


def _codecs(i: int, trunk: TrunkConfig, profile: SipProfile, org: _Org) -> Finding:
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


def _duplicates(trunks: list[TrunkConfig], edges: list[Edge]) -> list[Finding]:
    """An edge outside the stack that registers as a trunk's carrier account: `up` stops on it."""
    findings = []
    for i, trunk in enumerate(trunks):
        reg = trunk.registration
        if trunk.adopt or reg.host is None or reg.username is None:
            continue
        for edge in edges:
            theirs = edge.registration
            if (
                theirs is not None
                and edge.group_id == trunk.edge_group_id
                and edge.name.lower() != trunk.name.lower()
                and theirs.username == reg.username
                and (theirs.host or "").lower() == reg.host.lower()
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


# ---------------------------------------------------------------------------------------------- permissions


def _needs(dialect: SeedDialect, trunks: list[TrunkConfig] | None) -> list[Need]:
    """Every call of the seed program, by the operations that make it (see providers/edge.py, webhook.py,
    catalog.py and registration_watch.py)."""
    no_webhook = None
    no_wait = None
    if trunks is not None and not any(t.webhook for t in trunks):
        no_webhook = "no trunk sets webhook"
    if trunks is not None and not any(t.registration_timeout_seconds > 0 for t in trunks):
        no_wait = "every trunk sets registrationTimeoutSeconds to 0"
    profile, profiles = dialect.get_sip_profile("-").template, dialect.list_sip_profiles(1, 1).template
    group, groups = dialect.get_edge_group("-").template, dialect.list_edge_groups(1, 1).template
    edge, edges = dialect.get_edge("-").template, dialect.list_edges(1, 1).template
    hook, hooks = dialect.get_webhook("-").template, dialect.list_webhooks(1, 1).template
    events = dialect.query_events().template
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
        Need("POST", hooks, WEBHOOK_WRITE, ("up",), no_webhook),
        Need("GET", hooks, WEBHOOK_WRITE, ("up",), no_webhook),
        Need("GET", hook, WEBHOOK_WRITE, ("up", "refresh"), no_webhook),
        Need("PUT", hook, WEBHOOK_WRITE, ("up",), no_webhook),
        Need("DELETE", hook, WEBHOOK_WRITE, ("up", "destroy"), no_webhook),
        Need(
            "POST",
            events,
            EVENTS_QUERY,
            ("up",),
            no_wait,
            "`pulumi up` records each trunk's registration as unknown, with the 403's message",
        ),
    ]


# ---------------------------------------------------------------------------------------------- unknowns


def _sample_edge(edges: Outcome, trunks: list[TrunkConfig]) -> Edge | None:
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
