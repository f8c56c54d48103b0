"""``python -m bench.routes [--routes 20] [--trunks 10]``: what a stack's outbound routes cost Genesys.

A cloud stack of N trunks and R routes over both Cloud sites (each site's default route taken over, the rest
made), each route over two of the trunks. Runs preview, the creating `up`, a no-op `up`, an `up` that reorders
every route's trunks, a refresh and the destroy, and prints for each the route calls apart from the rest
(writes per route, reads of a site's route list per site) beside every call of the run.
"""

from __future__ import annotations

import argparse
import tempfile
from collections import Counter
from pathlib import Path
from typing import Any

from devtools.trunks_project import SITE_INBOUND, SITE_MEDIA, TrunksProject, cloud_trunk
from emulator.testing import EmulatorHandle, running_emulator

from .export import UNTHROTTLED, measure
from .requestlog import is_read

SITES = (SITE_INBOUND, SITE_MEDIA)
DEFAULT_ROUTE = "Default Outbound Route"
KINDS = ("National", "International", "Network", "Extension", "Emergency", "Suicide Prevention")


def stack_routes(count: int, trunks: list[str], reversed_trunks: bool = False) -> list[dict[str, Any]]:
    """``count`` routes over both sites: the first of each site is its default route."""
    routes = []
    for i in range(count):
        site = SITES[i % 2]
        on = [trunks[i % len(trunks)], trunks[(i + 1) % len(trunks)]]
        routes.append(
            {
                "name": DEFAULT_ROUTE if i < 2 else f"bench route {i:03d}",
                "siteId": site,
                "classificationTypes": [KINDS[(i // 2) % len(KINDS)]] if i >= 2 else ["Emergency", "National"],
                "trunks": list(reversed(on)) if reversed_trunks else on,
            }
        )
    return routes


def route_calls(emu: EmulatorHandle) -> dict[str, Any]:
    """The route calls of the last operation: writes by method, and reads of each site's route list."""
    writes: Counter[str] = Counter()
    listings: Counter[str] = Counter()
    for r in emu.requests():
        path = r["path"]
        if "/outboundroutes" not in path:
            continue
        site = path.split("/sites/", 1)[1].split("/", 1)[0]
        if not is_read(r["method"], path):
            writes[r["method"]] += 1
        elif path.endswith("/outboundroutes"):
            listings[site] += 1
    return {"writes": dict(writes), "site_listings": dict(listings)}


def run(routes: int, trunk_count: int, work: Path) -> dict[str, dict[str, Any]]:
    """Each operation's figures: seconds, every call, and the route calls apart."""
    results: dict[str, dict[str, Any]] = {}
    with running_emulator(work / "emulator", registration_delay=1.0, rate_limit=UNTHROTTLED) as emu:
        trunks = [cloud_trunk(f"bench-rt-{i:03d}") for i in range(trunk_count)]
        names = [t["name"] for t in trunks]
        project = TrunksProject.create(work, emu.url, trunks, stack="bench", dialect="cloud")
        project.set_routes(stack_routes(routes, names))
        steps = [
            ("preview", project.preview),
            ("up (create)", project.up),
            ("up (no change)", project.up),
            ("up (every route's trunks reordered)", None),
            ("refresh", project.refresh),
            ("destroy", project.destroy),
        ]
        for label, action in steps:
            if action is None:
                project.set_routes(stack_routes(routes, names, reversed_trunks=True))
                action = project.up
            figures = measure(emu, label, action)
            figures["routes"] = route_calls(emu)
            print(f"{'':<34} routes: {figures['routes']}", flush=True)
            results[label] = figures
    return results


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench.routes", description=(__doc__ or "").splitlines()[0])
    ap.add_argument("--routes", type=int, default=20)
    ap.add_argument("--trunks", type=int, default=10)
    args = ap.parse_args(argv)
    print(f"{args.routes} outbound routes over {args.trunks} trunks on {len(SITES)} sites (cloud dialect)", flush=True)
    with tempfile.TemporaryDirectory(prefix="bench-routes-") as tmp:
        results = run(args.routes, args.trunks, Path(tmp))
    create = results["up (create)"]["routes"]["writes"]
    print(
        f"route writes per route on create: {sum(create.values()) / args.routes:.2f}; "
        f"on a no-op up: {sum(results['up (no change)']['routes']['writes'].values())}",
        flush=True,
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
