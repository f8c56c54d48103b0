"""What the exporter writes of the org's edges: a trunk entry per edge, in the config's names, with its status
webhook when the program could have made it."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from entities.webhook import WebhookApi
from entities.webhook.export import add_webhook, webhooks_by_edge
from genesys_api import GenesysClient, settings_of
from inspection.entries import ExportedEntry, SecretSetting, Track, entry_settings

from .api import Edge, EdgeApi
from .catalogue import all_edge_groups, all_sip_profiles
from .settings import EdgeSettings

#: What a trunk of this dialect is in the org, for messages.
ENTITY = "edge"
#: Optional blocks of an entry that are dropped (with a note) when only they break the config's rules.
OPTIONAL_BLOCKS = ("webhook",)


def read_trunks(
    api: GenesysClient, track: Track, _earlier: Mapping[str, Sequence[ExportedEntry]]
) -> list[ExportedEntry]:
    """Every edge of the org (deleted ones too, with their state), each as a trunk entry."""
    groups = {g.id: g.name for g in track(all_edge_groups(api), "edge groups")}
    profiles = {p.id: p.name for p in track(all_sip_profiles(api), "SIP profiles")}
    edges = list(track(EdgeApi(api).list(), "edges"))
    hooks = webhooks_by_edge(track(WebhookApi(api).list(), "webhooks"))
    return [trunk_entry(edge, groups, profiles, hooks.get(edge.id, [])) for edge in edges]


def trunk_entry(edge: Edge, groups: dict[str, str], profiles: dict[str, str], webhooks: list) -> ExportedEntry:
    """The edge in the config's names, every setting the API returns, and `adopt: true`."""
    reg = edge.registration
    settings = entry_settings(EdgeSettings, settings_of(EdgeSettings, edge), type(edge))
    settings["adopt"] = True

    trunk = ExportedEntry(name=edge.name, entity_id=edge.id, settings=settings, state=edge.state)
    trunk.comments["name"] = f"edge {edge.id}"
    for key, names in (("edgeGroupId", groups), ("sipProfileId", profiles)):
        ref = settings.get(key)
        trunk.comments[key] = names.get(ref, "not in the org's list") if ref else ""
    who = f"{reg.username!r} at {reg.host!r}" if reg else "the carrier account"
    trunk.secrets.append(SecretSetting("registration.password", f"the digest password of {who}"))
    add_webhook(trunk, edge.id, webhooks)
    return trunk
