"""What the exporter writes of the org's BYOC trunk bases: a trunk entry per base, read back by the settings'
own ``settings_from_base`` (so a named setting reaches the entry without an edit here), its sites and metabase
named in comments.

Every base comes from the list with its properties (one call per page of 100); a base the list shows without
them is read on its own. Each metabase's template is read once: a property is written under ``properties``
only when it differs from the template's default, so the entry holds what someone chose, not the defaults.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from pydantic.alias_generators import to_camel

from entities.site import SiteApi
from genesys_api import GenesysApiError, GenesysClient
from inspection.entries import ExportedEntry, SecretSetting, Track

from .api import TrunkBaseApi
from .models import TrunkBase, TrunkBaseTemplate
from .properties import KEY_PROXIES, instances, template_defaults
from .settings import NAMED, SETTING_OF_KEY, settings_from_base

ENTITY = "BYOC trunk base"
#: The base's label: an org sets it to the base's name unless told otherwise.
LABEL = "trunk_label"
OPTIONAL_BLOCKS: tuple[str, ...] = ()


def read_trunks(
    api: GenesysClient, track: Track, _earlier: Mapping[str, Sequence[ExportedEntry]]
) -> list[ExportedEntry]:
    """Every BYOC trunk base of the org (deleted ones too, with their state), each as a trunk entry."""
    bases_api = TrunkBaseApi(api)
    sites = {s.id: s.name or "" for s in track(SiteApi(api).list(), "sites")}
    metabases = {m.id: m.name or "" for m in track(bases_api.list_metabases(), "trunk metabases")}
    bases = [b for b in track(bases_api.list_all(properties=True), "trunk bases") if b.is_byoc]
    templates: dict[str, TrunkBaseTemplate | None] = {}
    exported = []
    for base in bases:
        metabase_id = base.trunk_metabase.id if base.trunk_metabase else ""
        if metabase_id not in templates:
            templates[metabase_id] = _template(bases_api, metabase_id)
        exported.append(trunk_entry(_with_properties(bases_api, base), sites, metabases, templates[metabase_id]))
    return exported


def _template(bases: TrunkBaseApi, metabase_id: str) -> TrunkBaseTemplate | None:
    try:
        return bases.template(metabase_id)
    except GenesysApiError:
        return None


def _with_properties(bases: TrunkBaseApi, base: TrunkBase) -> TrunkBase:
    """The base with its properties: as listed, or read on its own when the list left them out."""
    if base.properties or base.deleted:
        return base
    return bases.find(base.id) or base


def trunk_entry(
    base: TrunkBase, sites: dict[str, str], metabases: dict[str, str], template: TrunkBaseTemplate | None
) -> ExportedEntry:
    """The base in the config's names, every setting that is not a template default, and `adopt: true`."""
    name = base.name or base.id
    settings: dict[str, Any] = {"name": name}
    trunk = ExportedEntry(name=name, entity_id=base.id, settings=settings, state=base.state)
    trunk.comments["name"] = f"trunk base {base.id}"
    values = instances(base)
    read = settings_from_base(base, sorted(_chosen(trunk, values, template, base.name)))
    for key, ref in (("inboundSiteId", base.inbound_site), ("siteId", base.site)):
        if ref is not None:
            settings[key] = ref.id
            trunk.comments[key] = sites.get(ref.id) or ref.name or "not in the org's site list"
    metabase = base.trunk_metabase
    if metabase is not None:
        settings["trunkMetabaseId"] = metabase.id
        trunk.comments["trunkMetabaseId"] = metabases.get(metabase.id) or metabase.name or ""
    for setting in NAMED:
        name = to_camel(setting.attribute)
        value = _present(read[name])
        if value:
            settings[name] = value
    _fit_carrier(trunk, values)
    credentials = settings.get("credentials")
    if credentials:
        realm = credentials.get("realm")
        at = f" at realm {realm!r}" if realm else ""
        what = f"the digest password of {credentials.get('username')!r}{at}"
        trunk.secrets.append(SecretSetting("credentials.password", what))
    if read["properties"]:
        settings["properties"] = read["properties"]
    if read["description"]:
        settings["description"] = read["description"]
    settings["adopt"] = True
    return trunk


def _present(value: Any) -> Any:
    """A read-back value as an entry holds it: without the parts the base does not set."""
    if isinstance(value, dict):
        return {k: v for k, v in value.items() if v is not None}
    return value


def _fit_carrier(trunk: ExportedEntry, values: dict[str, Any]) -> None:
    """A proxy list the carrier block cannot hold (one `host` or `host:port`) makes the trunk unfit: taking it
    over would replace the list with one entry."""
    proxies = values.get(KEY_PROXIES) or []
    if len(proxies) == 1 and "carrier" in trunk.settings:
        return
    trunk.settings.pop("carrier", None)
    if proxies:
        trunk.unfit = (
            f"its proxy list {proxies!r} does not fit a trunk's carrier (one `host` or `host:port`), and "
            "`up` would replace it with one entry: keep it outside the stack, or reduce it to one entry in "
            "the org and export again"
        )


def _chosen(
    trunk: ExportedEntry, values: dict[str, Any], template: TrunkBaseTemplate | None, name: str | None
) -> list[str]:
    """Every other property whose value is not the template's default (nor the label an org gives a base by
    its name); a key the template does not know is left out with a note (the program refuses unknown keys,
    which the API would store silently)."""
    if template is None:
        trunk.notes.append("its metabase's template could not be read: every property is exported")
        defaults: dict[str, Any] = {}
    else:
        defaults = template_defaults(template)
    chosen = []
    for key, value in sorted(values.items()):
        if key in SETTING_OF_KEY or value is None or (key == LABEL and value == name):
            continue
        if template is not None and key not in template.properties:
            trunk.notes.append(f"property {key!r} is not in its metabase's template: left out")
            continue
        if key not in defaults or defaults[key] != value:
            chosen.append(key)
    return chosen
