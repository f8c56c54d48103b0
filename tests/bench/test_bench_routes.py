"""`python -m bench.routes` on a small stack: the figures it prints are the route calls the run made, and they
are what a route may cost (one write each on create, none on a no-op, one read of a site's routes per run)."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench import routes as bench_routes

pytestmark = pytest.mark.e2e


def test_routes_cost_one_write_each_and_one_listing_per_site(tmp_path: Path) -> None:
    count = 6
    results = bench_routes.run(count, 3, tmp_path)
    sites = set(bench_routes.SITES)
    made = {op: figures["routes"] for op, figures in results.items()}
    assert made["up (create)"]["writes"] == {"PUT": 2, "POST": count - 2}  # each site's default taken over
    for op, calls in made.items():
        assert set(calls["site_listings"]) <= sites and all(n == 1 for n in calls["site_listings"].values()), op
    assert made["up (no change)"] == {"writes": {}, "site_listings": {}}
    assert results["up (no change)"]["calls"]["writes"] == 0
    assert made["up (every route's trunks reordered)"]["writes"] == {"PUT": count}
    assert made["refresh"]["writes"] == {}
    assert made["destroy"]["writes"] == {"DELETE": count - 2, "PUT": 2}  # the default routes given back
