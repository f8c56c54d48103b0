"""The program under a misbehaving Genesys: rate limits, 5xx, latency, dropped connections, expiring tokens,
a restarted server. Each scenario ends converged, with no duplicate, no orphan and no secret in plaintext."""

from __future__ import annotations

import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime

import pytest

from devtools.trunks_project import PROFILE_HD
from tests.support.waiting import wait_until

from .conftest import (
    DIALECTS,
    EDGES,
    REPORT,
    SEED,
    WEBHOOKS,
    api_calls,
    edge_count,
    in_background,
    kill_tree,
    tally_faults,
    writes,
)

pytestmark = [pytest.mark.e2e, pytest.mark.reliability]


GROUPS = "/api/v2/telephony/providers/edges/edgegroups"
WINDOW_SECONDS = 60  # the emulator's rate-limit window, like Genesys Cloud's per-minute limits


def trunks_for(prefix: str, count: int, *, hooks: int) -> list[dict]:
    """``count`` seed trunks, the first ``hooks`` of them with a status webhook whose header carries a
    receiver's token (a secret, like the registration passwords)."""
    return SEED.trunks(prefix, count, hooks=hooks)


def at(request: dict) -> float:
    """When the emulator received ``request`` (seconds since the epoch)."""
    return datetime.fromisoformat(request["time"]).timestamp()


def statuses(requests: list[dict]) -> Counter[int]:
    return Counter(r["status"] for r in requests)


#: How late a call that had passed the pacer before the first 429 came back may still reach the server.
IN_FLIGHT_SECONDS = 3.0


@pytest.mark.parametrize("dialect", DIALECTS)
def test_429_storm_at_20_requests_per_minute(scenario, dialect):
    emu = scenario.start(rate_limit=20)
    trunks = dialect.trunks("rl", 5, hooks=3)
    project = scenario.new_project(trunks, dialect=dialect)
    neighbour: Counter[int] = Counter()

    def ours_started() -> bool:
        return any(r["path"].startswith("/api/v2/") and r["path"] != GROUPS for r in emu.requests())

    def noisy_neighbour(stop):
        """Another pipeline on the same OAuth client: once our `up` reads its catalogue (just before its
        creates), it spends the whole window, four requests at a time, so the window is gone before our
        creates however slowly a loaded machine runs either side."""
        wait_until(lambda: stop.is_set() or ours_started(), 120)
        spent = threading.Event()

        def spend() -> None:
            while not (stop.is_set() or spent.is_set()):
                status = emu.api("GET", GROUPS).status_code
                neighbour[status] += 1
                if status == 429:
                    spent.set()

        with ThreadPoolExecutor(4) as pool:
            for _ in range(4):
                pool.submit(spend)

    started = time.monotonic()
    with in_background(noisy_neighbour):
        project.up("--diff")
    took = time.monotonic() - started
    log = api_calls(emu.requests())
    ours = [r for r in log if r["path"] != GROUPS]
    limited = [r for r in ours if r["status"] == 429]
    # The window opened with the first /api/v2 request and was spent by the neighbour's first 429. Our `up` had
    # calls after that: each was refused with a 429, or the pacer (told `remaining: 0` by the last allowed
    # reply) held it until the window reset, which costs no refused call. (A request that entered the server
    # within a moment of that 429 may have been counted before it.)
    assert neighbour[429] >= 1, "the neighbour should have spent the window"
    reset = at(log[0]) + WINDOW_SECONDS - 1
    spent = min(at(r) for r in log if r["path"] == GROUPS and r["status"] == 429) + 0.25
    after_spent = [r for r in ours if at(r) > spent]
    assert after_spent, "the up should have met the rate limit"
    # Once refused, the provider sends nothing until the reset: only calls already on their way may follow it
    # (past the pacer before the first 429 came back; on a loaded machine such a call can reach the server a
    # couple of seconds later). A client that retried early would keep sending until the reset, a minute away.
    first_refused = min((at(r) for r in limited), default=reset)
    early = [r for r in ours if first_refused + IN_FLIGHT_SECONDS < at(r) < reset]
    assert early == [], statuses(early)
    REPORT["rate limit: our calls refused with 429"] += len(limited)
    REPORT["rate limit: our calls after the window was spent, sent once it reset"] += sum(
        1 for r in after_spent if r["status"] != 429
    )
    # No retry storm: after a 429 every thread of the provider waits for the window, and then paces itself.
    assert len(limited) <= 8, statuses(ours)
    assert len(ours) <= 40, statuses(ours)
    # Each entity was POSTed once: a 429 is answered before any work, so a retried POST cannot duplicate.
    created = [r for r in writes(ours) if r["method"] == "POST" and r["status"] in (200, 201)]
    assert len(created) == dialect.creates(5, 3)
    assert took < 150
    scenario.converge(trunks)


@pytest.mark.parametrize("dialect", DIALECTS)
def test_one_in_five_requests_fails_with_503(scenario, dialect):
    emu = scenario.start()
    trunks = dialect.trunks("e5", 6, hooks=3)
    project = scenario.new_project(trunks, dialect=dialect)
    emu.set_faults(error_rate=0.2, seed=5)
    project.up("--diff")
    # Updates, a delete and a create under the same faults.
    trunks[0]["codecs"] = ["G711a"]
    dialect.edit(trunks[1])
    trunks = [*trunks[:5], dialect.trunk("e5-6", hook_token="rcv-e5-6-t0k3n")]
    scenario.set_trunks(trunks)
    project.preview("--diff")
    project.up("--diff")
    log = emu.requests()
    assert sum(1 for r in log if r.get("fault") == "error") >= 3, statuses(log)
    scenario.converge(trunks)


def test_latency_spikes_beyond_the_client_timeout(scenario):
    """Spikes of 1.5 s against a 1 s client timeout on the first writes of each `up` (the edge creates, then the
    update): the client cannot know whether a POST that timed out was applied, so it must look before sending it
    again. (The emulator does not apply a request whose client has gone; "applied, then the reply lost" is the
    drop-after-write scenario.)"""
    emu = scenario.start()
    trunks = trunks_for("lat", 6, hooks=6)
    project = scenario.new_project(trunks)
    scenario.set_config({"genesys:timeoutSeconds": 1})
    emu.set_faults(latency_ms=1500, latency_writes=len(trunks))
    first = project.up("--diff", check=False)
    trunks[2]["codecs"] = ["G729"]
    scenario.set_trunks(trunks)
    emu.set_faults(latency_ms=1500, latency_writes=1)
    second = project.up("--diff", check=False)
    emu.clear_faults()
    log = emu.requests()
    slow = [r for r in log if r["durationMs"] >= 1000]
    REPORT["faults injected: latency spike (request > client timeout)"] += len(slow)
    timed_out_creates = [r for r in slow if r["method"] == "POST" and r["path"] in (EDGES, WEBHOOKS)]
    REPORT["creates (POST) that timed out at the client"] += len(timed_out_creates)
    assert len(timed_out_creates) >= 1 and any(r["method"] == "PUT" for r in slow), statuses(slow)
    REPORT["faulted ups that failed (then repaired)"] += (first.returncode != 0) + (second.returncode != 0)
    scenario.converge(trunks)


@pytest.mark.parametrize("dialect", DIALECTS)
def test_connections_dropped_after_the_write_reached_the_server(scenario, dialect):
    emu = scenario.start()
    trunks = dialect.trunks("daw", 4, hooks=4)
    project = scenario.new_project(trunks, dialect=dialect)

    def dropping(writes: int) -> None:
        """The next ``writes`` writes of the dialect's trunks reach the org, then lose their connection."""
        emu.set_faults(drop_after_write_rate=1.0, drop_after_writes=writes, drop_after_write_to=dialect.entities_path)

    dropping(2)
    project.up("--diff")
    trunks[0]["codecs"] = ["G711u"]
    dialect.edit(trunks[1])
    scenario.set_trunks(trunks)
    dropping(1)
    project.up("--diff")
    trunks = trunks[:3]  # the last trunk is deleted
    scenario.set_trunks(trunks)
    dropping(1)
    project.up("--diff")
    emu.clear_faults()
    dropped = [r for r in emu.requests() if r.get("fault") == "dropAfterWrite"]
    assert sorted(r["method"] for r in dropped) == ["DELETE", "POST", "POST", "PUT"], dropped
    scenario.converge(trunks)


def test_genesys_goes_down_right_after_the_creates(scenario):
    """Every call fails with 503 for a few seconds from the moment the edges exist, so reading their
    registration outcome fails for good. The edges must still be recorded in the state: a create that
    failed after its POST would leave them out, orphans the next `up` trips over. Outcomes read in the
    outage are recorded as unknown, and the next `up` reads them."""
    emu = scenario.start(registration_delay=1.0)
    trunks = trunks_for("down", 4, hooks=2)
    project = scenario.new_project(trunks)
    scenario.set_config({"genesys:maxRetries": 1, "genesys:retryBudgetSeconds": 2})

    def created() -> int:
        return sum(1 for r in emu.requests() if r["path"] == EDGES and r["status"] == 201)

    def outage(stop):
        wait_until(lambda: stop.is_set() or created() >= len(trunks), 60)
        emu.set_faults(error_rate=1.0)
        stop.wait(6)
        emu.clear_faults()

    with in_background(outage):
        project.up("--diff", check=False)  # webhooks whose POST met the outage fail the up
    assert len(project.resources(":Edge")) == len(trunks), "an edge created before the outage is missing"
    unread = [r["outputs"]["outcome"] for r in project.resources(":Registration")]
    assert unread, "no trunk got as far as its registration"
    for outcome in unread:
        assert outcome["status"] == "unknown" and "reading the edge's registration events failed" in outcome["reason"]
    scenario.heal()
    project.up("--diff")
    outcomes = [r["outputs"]["outcome"] for r in project.resources(":Registration")]
    assert len(outcomes) == len(trunks)
    assert all(o["status"] == "registered" and o["latencySeconds"] is not None for o in outcomes), outcomes
    scenario.converge(trunks)


@pytest.mark.parametrize("dialect", DIALECTS)
def test_tokens_expire_in_the_middle_of_every_run(scenario, dialect):
    """Each token is refused after a few calls (a known point, unlike clock expiry that a fast run can
    outpace) while tokens also live only 3 s: runs meet expired tokens mid-run and carry on."""
    emu = scenario.start(token_lifetime=3)
    emu.settings(token_max_uses=3)
    trunks = dialect.trunks("tok", 4, hooks=2)
    project = scenario.new_project(trunks, dialect=dialect)
    project.up("--diff")
    dialect.set_password(trunks[3], "a-rotated-carrier-pw")
    scenario.set_trunks(trunks)
    project.up("--diff")
    project.refresh()
    log = emu.requests()
    tokens = [r for r in log if r["path"] == "/oauth/token"]
    rejected = [r for r in api_calls(log) if r["status"] == 401]
    REPORT["token expiry: API calls"] += len(api_calls(log))
    REPORT["token expiry: 401 replies"] += len(rejected)
    REPORT["token expiry: token requests"] += len(tokens)
    assert len(rejected) >= 2, "the first up (4 trunks, their webhooks) and the refresh each make over 3 calls"
    # A 401 costs one token fetch and one repeat: no more tokens than refusals plus one per command and
    # the clock renewals (at most one per 2.7 s of a run).
    assert len(tokens) <= len(rejected) + 3 * 12, (len(tokens), len(rejected))
    assert len(rejected) <= len(api_calls(log)) // 2
    scenario.converge(trunks)


def test_emulator_restarted_in_the_middle_of_an_up(scenario):
    emu = scenario.start(registration_delay=1.0)
    trunks = trunks_for("rs", 6, hooks=3)
    project = scenario.new_project(trunks)
    proc = project.up_popen("--diff")
    try:
        assert wait_until(lambda: edge_count(emu) >= 2, 60), "no edge was created"
        tally_faults(emu.requests())
        emu.restart()  # graceful: in-flight requests finish or fail
        REPORT["faults injected: emulator restarts"] += 1
        wait_until(lambda: edge_count(emu) >= 4, 60)
        emu.restart(hard=True)  # a crash
        REPORT["faults injected: emulator restarts"] += 1
        output, _ = proc.communicate(timeout=300)
    finally:
        if proc.poll() is None:
            kill_tree(proc)
    project.record(output)
    REPORT["faulted ups that failed (then repaired)"] += proc.returncode != 0
    scenario.converge(trunks)


def test_everything_at_once_then_a_sip_profile_change(scenario):
    """503s, dropped connections (before and after the write), latency and expiring tokens together."""
    emu = scenario.start(token_lifetime=4)
    trunks = trunks_for("mix", 5, hooks=3)
    project = scenario.new_project(trunks)
    scenario.set_config({"genesys:timeoutSeconds": 5})
    emu.set_faults(error_rate=0.1, drop_rate=0.1, drop_after_write_rate=0.2, latency_ms=50, seed=3)
    first = project.up("--diff", check=False)
    for t in trunks[:2]:
        t.update(sipProfileId=PROFILE_HD, codecs=["Opus", "G711u"])
    scenario.set_trunks(trunks)
    second = project.up("--diff", check=False)
    REPORT["faulted ups that failed (then repaired)"] += (first.returncode != 0) + (second.returncode != 0)
    scenario.converge(trunks)
