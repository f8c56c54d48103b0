"""What the doctor checks of the stack's outbound routes: the grants to read and write them, each site's
classifications (every route's checked as preview checks them), the site's default route, and the
classifications routes outside the stack already carry."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol

from entities.site import api as site_api
from inspection.check import Run
from inspection.findings import Finding, Section, fail, info, ok, warn
from inspection.permissions import Need
from inspection.reads import Outcome

from . import api
from .api import OutboundRoute, OutboundRouteApi
from .settings import DEFAULT_ROUTE, is_default_route

ROUTES = "outboundRoutes"
TELEPHONY_READ = "scope telephony:readonly (or telephony)"
TELEPHONY_WRITE = "scope telephony"
CAT = Section.CATALOGUE


class _Route(Protocol):
    """A route of the stack, as its config reads it (``OutboundRouteConfig``)."""

    name: str
    site_id: str | None
    classification_types: list[str]

    @property
    def takes_over(self) -> bool: ...


class OutboundRouteCheck:
    queries: frozenset[str] = frozenset()

    def check(self, run: Run) -> list[Finding]:
        routes: Sequence[_Route] = run.entries.get(ROUTES) or []
        findings: list[Finding] = []
        for site_id in sorted({r.site_id for r in routes if r.site_id is not None}):
            ours = [(i, r) for i, r in enumerate(routes) if r.site_id == site_id]
            findings += _classifications(site_id, ours, _classifications_of(run, site_id))
            findings += _site_routes(site_id, ours, _routes_of(run, site_id))
        return findings

    def needs(self, run: Run) -> list[Need]:
        """Every call the program makes for routes (see provider.py)."""
        routes = run.entries.get(ROUTES)
        unneeded = "the stack configures no outbound route" if routes is not None and not routes else None
        listing, one = api.ROUTES_TEMPLATE, api.ROUTE_TEMPLATE
        kinds = site_api.get_classifications("-").template
        return [
            Need("GET", kinds, TELEPHONY_READ, ("preview",), unneeded),
            Need("GET", listing, TELEPHONY_READ, ("preview", "up"), unneeded),
            Need("POST", listing, TELEPHONY_WRITE, ("up",), unneeded),
            Need("GET", one, TELEPHONY_READ, ("refresh",), unneeded),
            Need("PUT", one, TELEPHONY_WRITE, ("up", "destroy"), unneeded),
            Need("DELETE", one, TELEPHONY_WRITE, ("up", "destroy"), unneeded),
        ]

    def catalogue(self, run: Run) -> dict[str, Any]:
        """Each routed site's classifications and routes."""
        routes: Sequence[_Route] = run.entries.get(ROUTES) or []
        sites = sorted({r.site_id for r in routes if r.site_id is not None})
        kinds = {s: _classifications_of(run, s) for s in sites}
        listed = {s: _routes_of(run, s) for s in sites}
        return {
            "classifications": {s: o.value for s, o in kinds.items() if o.ok},
            "outboundRoutes": {
                s: [{"name": r.name, "classificationTypes": r.classification_types} for r in o.value]
                for s, o in listed.items()
                if o.ok
            },
            "errors": [o.reason for o in (*kinds.values(), *listed.values()) if not o.ok],
        }


def _classifications_of(run: Run, site_id: str) -> Outcome:
    return run.reads.get(site_api.get_classifications(site_id), lambda data: [str(c) for c in data or []])


def _routes_of(run: Run, site_id: str) -> Outcome:
    return run.reads.all(api.list_routes(site_id, 1, 1), lambda: OutboundRouteApi(run.client).list(site_id))


def _classifications(site_id: str, ours: list[tuple[int, _Route]], kinds: Outcome) -> list[Finding]:
    subject = f"site {site_id} classifications"
    if not kinds.ok:
        return [warn(CAT, subject, f"could not be read: {kinds.reason}", "see the permissions findings")]
    offered = set(kinds.value)
    findings = [ok(CAT, subject, f"{', '.join(kinds.value)}")]
    for i, route in ours:
        bad = [(j, c) for j, c in enumerate(route.classification_types) if c not in offered]
        if bad:
            named = ", ".join(f"classificationTypes[{j}] {c!r}" for j, c in bad)
            findings.append(
                fail(
                    CAT,
                    f"outbound route {route.name!r}",
                    f"{named} not a classification of site {site_id}'s number plans",
                    f"set {ROUTES}[{i}].classificationTypes to some of: {', '.join(kinds.value)}",
                )
            )
    return findings


def _site_routes(site_id: str, ours: list[tuple[int, _Route]], listed: Outcome) -> list[Finding]:
    subject = f"site {site_id} routes"
    if not listed.ok:
        return [warn(CAT, subject, f"could not be read: {listed.reason}", "see the permissions findings")]
    routes: list[OutboundRoute] = listed.value
    findings = []
    if not any(is_default_route(r.name or "") for r in routes):
        takes = any(r.takes_over and is_default_route(r.name) for _, r in ours)
        findings.append(
            (fail if takes else info)(
                CAT,
                subject,
                f"the site has no {DEFAULT_ROUTE!r}" + (" for the stack to take over" if takes else ""),
                "a Cloud site gets one from the platform; a Premises site has none (name another route, with "
                "adopt: true, or let the stack make one)",
            )
        )
    names = {r.name.casefold() for _, r in ours}
    outside = [r for r in routes if (r.name or "").casefold() not in names]
    for i, route in ours:
        for other in outside:
            shared = [c for c in route.classification_types if c in other.classification_types]
            if shared:
                findings.append(
                    warn(
                        CAT,
                        f"outbound route {route.name!r}",
                        f"shares {', '.join(shared)} with route {other.name!r} ({other.id}) of site {site_id}, "
                        "which the stack does not manage",
                        f"take {other.name!r} over (a route of {ROUTES} with its name and adopt: true), or leave "
                        f"those classifications to one of them ({ROUTES}[{i}].classificationTypes)",
                    )
                )
    if not findings:
        findings.append(ok(CAT, subject, f"{len(routes)} route(s); none outside the stack shares a classification"))
    return findings


CHECK = OutboundRouteCheck()
