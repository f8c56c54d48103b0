"""What waiting for the carriers costs, end to end: the real pulumi CLI against an emulator whose carriers take
the default second to answer. A lone trunk's wait costs one read of its outcome; many trunks share each polling
round's reads, their audit events included (one query a round, never one per trunk), and their outputs are
those each trunk's own reads would give."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator

import pytest

from bench.requestlog import normalize_path
from devtools.trunks_project import cloud_trunk, trunk
from emulator.testing import EmulatorHandle, running_emulator
from tests.e2e.conftest import api_calls, writes

pytestmark = pytest.mark.e2e

PROVIDERS = "/api/v2/telephony/providers"
EDGES = f"{PROVIDERS}/edges"
BASES = f"{EDGES}/trunkbasesettings"
INSTANCES = f"{EDGES}/trunks"
AUDITS = "/api/v2/audits/query/realtime"
EVENTS = "/api/v2/analytics/events/query"
HOOK = "http://127.0.0.1:9/hook"
MANY = 12


@pytest.fixture(scope="module")
def emulator(tmp_path_factory) -> Iterator[EmulatorHandle]:
    """Carriers answer a second after a write, as the emulator's default (and the bench's) has them."""
    with running_emulator(tmp_path_factory.mktemp("emulator"), registration_delay=1.0, rate_limit=100_000) as handle:
        yield handle


def endpoints(requests: list[dict]) -> Counter[str]:
    """API calls by method and path, ids as {id}."""
    return Counter(f"{r['method']} {normalize_path(r['path'])}" for r in api_calls(requests))


def audit_queries_per_round(requests: list[dict]) -> list[int]:
    """The audit queries after each polling round's instance reads (the round reads its settled bases' audit
    events once its instances are read): one number per round, in order."""
    rounds: list[int] = []
    for r in api_calls(requests):
        if r["method"] == "GET" and r["path"] == INSTANCES:
            if not rounds or rounds[-1] > 0:
                rounds.append(0)
        elif r["path"] == AUDITS:
            assert rounds, "an audit query before any instance read"
            rounds[-1] += 1
    return rounds


def test_a_lone_seed_trunks_create_reads_its_events_once(emulator, new_project):
    project = new_project([trunk("lone-seed", webhook={"targetUri": HOOK})])
    emulator.reset_requests()
    project.up()
    assert endpoints(emulator.requests()) == {
        f"GET {PROVIDERS}/sipprofiles/{{id}}": 1,
        f"GET {EDGES}/edgegroups/{{id}}": 1,
        f"POST {EDGES}": 1,
        "POST /api/v2/webhooks": 1,
        f"POST {EVENTS}": 1,
    }
    assert project.trunks_output()["lone-seed"]["registrationStatus"] == "registered"


def test_a_lone_cloud_trunks_create_reads_its_instances_and_audits_once(emulator, new_project):
    project = new_project([cloud_trunk("lone-cloud")], dialect="cloud")
    emulator.reset_requests()
    project.up()
    assert endpoints(emulator.requests()) == {
        f"GET {BASES}/template": 1,
        f"GET {EDGES}/sites/{{id}}": 1,
        f"POST {BASES}": 1,
        f"GET {INSTANCES}": 1,
        f"POST {AUDITS}": 1,
    }
    out = project.trunks_output()["lone-cloud"]
    assert out["registrationStatus"] == "registered"
    assert [e["type"] for e in out["auditEvents"]] == ["TrunkBase:Create"]


def test_many_cloud_trunks_share_each_rounds_audit_query_on_create_and_update(emulator, new_project):
    trunks = [cloud_trunk(f"round-{i}", properties={"trunk_maxDialTimeout": "2m"}) for i in range(MANY)]
    project = new_project(trunks, dialect="cloud")
    for step, expected in (("create", ["TrunkBase:Create"]), ("update", ["TrunkBase:Create", "TrunkBase:Update"])):
        if step == "update":
            for t in trunks:
                t["properties"]["trunk_maxDialTimeout"] = "90s"
            project.set_trunks(trunks)
        emulator.reset_requests()
        project.up()
        log = emulator.requests()
        calls = endpoints(log)
        assert [r["method"] for r in writes(log)] == ["POST" if step == "create" else "PUT"] * MANY
        per_round = audit_queries_per_round(log)
        assert per_round and max(per_round) == 1, (step, per_round)  # one audit query a round, for every base
        audits = calls[f"POST {AUDITS}"]
        assert audits == sum(per_round) < MANY / 2, (step, calls)
        # Nothing else: the writes, the catalogue (the template; the site on create), the rounds' reads.
        catalogue = {f"GET {BASES}/template": 1, **({f"GET {EDGES}/sites/{{id}}": 1} if step == "create" else {})}
        assert sum(calls.values()) == MANY + sum(catalogue.values()) + calls[f"GET {INSTANCES}"] + audits, calls
        for key, count in catalogue.items():
            assert calls[key] == count, calls
        out = project.trunks_output()
        for t in trunks:
            summary = out[t["name"]]
            assert summary["registrationStatus"] == "registered", summary
            assert [e["type"] for e in summary["auditEvents"]] == expected, summary
            assert {e["actor"] for e in summary["auditEvents"]} == {"client genesys-trunks-dev"}
