"""The newest audit events of many trunk bases, from one realtime query.

The realtime query filters by one entity id at most, so several bases' trails come from one query of every
trunk base's events, newest first, matched to the bases here. A base is answered once the read has passed its
Create event (it has nothing older), has ``kept`` of its events (an outcome keeps no more), or has reached the
window's start; paging stops when every base is answered. In most orgs a page (500 events) holds every trunk
base's events of the window, so a round costs one query however many bases it settles. Where it does not, a
page costs what reading one base alone costs: the shared read stops paging once it has spent as many pages as
bases remain unanswered, and reads those alone. A single base is read alone from the start.
"""

from __future__ import annotations

from collections.abc import Collection

from .api import TrunkInstancesApi
from .models import AuditLogMessage

CREATE = "Create"


def newest_events(trunks: TrunkInstancesApi, base_ids: Collection[str], kept: int) -> dict[str, list[AuditLogMessage]]:
    """Each base's newest ``kept`` audit events of the last 14 days, oldest first."""
    unanswered = set(base_ids)
    if len(unanswered) < 2:
        return {base_id: trunks.audit_events(base_id)[-kept:] for base_id in unanswered}
    # By base, by event id (a page may repeat an event that newer ones pushed down), newest first.
    found: dict[str, dict[str, AuditLogMessage]] = {base_id: {} for base_id in unanswered}
    spent = 0
    for page, last in trunks.every_audit_page():
        spent += 1
        for event in page:
            base_id = event.entity.id if event.entity is not None else None
            if base_id is None or base_id not in unanswered:
                continue
            events = found[base_id]
            events.setdefault(event.id, event)
            if event.action == CREATE or len(events) >= kept:
                unanswered.discard(base_id)
        if last:
            unanswered.clear()  # the window's start: every base's events of the window were read
        if not unanswered or spent >= len(unanswered):
            break
    trails = {base_id: list(reversed(events.values())) for base_id, events in found.items()}
    trails.update({base_id: trunks.audit_events(base_id)[-kept:] for base_id in unanswered})
    return trails
