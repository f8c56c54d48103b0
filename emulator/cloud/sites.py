"""Sites (seeded, read-only) and their number plans' classifications: what a site's outbound routes may carry.

A real site's number plans classify every dialled number; an outbound route names the classifications it
carries. The emulator's sites have the classifications a fresh site's default number plans give (the
CX-as-Code provider's site code lists them), custom number plans aside.
"""

from __future__ import annotations

from typing import Any

from ..errors import not_found
from . import catalog

#: The classifications of a site's default number plans.
CLASSIFICATIONS: tuple[str, ...] = (
    "Emergency",
    "Extension",
    "National",
    "International",
    "Network",
    "Suicide Prevention",
)
#: The number plans behind them (``NumberPlan`` after the SDK: its name, match type and classification).
NUMBER_PLANS: tuple[tuple[str, str, str], ...] = (
    ("Emergency", "numberList", "Emergency"),
    ("Extension", "digitLength", "Extension"),
    ("National", "e164NumberList", "National"),
    ("International", "e164NumberList", "International"),
    ("Network", "interCountryCode", "Network"),
    ("Suicide Prevention", "numberList", "Suicide Prevention"),
)


def site(site_id: str) -> catalog.Site:
    """The site; 404 naming it when there is none."""
    found = catalog.site(site_id)
    if found is None:
        raise not_found("Site", site_id)
    return found


def classifications(site_id: str) -> list[str]:
    site(site_id)
    return list(CLASSIFICATIONS)


def number_plans(site_id: str) -> list[dict[str, Any]]:
    found = site(site_id)
    path = f"{catalog.SITES_PATH}/{found.id}/numberplans"
    return [
        {
            "id": f"{found.id}-{name.lower().replace(' ', '-')}",
            "name": name,
            "state": "active",
            "version": 1,
            "matchType": match_type,
            "classification": classification,
            "selfUri": f"{path}/{found.id}-{name.lower().replace(' ', '-')}",
        }
        for name, match_type, classification in NUMBER_PLANS
    ]
