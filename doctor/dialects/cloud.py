"""The Platform API dialect: BYOC trunk base settings, their metabase templates, sites, trunk instances, audits.

Its grants are the Platform API's OAuth scopes; its catalogue is the templates and sites the trunks name,
with codecs and ``properties`` checked against the template as preview checks them; its open questions are
what a real org returns where the public sources are silent (the password on a GET, the proxy list's form,
instances per base, the transports of the trunk topics).

The realtime audit query is a POST, but it only reads (it answers from the audit store and keeps nothing,
unlike the asynchronous query, which makes a transaction): the doctor sends it once, since `up` and
`refresh` make it and only its reply tells whether the OAuth client may.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

from genesys_api import NotFoundError
from genesys_api.cloud import (
    BYOC_CARRIER_METABASE,
    CODEC_MIME,
    KEY_PASSWORD,
    KEY_PROXIES,
    CloudDialect,
    CloudTrunkApi,
    Site,
    TrunkBase,
    TrunkBaseTemplate,
    carrier_from_properties,
    check_properties,
    setting_path,
)
from genesys_api.cloud.dialect import AUDITS_REALTIME
from genesys_api.cloud.models import EXTERNAL

from .. import catalogue
from ..dialect import Run
from ..findings import Finding, Section, fail, info, ok, warn
from ..permissions import Need, judge
from ..reads import Outcome
from ..unknowns import returned_password
from . import cloud_config
from .cloud_config import CloudTrunkConfig

TRUNKS_KEY = "genesys-trunks:trunks"
TELEPHONY_READ = "scope telephony:readonly (or telephony)"
TELEPHONY_WRITE = "scope telephony"
AUDITS_READ = "scope audits:readonly (or audits)"
TRUNK_TOPIC = "v2.telephony.providers.edges.trunks."
#: An entity id no org has: the audit query's grant is probed with it when the org has no trunk base.
NO_ENTITY = "00000000-0000-0000-0000-000000000000"

CAT = Section.CATALOGUE
UNK = Section.UNKNOWNS


class CloudDoctor:
    name = "cloud"
    queries: frozenset[str] = frozenset({AUDITS_REALTIME})

    def check(self, run: Run) -> list[Finding]:
        org = _Org(run)
        findings: list[Finding] = []
        trunks = _trunks(run.config, findings)
        org.metabases()
        if trunks is None:
            org.template(BYOC_CARRIER_METABASE)  # the grant the catalogue needs, probed without the trunks
        else:
            findings += _catalogue(trunks, org)
        bases = org.bases()
        sample = _sample(bases, trunks or [])
        raw = org.raw_base(sample.id) if sample else None
        instances = org.instances()
        org.audits(sample.id if sample else NO_ENTITY)
        topics = org.topics()
        findings += judge(_needs(org.dialect), run.reads.evidence, run.client_id)
        findings += [
            _password(bases, sample, raw),
            _proxies(bases, raw),
            _listed_properties(bases, raw),
            _instances(bases, instances),
            _topics(topics),
        ]
        return findings

    def catalogue(self, run: Run) -> dict[str, Any]:
        """The templates of the metabases the stack uses (the BYOC carrier's when it names none), every key
        with its type, default and allowed values; the org's metabases and sites."""
        org = _Org(run)
        trunks, _ = cloud_config.read(run.config.get(TRUNKS_KEY))
        wanted = sorted({t.trunk_metabase_id for t in trunks} or {BYOC_CARRIER_METABASE})
        templates = {m: org.template(m) for m in wanted}
        metabases, sites = org.metabases(), org.sites()
        return {
            "dialect": self.name,
            "codecs": [f"{name} ({mime})" for name, mime in CODEC_MIME.items()],
            "metabases": [{"id": m.id, "name": m.name, "type": m.type} for m in metabases.value or []],
            "sites": [{"id": s.id, "name": s.name, "mediaModel": s.media_model} for s in sites.value or []],
            "templates": {m: template_keys(t.value) for m, t in templates.items() if t.ok},
            "errors": [o.reason for o in (*templates.values(), metabases, sites) if not o.ok],
        }


def template_keys(template: TrunkBaseTemplate) -> list[dict[str, Any]]:
    """One row per template key: its type, default and what it allows, in words (``allowed``) and as the
    template states it (``schema``: enum, items, pattern, minimum...)."""
    rows = []
    for key, prop in sorted(template.properties.items()):
        schema = prop.model_dump(exclude={"value", "type"}, exclude_none=True, by_alias=True)
        rows.append(
            {
                "key": key,
                "type": prop.type or "",
                "default": prop.value.default if key != KEY_PASSWORD else "",
                "allowed": _allowed({"type": prop.type, **schema}),
                "schema": schema,
            }
        )
    return rows


def _allowed(schema: Mapping[str, Any]) -> str:
    parts = []
    items = schema.get("items") or {}
    if schema.get("enum"):
        parts.append(" | ".join(map(str, schema["enum"])))
    if items.get("enum"):
        parts.append("items: " + " | ".join(map(str, items["enum"])))
    elif schema.get("type") == "array" and items.get("type"):
        parts.append(f"items: {items['type']}")
    if schema.get("pattern"):
        parts.append(f"pattern {schema['pattern']}")
    if schema.get("minimum") is not None or schema.get("maximum") is not None:
        parts.append(f"{schema.get('minimum', '')}..{schema.get('maximum', '')}")
    if schema.get("uniqueItems"):
        parts.append("unique")
    if schema.get("required"):
        parts.append("required")
    return "; ".join(parts)


class _Org:
    """The Platform API's reads, each made once per run."""

    def __init__(self, run: Run) -> None:
        self.reads = run.reads
        self.api = CloudTrunkApi(run.client)
        self.dialect: CloudDialect = self.api.dialect

    def template(self, metabase_id: str) -> Outcome:
        return self.reads.get(self.dialect.get_template(metabase_id), self.dialect.parse_template)

    def metabases(self) -> Outcome:
        return self.reads.all(self.dialect.list_metabases(1, 1), self.api.list_metabases)

    def site(self, site_id: str) -> Outcome:
        call = self.dialect.get_site(site_id)
        return self.reads.get(call, lambda data: _live_site(self.dialect.parse_site(data), call.path))

    def sites(self) -> Outcome:
        return self.reads.all(self.dialect.list_sites(1, 1), self.api.list_sites)

    def bases(self) -> Outcome:
        """Every trunk base with its properties, deleted ones included (each page once)."""
        return self.reads.all(self.dialect.list_trunk_bases(1, 1), lambda: self.api.all_trunk_bases(properties=True))

    def raw_base(self, base_id: str) -> Outcome:
        return self.reads.get(self.dialect.get_trunk_base(base_id))

    def instances(self) -> Outcome:
        """The trunk instances of every external trunk base."""
        return self.reads.all(
            self.dialect.list_trunks(1, 1, trunk_type=EXTERNAL), lambda: self.api.list_trunks(trunk_type=EXTERNAL)
        )

    def audits(self, base_id: str) -> Outcome:
        until = datetime.now(UTC).replace(microsecond=0)
        return self.reads.query(self.dialect.query_audits(base_id, until - timedelta(days=1), until, 1, 1))

    def topics(self) -> Outcome:
        return self.reads.get(self.dialect.list_available_topics())


def _live_site(site: Site, path: str) -> Site:
    if site.deleted:
        raise NotFoundError(f"site {site.id} was deleted", status=404, method="GET", path=path)
    return site


# ---------------------------------------------------------------------------------------------- config


def _trunks(config: Mapping[str, Any], findings: list[Finding]) -> list[CloudTrunkConfig] | None:
    trunks, problems = cloud_config.read(config.get(TRUNKS_KEY))
    if problems:
        findings.append(
            fail(
                Section.CONFIG,
                TRUNKS_KEY,
                "; ".join(problems),
                "fix the keys named in Pulumi.<stack>.yaml; `pulumi preview` stops on the same errors",
            )
        )
        return None
    names = ", ".join(t.name for t in trunks)
    findings.append(ok(Section.CONFIG, TRUNKS_KEY, f"{len(trunks)} trunk(s) valid: {names}"))
    return trunks


# ---------------------------------------------------------------------------------------------- catalogue


def _name(trunk: CloudTrunkConfig) -> str:
    return trunk.name


def _catalogue(trunks: list[CloudTrunkConfig], org: _Org) -> list[Finding]:
    findings = catalogue.from_other_stacks(trunks, ("inboundSiteId", "siteId"))
    for setting, pick in (("inboundSiteId", _inbound), ("siteId", _media)):
        for site_id, users in catalogue.users_by(trunks, _name, pick).items():
            findings.append(catalogue.entry("site", setting, site_id, users, org.site(site_id), org.sites, _site))
    for metabase_id, users in catalogue.users_by(trunks, _name, _metabase).items():
        template = org.template(metabase_id)
        findings.append(
            catalogue.entry("trunk metabase", "trunkMetabaseId", metabase_id, users, template, org.metabases, _template)
        )
        if template.ok:
            findings += [_properties(i, trunks[i], template.value) for i, _ in users]
    return findings


def _inbound(trunk: CloudTrunkConfig) -> str | None:
    return trunk.inbound_site_id


def _media(trunk: CloudTrunkConfig) -> str | None:
    return trunk.site_id


def _metabase(trunk: CloudTrunkConfig) -> str:
    return trunk.trunk_metabase_id


def _site(site: Site) -> str:
    return f"{site.name!r} exists ({site.media_model or 'media model not given'})"


def _template(template: TrunkBaseTemplate) -> str:
    return f"its template exists ({len(template.properties)} keys; `--template-out FILE` lists them)"


def _properties(i: int, trunk: CloudTrunkConfig, template: TrunkBaseTemplate) -> Finding:
    """Every property the trunk sends (codecs, carrier, credentials, ``properties``) against the template,
    as preview checks it; each problem at the config path it comes from."""
    subject = f"trunk {trunk.name!r} properties"
    sent = cloud_config.sent(trunk)
    problems = check_properties(template, sent)
    if not problems:
        return ok(CAT, subject, f"{len(sent)} value(s) valid against the template (codecs included)")
    return fail(
        CAT,
        subject,
        "; ".join(f"trunks[{i}].{setting_path(key)} {message}" for key, message in problems),
        "use the keys and values the template allows (`python -m doctor --template-out FILE` lists them)",
    )


# ---------------------------------------------------------------------------------------------- permissions


def _needs(dialect: CloudDialect) -> list[Need]:
    """Every call of the cloud program, by the operations that make it (see providers/trunk_base.py and
    trunk_base_outcome.py; the metabase and site lists are read when a trunk names one that is missing)."""
    base, bases = dialect.get_trunk_base("-").template, dialect.list_trunk_bases(1, 1).template
    return [
        Need("GET", dialect.get_template("-").template, TELEPHONY_READ, ("preview",)),
        Need("GET", dialect.list_metabases(1, 1).template, TELEPHONY_READ, ("preview",)),
        Need("GET", dialect.get_site("-").template, TELEPHONY_READ, ("preview",)),
        Need("GET", dialect.list_sites(1, 1).template, TELEPHONY_READ, ("preview",)),
        Need("GET", bases, TELEPHONY_READ, ("up",)),
        Need("GET", base, TELEPHONY_READ, ("up", "refresh")),
        Need("POST", bases, TELEPHONY_WRITE, ("up",)),
        Need("PUT", base, TELEPHONY_WRITE, ("up",)),
        Need("DELETE", base, TELEPHONY_WRITE, ("up", "destroy")),
        Need("GET", dialect.list_trunks(1, 1, trunk_type=EXTERNAL).template, TELEPHONY_READ, ("up", "refresh")),
        Need("POST", AUDITS_REALTIME, AUDITS_READ, ("up", "refresh")),
    ]


# ---------------------------------------------------------------------------------------------- unknowns


def _live(bases: Outcome) -> list[TrunkBase]:
    return [b for b in bases.value or [] if not b.deleted] if bases.ok else []


def _sample(bases: Outcome, trunks: list[CloudTrunkConfig]) -> TrunkBase | None:
    """An existing trunk base to read once, one of the stack's trunks if it has one."""
    live = _live(bases)
    names = {t.name.casefold() for t in trunks}
    ours = [b for b in live if (b.name or "").casefold() in names]
    return next(iter(ours or live), None)


def _not_learned(subject: str, bases: Outcome) -> Finding:
    if not bases.ok:
        return info(UNK, subject, f"not learned: the trunk base list could not be read ({bases.reason})")
    return info(
        UNK, subject, "not learned: the org has no trunk base yet", "run the doctor again after the first `pulumi up`"
    )


def _password(bases: Outcome, sample: TrunkBase | None, raw: Outcome | None) -> Finding:
    subject = "password on GET of a trunk base"
    if sample is None or raw is None:
        return _not_learned(subject, bases)
    where = f"GET of trunk base {sample.name!r} ({sample.id})"
    if not raw.ok:
        return info(UNK, subject, f"not learned: {where} failed ({raw.reason})")
    props = raw.value.get("properties") if isinstance(raw.value, dict) else None
    entry = props.get(KEY_PASSWORD) if isinstance(props, dict) else None
    if not isinstance(entry, dict):
        return ok(UNK, subject, f"absent: {where} returns no {KEY_PASSWORD}")
    held = entry.get("value") or {}
    if "instance" not in held:
        return ok(UNK, subject, f"absent: {where} returns {KEY_PASSWORD} without an instance (write-only)")
    return returned_password(
        subject,
        where,
        KEY_PASSWORD,
        held["instance"],
        readers="telephony:readonly",
        fix="keep the telephony scopes to the OAuth clients that need them",
    )


def _proxies(bases: Outcome, raw: Outcome | None) -> Finding:
    """The forms of the proxy entries the org's trunk bases hold, and whether the program reads each."""
    subject = "proxy list format of existing trunk bases"
    entries = [e for b in _live(bases) for e in (b.instance(KEY_PROXIES) or [])]
    if not entries and raw is not None and raw.ok and isinstance(raw.value, dict):
        prop = (raw.value.get("properties") or {}).get(KEY_PROXIES) or {}
        entries = list((prop.get("value") or {}).get("instance") or [])
    if not entries:
        return (
            _not_learned(subject, bases)
            if not _live(bases)
            else info(UNK, subject, "not learned: no base has a proxy entry")
        )
    forms: Counter[str] = Counter()
    unread = []
    for entry in entries:
        form = _form(entry)
        forms[form] += 1
        if form == "other":
            unread.append(str(entry))
    shown = ", ".join(f"{form} x{n}" for form, n in forms.most_common())
    if unread:
        return warn(
            UNK,
            subject,
            f"{_entries(entries)}: {shown}; the program writes and reads `host` or `host:port`, not "
            f"{unread[0]!r}: an export or refresh of those bases shows no carrier",
            "report the form (without secrets) to the project",
        )
    return ok(UNK, subject, f"{_entries(entries)}: {shown} (the program writes and reads these forms)")


def _entries(entries: list[Any]) -> str:
    return f"{len(entries)} entr{'y' if len(entries) == 1 else 'ies'}"


def _form(entry: Any) -> str:
    if not isinstance(entry, str):
        return "other"
    found = carrier_from_properties({KEY_PROXIES: [entry]})
    if found is None:
        return "other"
    return "host:port" if found[1] is not None else "host"


def _listed_properties(bases: Outcome, raw: Outcome | None) -> Finding:
    """Whether the list with ``expand=properties`` carries what a GET does: the export reads it so."""
    subject = "properties on the trunk base list"
    live = _live(bases)
    if not live or raw is None or not raw.ok or not isinstance(raw.value, dict):
        return _not_learned(subject, bases) if not live else info(UNK, subject, "not learned: no GET to compare")
    got = set(raw.value.get("properties") or {})
    listed = {b.id: set(b.properties) for b in live}
    missing = sorted(got - listed.get(str(raw.value.get("id")), set()))
    if not missing:
        return ok(
            UNK, subject, f"expand=properties returns the {len(got)} keys a GET does: an export reads one page per 100"
        )
    return warn(
        UNK,
        subject,
        f"expand=properties leaves out {len(missing)} key(s) a GET returns ({', '.join(missing[:5])}): an export "
        "reads each trunk base on its own",
        None,
    )


def _instances(bases: Outcome, instances: Outcome) -> Finding:
    subject = "trunk instances per trunk base"
    if not instances.ok:
        return info(UNK, subject, f"not learned: the trunk list could not be read ({instances.reason})")
    live = _live(bases)
    if not live:
        return _not_learned(subject, bases)
    per_base = Counter(t.trunk_base.id for t in instances.value if t.trunk_base is not None)
    spread = Counter(per_base.get(b.id, 0) for b in live)
    shown = ", ".join(f"{n} base(s) with {k}" for k, n in sorted(spread.items()))
    return ok(UNK, subject, f"{shown} (the registration roll-up reports each instance)")


def _topics(topics: Outcome) -> Finding:
    subject = "transports of the trunk notification topics"
    if topics.forbidden:
        return warn(
            UNK,
            subject,
            f"not learned: {topics.reason}",
            "give the OAuth client the scope notifications to learn it (the program does not need it)",
        )
    if not topics.ok:
        return info(UNK, subject, f"not learned: {topics.reason}")
    entities = topics.value.get("entities") if isinstance(topics.value, dict) else None
    trunk_topics = [t for t in entities or [] if str(t.get("id", "")).startswith(TRUNK_TOPIC)]
    if not trunk_topics:
        return info(UNK, subject, "the org offers no trunk topic: registration is read by polling, as the program does")
    shown = "; ".join(f"{t['id']}: {', '.join(t.get('transports') or []) or 'none listed'}" for t in trunk_topics)
    return ok(UNK, subject, shown)
