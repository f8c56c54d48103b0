"""The Platform API: a trunk is a BYOC trunk base; its sites and metabase are named in comments.

Every base comes from the list with its properties (one call per page of 100); a base the list shows without
them is read on its own. Each metabase's template is read once: a property is written under ``properties``
only when it differs from the template's default, so the entry holds what someone chose, not the defaults.
"""

from __future__ import annotations

from typing import Any

from genesys_api.cloud import (
    BYOC_PREFIX,
    KEY_CODECS,
    KEY_PROXIES,
    SETTING_OF_KEY,
    CloudTrunkApi,
    TrunkBase,
    TrunkBaseTemplate,
    carrier_from_properties,
    codecs_from_wire,
    credentials_from_properties,
    instances,
    template_defaults,
)

from ..genesys import CloudTrunkConfig, GenesysApiError, GenesysClient, config_problems
from ..model import ExportedTrunk, SecretSetting, Track


class CloudDialect:
    name: str = "cloud"
    entity: str = "BYOC trunk base"
    optional_blocks: tuple[str, ...] = ()

    def read_trunks(self, api: GenesysClient, track: Track) -> list[ExportedTrunk]:
        cloud = CloudTrunkApi(api)
        sites = {s.id: s.name or "" for s in track(cloud.list_sites(), "sites")}
        metabases = {m.id: m.name or "" for m in track(cloud.list_metabases(), "trunk metabases")}
        bases = [b for b in track(cloud.all_trunk_bases(properties=True), "trunk bases") if _byoc(b)]
        templates: dict[str, TrunkBaseTemplate | None] = {}
        exported = []
        for base in bases:
            metabase_id = base.trunk_metabase.id if base.trunk_metabase else ""
            if metabase_id not in templates:
                templates[metabase_id] = _template(cloud, metabase_id)
            exported.append(trunk_entry(_with_properties(cloud, base), sites, metabases, templates[metabase_id]))
        return exported

    def config_problems(self, entry: dict[str, Any]) -> list[tuple[str, str]]:
        return config_problems(entry, CloudTrunkConfig)


def _byoc(base: TrunkBase) -> bool:
    return base.trunk_metabase is not None and base.trunk_metabase.id.startswith(BYOC_PREFIX)


def _template(cloud: CloudTrunkApi, metabase_id: str) -> TrunkBaseTemplate | None:
    try:
        return cloud.template(metabase_id)
    except GenesysApiError:
        return None


def _with_properties(cloud: CloudTrunkApi, base: TrunkBase) -> TrunkBase:
    """The base with its properties: as listed, or read on its own when the list left them out."""
    if base.properties or base.deleted:
        return base
    return cloud.find_trunk_base(base.id) or base


def trunk_entry(
    base: TrunkBase, sites: dict[str, str], metabases: dict[str, str], template: TrunkBaseTemplate | None
) -> ExportedTrunk:
    """The base in the config's names, every setting that is not a template default, and `adopt: true`."""
    values = instances(base)
    name = base.name or base.id
    settings: dict[str, Any] = {"name": name}
    trunk = ExportedTrunk(name=name, entity_id=base.id, settings=settings, state=base.state)
    trunk.comments["name"] = f"trunk base {base.id}"
    for key, ref in (("inboundSiteId", base.inbound_site), ("siteId", base.site)):
        if ref is not None:
            settings[key] = ref.id
            trunk.comments[key] = sites.get(ref.id) or ref.name or "not in the org's site list"
    metabase = base.trunk_metabase
    if metabase is not None:
        settings["trunkMetabaseId"] = metabase.id
        trunk.comments["trunkMetabaseId"] = metabases.get(metabase.id) or metabase.name or ""
    if values.get(KEY_CODECS) is not None:
        settings["codecs"] = codecs_from_wire(values[KEY_CODECS])
    _carrier(trunk, values)
    username, realm = credentials_from_properties(values)
    credentials = {k: v for k, v in (("username", username), ("realm", realm)) if v}
    if credentials:
        settings["credentials"] = credentials
        at = f" at realm {realm!r}" if realm else ""
        trunk.secrets.append(SecretSetting("credentials.password", f"the digest password of {username!r}{at}"))
    properties = _chosen(trunk, values, template)
    if properties:
        settings["properties"] = properties
    if base.description:
        settings["description"] = base.description
    settings["adopt"] = True
    return trunk


def _carrier(trunk: ExportedTrunk, values: dict[str, Any]) -> None:
    """``carrier`` from the one proxy entry and the transport. A proxy list the block cannot hold makes the
    trunk unfit: taking it over would replace the list with one entry."""
    proxies = values.get(KEY_PROXIES) or []
    found = carrier_from_properties(values) if len(proxies) == 1 else None
    if found is None:
        if proxies:
            trunk.unfit = (
                f"its proxy list {proxies!r} does not fit a trunk's carrier (one `host` or `host:port`), and "
                "`up` would replace it with one entry: keep it outside the stack, or reduce it to one entry in "
                "the org and export again"
            )
        return
    host, port, transport = found
    carrier: dict[str, Any] = {"host": host}
    if port is not None:
        carrier["port"] = port
    if transport:
        carrier["transport"] = transport
    trunk.settings["carrier"] = carrier


def _chosen(trunk: ExportedTrunk, values: dict[str, Any], template: TrunkBaseTemplate | None) -> dict[str, Any]:
    """Every other property whose value is not the template's default; a key the template does not know is
    left out with a note (the program refuses unknown keys, which the API would store silently)."""
    if template is None:
        trunk.notes.append("its metabase's template could not be read: every property is exported")
        defaults: dict[str, Any] = {}
    else:
        defaults = template_defaults(template)
    chosen: dict[str, Any] = {}
    for key, value in sorted(values.items()):
        if key in SETTING_OF_KEY or value is None:
            continue
        if template is not None and key not in template.properties:
            trunk.notes.append(f"property {key!r} is not in its metabase's template: left out")
            continue
        if key not in defaults or defaults[key] != value:
            chosen[key] = value
    return chosen
