"""The seed's API: a trunk is an edge; its webhooks are the ones whose filter names that edge alone."""

from __future__ import annotations

import re
from collections import defaultdict
from typing import Any, get_args

from pydantic import BaseModel

from ..genesys import Edge, EdgeSettings, GenesysClient, Webhook, config_problems, settings_of
from ..model import ExportedTrunk, SecretSetting, Track

#: The filter the program's webhooks carry: exactly one edge.
_ONE_EDGE = re.compile(r"resourceIds:\[([^\],\s]+)\]")
_ANY_IDS = re.compile(r"resourceIds:\[([^\]]*)\]")


class SeedDialect:
    name: str = "seed"
    entity: str = "edge"
    optional_blocks: tuple[str, ...] = ("webhook",)

    def read_trunks(self, api: GenesysClient, track: Track) -> list[ExportedTrunk]:
        groups = {g.id: g.name for g in track(api.list_edge_groups(), "edge groups")}
        profiles = {p.id: p.name for p in track(api.list_sip_profiles(), "SIP profiles")}
        edges = list(track(api.list_edges(), "edges"))
        hooks = webhooks_by_edge(track(api.list_webhooks(), "webhooks"))
        return [trunk_entry(edge, groups, profiles, hooks.get(edge.id, [])) for edge in edges]

    def config_problems(self, entry: dict[str, Any]) -> list[tuple[str, str]]:
        return config_problems(entry)


def webhooks_by_edge(webhooks: Any) -> dict[str, list[Webhook]]:
    """Live webhooks by every edge id their filter names."""
    found: dict[str, list[Webhook]] = defaultdict(list)
    for hook in webhooks:
        if hook.state == "deleted":
            continue
        for ids in _ANY_IDS.findall(hook.filter_criteria or ""):
            for edge_id in {i.strip() for i in ids.split(",") if i.strip()}:
                found[edge_id].append(hook)
    return found


def trunk_entry(edge: Edge, groups: dict[str, str], profiles: dict[str, str], webhooks: list[Webhook]) -> ExportedTrunk:
    """The edge in the config's names, every setting the API returns, and `adopt: true`."""
    reg = edge.registration
    settings = entry_settings(EdgeSettings, settings_of(EdgeSettings, edge), type(edge))
    settings["adopt"] = True

    trunk = ExportedTrunk(name=edge.name, entity_id=edge.id, settings=settings, state=edge.state)
    trunk.comments["name"] = f"edge {edge.id}"
    for key, names in (("edgeGroupId", groups), ("sipProfileId", profiles)):
        ref = settings.get(key)
        trunk.comments[key] = names.get(ref, "not in the org's list") if ref else ""
    who = f"{reg.username!r} at {reg.host!r}" if reg else "the carrier account"
    trunk.secrets.append(SecretSetting("registration.password", f"the digest password of {who}"))
    _add_webhook(trunk, edge.id, webhooks)
    return trunk


def _add_webhook(trunk: ExportedTrunk, edge_id: str, webhooks: list[Webhook]) -> None:
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


def entry_settings(
    model: type[BaseModel], values: dict[str, Any], read_model: type[BaseModel] | None, nested: bool = False
) -> dict[str, Any]:
    """``values`` (the settings of ``model`` by users' names) as the entry holds them: in the order the API
    returns them (``read_model``'s; a setting it does not declare comes last), without what the API left
    out but for a setting ``model`` requires of every trunk (the config then says what is missing).
    So a new edge setting reaches the entry from the schema alone."""
    fields = {field.alias or name: field for name, field in model.model_fields.items()}
    read = {field.alias or name: field for name, field in read_model.model_fields.items()} if read_model else {}
    order = list(read)
    entry: dict[str, Any] = {}
    for key in sorted(fields, key=lambda k: order.index(k) if k in order else len(order)):
        value = values.get(key)
        submodel = _model_in(fields[key].annotation)
        if submodel is not None:
            read_submodel = _model_in(read[key].annotation) if key in read else None
            value = entry_settings(submodel, value or {}, read_submodel, nested=True)
        if value is not None and value != {} or (not nested and fields[key].is_required()):
            entry[key] = value
    return entry


def _model_in(annotation: Any) -> type[BaseModel] | None:
    """The settings model an annotation names (``X`` or ``X | None``), if any."""
    for candidate in (annotation, *get_args(annotation)):
        if isinstance(candidate, type) and issubclass(candidate, BaseModel):
            return candidate
    return None
