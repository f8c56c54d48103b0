"""What the exporter writes of a trunk's status webhook: the one webhook the trunk's config can hold."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from genesys_api import DELETED
from inspection.entries import ExportedEntry, SecretSetting

from .api import Webhook

#: The filter the program's webhooks carry: exactly one edge.
_ONE_EDGE = re.compile(r"resourceIds:\[([^\],\s]+)\]")
_ANY_IDS = re.compile(r"resourceIds:\[([^\]]*)\]")


def webhooks_by_edge(webhooks: Iterable[Webhook]) -> dict[str, list[Webhook]]:
    """Live webhooks by every edge id their filter names."""
    found: dict[str, list[Webhook]] = defaultdict(list)
    for hook in webhooks:
        if hook.state == DELETED:
            continue
        for ids in _ANY_IDS.findall(hook.filter_criteria or ""):
            for edge_id in {i.strip() for i in ids.split(",") if i.strip()}:
                found[edge_id].append(hook)
    return found


def add_webhook(trunk: ExportedEntry, edge_id: str, webhooks: list[Webhook]) -> None:
    """The one webhook the trunk's config can hold: named, targeted and filtered as the program makes it.

    Any other webhook on the edge stays outside the stack: the program would not recognise it as the trunk's
    and would make a second one beside it."""
    exportable = [h for h in webhooks if _ONE_EDGE.fullmatch((h.filter_criteria or "").strip()) and h.target_uri]
    exportable = [h for h in exportable if (h.filter_criteria or "").strip() == f"resourceIds:[{edge_id}]"]
    chosen = min(exportable, key=lambda h: (h.date_created is None, h.date_created, h.id), default=None)
    for hook in webhooks:
        if hook is chosen:
            continue
        why = (
            "the stack holds one webhook per trunk"
            if hook in exportable
            else f"its filter {hook.filter_criteria!r} is not the stack's `resourceIds:[<edge id>]`"
        )
        trunk.notes.append(f"webhook {hook.name!r} ({hook.id}) stays outside the stack: {why}")
    if chosen is None:
        return
    block: dict[str, Any] = {"name": chosen.name, "targetUri": chosen.target_uri, "eventTypes": list(chosen.event_type)}
    trunk.settings["webhook"] = block
    trunk.comments["webhook.name"] = f"webhook {chosen.id}"
    for header, value in sorted(chosen.headers.items()):
        trunk.secrets.append(SecretSetting(f'webhook.headers["{header}"]', f"webhook header {header}", value))
    if chosen.enabled is False:
        trunk.notes.append(f"webhook {chosen.name!r} is disabled in the org; the stack enables it on `up`")
