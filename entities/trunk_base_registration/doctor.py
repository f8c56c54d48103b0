"""What the doctor checks of the trunk bases' registration outcome: the trunk instance and audit reads `up`
and `refresh` make, how many instances the org runs per base, and which transports carry the trunk topics.

The realtime audit query is a POST, but it only reads (it answers from the audit store and keeps nothing,
unlike the asynchronous query, which makes a transaction): the doctor sends it once, since `up` and `refresh`
make it and only its reply tells whether the OAuth client may.
"""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta
from typing import Any

from entities.trunk_base.doctor import Org, live_bases, not_learned, sample_base
from entities.trunk_base.models import EXTERNAL
from inspection.check import Run
from inspection.findings import Finding, Section, info, ok, warn
from inspection.permissions import Need
from inspection.reads import Outcome

from . import api
from .api import AUDITS_REALTIME, TrunkInstancesApi

TELEPHONY_READ = "scope telephony:readonly (or telephony)"
AUDITS_READ = "scope audits:readonly (or audits)"
TRUNK_TOPIC = "v2.telephony.providers.edges.trunks."
#: An entity id no org has: the audit query's grant is probed with it when the org has no trunk base.
NO_ENTITY = "00000000-0000-0000-0000-000000000000"
UNK = Section.UNKNOWNS


class RegistrationCheck:
    queries: frozenset[str] = frozenset({AUDITS_REALTIME})

    def check(self, run: Run) -> list[Finding]:
        bases = Org(run).bases()
        sample = sample_base(run)
        every = TrunkInstancesApi(run.client)
        instances = run.reads.all(api.list_trunks(1, 1, trunk_type=EXTERNAL), lambda: every.trunks(trunk_type=EXTERNAL))
        until = datetime.now(UTC).replace(microsecond=0)
        base_id = sample.id if sample else NO_ENTITY
        run.reads.query(api.query_audits(base_id, until - timedelta(days=1), until, 1, 1))
        topics = run.reads.get(api.list_available_topics())
        return [_instances(bases, instances), _topics(topics)]

    def needs(self, run: Run) -> list[Need]:
        return [
            Need("GET", api.list_trunks(1, 1, trunk_type=EXTERNAL).template, TELEPHONY_READ, ("up", "refresh")),
            Need("POST", AUDITS_REALTIME, AUDITS_READ, ("up", "refresh")),
        ]

    def catalogue(self, run: Run) -> dict[str, Any]:
        return {}


def _instances(bases: Outcome, instances: Outcome) -> Finding:
    subject = "trunk instances per trunk base"
    if not instances.ok:
        return info(UNK, subject, f"not learned: the trunk list could not be read ({instances.reason})")
    bases_live = live_bases(bases)
    if not bases_live:
        return not_learned(subject, bases)
    per_base = Counter(t.trunk_base.id for t in instances.value if t.trunk_base is not None)
    spread = Counter(per_base.get(b.id, 0) for b in bases_live)
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


CHECK = RegistrationCheck()
