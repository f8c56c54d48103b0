"""What the doctor checks of the stack's trunk bases: the sites and metabase templates they name, every
property they send checked against the template as preview checks it, the calls the program makes for them,
and what the org's existing bases show where the public sources are silent (the password on a GET, the proxy
list's form, the properties a list returns)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from typing import Any, Protocol

from entities.site import Site, SiteApi
from entities.site import api as site_api
from genesys_api import live
from inspection import catalogue
from inspection.check import Run
from inspection.findings import Finding, Section, fail, info, ok, warn
from inspection.permissions import Need
from inspection.reads import Outcome
from inspection.unknowns import returned_password

from . import api
from .api import TrunkBaseApi
from .models import BYOC_CARRIER_METABASE, TrunkBase, TrunkBaseTemplate
from .properties import CODEC_MIME, KEY_PASSWORD, KEY_PROXIES, carrier_from_properties, check_properties
from .settings import setting_path

TRUNKS = "trunks"
TELEPHONY_READ = "scope telephony:readonly (or telephony)"
TELEPHONY_WRITE = "scope telephony"

CAT = Section.CATALOGUE
UNK = Section.UNKNOWNS


class _Trunk(Protocol):
    """A trunk of the stack, as its config reads it (``components.CloudTrunkConfig``)."""

    name: str
    trunk_metabase_id: str
    inbound_site_id: str | None
    site_id: str | None
    from_stacks: Mapping[str, Any]

    def sent(self, password: str | None = None) -> dict[str, Any]: ...


class Org:
    """The Platform API's reads of trunk bases, their templates and sites, each made once per run."""

    def __init__(self, run: Run) -> None:
        self.reads = run.reads
        self.bases_api = TrunkBaseApi(run.client)
        self.sites_api = SiteApi(run.client)

    def template(self, metabase_id: str) -> Outcome:
        return self.reads.get(api.get_template(metabase_id), TrunkBaseTemplate.model_validate)

    def metabases(self) -> Outcome:
        return self.reads.all(api.list_metabases(1, 1), self.bases_api.list_metabases)

    def site(self, site_id: str) -> Outcome:
        call = site_api.get_site(site_id)
        return self.reads.get(call, lambda data: live(Site, data, call))

    def sites(self) -> Outcome:
        return self.reads.all(site_api.list_sites(1, 1), self.sites_api.list)

    def bases(self) -> Outcome:
        """Every trunk base with its properties, deleted ones included (each page once)."""
        return self.reads.all(api.list_trunk_bases(1, 1), lambda: self.bases_api.list_all(properties=True))

    def raw_base(self, base_id: str) -> Outcome:
        return self.reads.get(api.get_trunk_base(base_id))


def live_bases(bases: Outcome) -> list[TrunkBase]:
    return [b for b in bases.value or [] if not b.deleted] if bases.ok else []


def sample_base(run: Run) -> TrunkBase | None:
    """An existing trunk base to read once, one of the stack's trunks if it has one."""
    bases = live_bases(Org(run).bases())
    names = {t.name.casefold() for t in run.entries.get(TRUNKS) or []}
    ours = [b for b in bases if (b.name or "").casefold() in names]
    return next(iter(ours or bases), None)


def not_learned(subject: str, bases: Outcome) -> Finding:
    if not bases.ok:
        return info(UNK, subject, f"not learned: the trunk base list could not be read ({bases.reason})")
    return info(
        UNK, subject, "not learned: the org has no trunk base yet", "run the doctor again after the first `pulumi up`"
    )


class TrunkBaseCheck:
    queries: frozenset[str] = frozenset()

    def check(self, run: Run) -> list[Finding]:
        org = Org(run)
        trunks: Sequence[_Trunk] | None = run.entries.get(TRUNKS)
        findings: list[Finding] = []
        org.metabases()
        if trunks is None:
            org.template(BYOC_CARRIER_METABASE)  # the grant the catalogue needs, probed without the trunks
        else:
            findings += _catalogue(trunks, org)
        bases = org.bases()
        sample = sample_base(run)
        raw = org.raw_base(sample.id) if sample else None
        return findings + [_password(bases, sample, raw), _proxies(bases, raw), _listed_properties(bases, raw)]

    def needs(self, run: Run) -> list[Need]:
        """Every call the program makes for trunk bases (see provider.py; the metabase and site lists are read
        when a trunk names one that is missing)."""
        base, bases = api.get_trunk_base("-").template, api.list_trunk_bases(1, 1).template
        return [
            Need("GET", api.get_template("-").template, TELEPHONY_READ, ("preview",)),
            Need("GET", api.list_metabases(1, 1).template, TELEPHONY_READ, ("preview",)),
            Need("GET", site_api.get_site("-").template, TELEPHONY_READ, ("preview",)),
            Need("GET", site_api.list_sites(1, 1).template, TELEPHONY_READ, ("preview",)),
            Need("GET", bases, TELEPHONY_READ, ("up",)),
            Need("GET", base, TELEPHONY_READ, ("up", "refresh")),
            Need("POST", bases, TELEPHONY_WRITE, ("up",)),
            Need("PUT", base, TELEPHONY_WRITE, ("up",)),
            Need("DELETE", base, TELEPHONY_WRITE, ("up", "destroy")),
        ]

    def catalogue(self, run: Run) -> dict[str, Any]:
        """The templates of the metabases the stack uses (the BYOC carrier's when it names none), every key
        with its type, default and allowed values; the org's metabases and sites."""
        org = Org(run)
        trunks: Sequence[_Trunk] = run.entries.get(TRUNKS) or []
        wanted = sorted({t.trunk_metabase_id for t in trunks} or {BYOC_CARRIER_METABASE})
        templates = {m: org.template(m) for m in wanted}
        metabases, sites = org.metabases(), org.sites()
        return {
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


# ---------------------------------------------------------------------------------------------- catalogue


def _name(trunk: _Trunk) -> str:
    return trunk.name


def _catalogue(trunks: Sequence[_Trunk], org: Org) -> list[Finding]:
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


def _inbound(trunk: _Trunk) -> str | None:
    return trunk.inbound_site_id


def _media(trunk: _Trunk) -> str | None:
    return trunk.site_id


def _metabase(trunk: _Trunk) -> str:
    return trunk.trunk_metabase_id


def _site(site: Site) -> str:
    return f"{site.name!r} exists ({site.media_model or 'media model not given'})"


def _template(template: TrunkBaseTemplate) -> str:
    return f"its template exists ({len(template.properties)} keys; `--template-out FILE` lists them)"


def _properties(i: int, trunk: _Trunk, template: TrunkBaseTemplate) -> Finding:
    """Every property the trunk sends (codecs, carrier, credentials, ``properties``) against the template,
    as preview checks it; each problem at the config path it comes from. The password is left out: no check
    needs it."""
    subject = f"trunk {trunk.name!r} properties"
    sent = trunk.sent()
    problems = check_properties(template, sent)
    if not problems:
        return ok(CAT, subject, f"{len(sent)} value(s) valid against the template (codecs included)")
    return fail(
        CAT,
        subject,
        "; ".join(f"trunks[{i}].{setting_path(key)} {message}" for key, message in problems),
        "use the keys and values the template allows (`python -m doctor --template-out FILE` lists them)",
    )


# ---------------------------------------------------------------------------------------------- unknowns


def _password(bases: Outcome, sample: TrunkBase | None, raw: Outcome | None) -> Finding:
    subject = "password on GET of a trunk base"
    if sample is None or raw is None:
        return not_learned(subject, bases)
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
    entries = [e for b in live_bases(bases) for e in (b.instance(KEY_PROXIES) or [])]
    if not entries and raw is not None and raw.ok and isinstance(raw.value, dict):
        prop = (raw.value.get("properties") or {}).get(KEY_PROXIES) or {}
        entries = list((prop.get("value") or {}).get("instance") or [])
    if not entries:
        return (
            not_learned(subject, bases)
            if not live_bases(bases)
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
    bases_live = live_bases(bases)
    if not bases_live or raw is None or not raw.ok or not isinstance(raw.value, dict):
        return not_learned(subject, bases) if not bases_live else info(UNK, subject, "not learned: no GET to compare")
    got = set(raw.value.get("properties") or {})
    listed = {b.id: set(b.properties) for b in bases_live}
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


CHECK = TrunkBaseCheck()
