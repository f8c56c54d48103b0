"""The exporter's dialect-neutral core: selection, the stack file edit, config paths and the printed lines."""

from __future__ import annotations

import io
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
import yaml

from components import CLOUD_TRUNKS, TRUNKS
from exporter import paths, report, stack_file
from exporter.genesys import Dialect, UnknownDialectError, client_settings, dialect_for
from exporter.progress import Progress
from exporter.selection import select
from exporter.stack_file import Mode, RefusedError
from inspection.entries import ExportedEntry, SecretSetting, config_problems

if TYPE_CHECKING:
    from entities.trunk_base.models import TrunkBase


def seed_rules(entry):
    return config_problems(entry, TRUNKS.entry)


def cloud_rules(entry):
    return config_problems(entry, CLOUD_TRUNKS.entry)


KEY = "genesys-trunks:trunks"
STACK_FILE = """\
encryptionsalt: v1:abc
config:
  genesys:apiUrl: http://127.0.0.1:8787 # the emulator
  genesys:clientSecret:
    secure: v1:ciphertext
  genesys-trunks:trunks:
    - name: kept
      registration:
        password:
          secure: v1:kept-password
"""


def exported(name: str, entity_id: str = "e1", *, state: str = "active", **over) -> ExportedEntry:
    settings = {
        "name": name,
        "edgeGroupId": "g1",
        "sipProfileId": "p1",
        "codecs": ["G711u"],
        "registration": {"type": "REGISTER", "host": "sip.example.com", "port": 5060, "username": f"u-{name}"},
        "adopt": True,
        **over,
    }
    return ExportedEntry(
        name=name,
        entity_id=entity_id,
        settings=settings,
        state=state,
        comments={"edgeGroupId": "Primary BYOC Group", "name": f"edge {entity_id}"},
        secrets=[SecretSetting("registration.password", "the digest password")],
    )


def test_paths_parse_and_put_like_pulumi_config_path():
    assert paths.parts('trunks[3].webhook.headers["X-Key.v2"]') == ["trunks", 3, "webhook", "headers", "X-Key.v2"]
    entry: dict = {"registration": {"host": "h"}}
    paths.put(entry, "registration.password", "pw")
    paths.put(entry, 'webhook.headers["X-Key"]', "k")
    assert entry == {"registration": {"host": "h", "password": "pw"}, "webhook": {"headers": {"X-Key": "k"}}}
    assert paths.entry_path(2, "registration.password") == "trunks[2].registration.password"
    with pytest.raises(ValueError, match="not a config path"):
        paths.parts("a..b")


def test_selection_filters_by_glob_and_state_and_keeps_names_unique():
    trunks = [
        exported("Carrier-B", "e2"),
        exported("carrier-a", "e1"),
        exported("CARRIER-A", "e3"),
        exported("gone", "e4", state="deleted"),
        exported("other", "e5"),
    ]
    chosen = select(trunks, seed_rules, globs=["carrier-*", "GONE"])
    assert [(t.name, t.entity_id) for t in chosen.trunks] == [("carrier-a", "e1"), ("Carrier-B", "e2")]
    assert len(chosen.skipped) == 1 and "'CARRIER-A' (e3): its name is also the name of e1" in chosen.skipped[0]
    assert [t.name for t in select(trunks, seed_rules, globs=["gone"], include_deleted=True).trunks] == ["gone"]


def test_selection_drops_an_optional_block_the_config_refuses_and_skips_a_refused_trunk():
    webhook = {"name": "w", "targetUri": "http://hooks.example.com/x", "eventTypes": ["telephony:edge:status:changed"]}
    with_hook = exported("with-hook", webhook=webhook)
    with_hook.secrets.append(SecretSetting('webhook.headers["X-Key"]', "header", "k"))
    bad_codec = exported("bad-codec", "e2", codecs=["G722"])
    chosen = select([with_hook, bad_codec], seed_rules, optional_blocks=("webhook",))
    assert [t.name for t in chosen.trunks] == ["with-hook"]
    assert "webhook" not in with_hook.settings and [s.path for s in with_hook.secrets] == ["registration.password"]
    assert "webhook not exported" in with_hook.notes[0] and "targetUri" in with_hook.notes[0]
    assert "'bad-codec' (e2): the stack's config refuses it: codecs[0]" in chosen.skipped[0]


def test_plan_refuses_merges_by_name_or_replaces():
    existing = [{"name": "Kept"}, {"name": "other"}]
    new = [exported("kept"), exported("fresh", "e2")]
    with pytest.raises(RefusedError, match="already has 2 trunk"):
        stack_file.plan(existing, new, Mode.REFUSE, where="Pulumi.dev.yaml")
    merged = stack_file.plan(existing, new, Mode.MERGE, where="x")
    assert [t.name for t in merged.new] == ["fresh"] and merged.first_index == 2 and merged.already == ["kept"]
    forced = stack_file.plan(existing, new, Mode.FORCE, where="x")
    assert [t.name for t in forced.new] == ["kept", "fresh"] and forced.first_index == 0
    assert stack_file.plan(None, new, Mode.REFUSE, where="x").first_index == 0


def test_merge_keeps_the_rest_of_the_file_and_comments_each_reference(tmp_path: Path):
    path = tmp_path / "Pulumi.dev.yaml"
    path.write_text(STACK_FILE, encoding="utf-8")
    doc = stack_file.load(path)
    odd = exported('Carrier "A": Zürich', "e9")
    planned = stack_file.plan(stack_file.existing_entries(doc, KEY), [odd], Mode.MERGE, where="x")
    stack_file.apply(doc, KEY, planned)
    stack_file.write(path, doc)
    text = path.read_text(encoding="utf-8")
    assert text.startswith(STACK_FILE)  # nothing before the new entry moved or changed
    assert "edgeGroupId: g1 # Primary BYOC Group" in text and "# edge e9" in text
    loaded = yaml.safe_load(text)["config"][KEY]
    assert [t["name"] for t in loaded] == ["kept", 'Carrier "A": Zürich']
    assert loaded[1] == odd.settings


def test_force_on_a_file_without_trunks_creates_the_list(tmp_path: Path):
    path = tmp_path / "Pulumi.new.yaml"
    doc = stack_file.load(path)
    stack_file.apply(doc, KEY, stack_file.plan(None, [exported("a")], Mode.REFUSE, where="x"))
    stack_file.write(path, doc)
    assert yaml.safe_load(path.read_text())["config"][KEY][0]["name"] == "a"


def test_password_lines_name_the_stack_and_the_path_from_the_first_new_index():
    trunks = [exported("a"), exported("b", "e2")]
    trunks[1].secrets.append(SecretSetting('webhook.headers["X-Key"]', "header", "known"))
    lines = report.password_lines("prod", trunks, 3)
    assert lines == [
        "# a: the digest password",
        "pulumi config set --stack prod --secret --path 'trunks[3].registration.password'",
        "# b: the digest password",
        "pulumi config set --stack prod --secret --path 'trunks[4].registration.password'",
    ]


def test_the_dialect_is_the_client_settings_own():
    def dialect(config: dict[str, str]) -> Dialect:
        credentials = {"genesys:clientId": "c", "genesys:clientSecret": "s", **config}
        return dialect_for(client_settings(credentials.get, {}).dialect)

    assert dialect({"genesys:apiUrl": "http://127.0.0.1:8787"}).exports[0].section is TRUNKS
    assert dialect({"genesys:dialect": "seed", "genesys:region": "eu-west-1"}).exports[0].section is TRUNKS
    assert dialect({"genesys:region": "eu-west-1"}).exports[0].section is CLOUD_TRUNKS
    cloud = {"genesys:apiUrl": "http://127.0.0.1:8787", "genesys:dialect": "cloud"}
    assert dialect(cloud).exports[0].section is CLOUD_TRUNKS
    with pytest.raises(UnknownDialectError, match="genesys:dialect 'sip': the exporter speaks cloud, seed"):
        dialect_for("sip")


def test_seed_entry_takes_the_one_webhook_the_stack_would_recognise():
    from entities.edge.api import Edge
    from entities.edge.export import trunk_entry
    from entities.webhook.api import Webhook
    from entities.webhook.export import webhooks_by_edge

    edge = Edge.model_validate(
        {
            "id": "e1",
            "name": "t",
            "edgeGroupId": "g1",
            "sipProfileId": "p1",
            "maxConcurrentSessions": 5,
            "codecs": ["G711u"],
            "registration": {"type": "REGISTER", "host": "h.example.com", "port": 5060, "username": "u"},
            "healthProbe": {"enabled": True, "intervalSeconds": 30},
            "state": "active",
        }
    )

    def hook(hook_id: str, criteria: str, created: str) -> Webhook:
        return Webhook.model_validate(
            {
                "id": hook_id,
                "name": hook_id,
                "eventType": ["telephony:edge:status:changed"],
                "filterCriteria": criteria,
                "targetUri": "https://x.example.com",
                "dateCreated": created,
                "headers": {"X-K": "v"} if hook_id == "older" else {},
            }
        )

    hooks = [
        hook("newer", "resourceIds:[e1]", "2026-02-01T00:00:00Z"),
        hook("older", "resourceIds:[e1]", "2026-01-01T00:00:00Z"),
        hook("both", "resourceIds:[e1,e2]", "2026-01-01T00:00:00Z"),
        hook("elsewhere", "resourceIds:[e2]", "2026-01-01T00:00:00Z"),
    ]
    entry = trunk_entry(edge, {"g1": "Group"}, {}, webhooks_by_edge(hooks)["e1"])
    assert entry.settings["webhook"]["name"] == "older" and entry.settings["adopt"] is True
    assert entry.comments == {
        "name": "edge e1",
        "edgeGroupId": "Group",
        "sipProfileId": "not in the org's list",
        "webhook.name": "webhook older",
    }
    assert [(s.path, s.value) for s in entry.secrets] == [
        ("registration.password", None),
        ('webhook.headers["X-K"]', "v"),
    ]
    assert (
        len(entry.notes) == 2
        and "one webhook per trunk" in entry.notes[0]
        and "'resourceIds:[e1,e2]'" in entry.notes[1]
    )


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_prints_a_line_per_block_in_a_log_and_rewrites_one_on_a_terminal():
    log = io.StringIO()
    assert list(Progress(log, every=2)(range(5), "edges")) == [0, 1, 2, 3, 4]
    assert log.getvalue().splitlines() == ["reading edges: 2 so far", "reading edges: 4 so far", "read 5 edges"]
    quiet = io.StringIO()
    assert list(Progress(quiet, every=10)(range(3), "edges")) == [0, 1, 2] and quiet.getvalue() == ""
    terminal = _Terminal()
    list(Progress(terminal, every=500)(range(3), "edges"))
    assert "\rreading edges: 3" in terminal.getvalue() and "\n" not in terminal.getvalue()


@pytest.mark.parametrize("name", ["yes", "NO", "on", "y", "null", "123", "true", "a #b", "- a", "it's"])
def test_names_that_look_like_other_yaml_values_read_back_as_names(name):
    text = stack_file.fragment({KEY: [exported(name)]})
    assert yaml.safe_load(text)["config"][KEY][0]["name"] == name


def test_without_a_pulumi_cli_the_plain_values_of_the_stack_file_are_read(tmp_path: Path, monkeypatch):
    from exporter import stack as stack_module

    (tmp_path / "Pulumi.yaml").write_text("name: genesys-trunks\n")
    (tmp_path / "Pulumi.dev.yaml").write_text(STACK_FILE)
    monkeypatch.setattr(stack_module, "pulumi_cli", lambda: None)
    stack = stack_module.Stack("dev", tmp_path)
    get = stack.config()
    assert stack.namespace == "genesys-trunks"
    assert get("genesys:apiUrl") == "http://127.0.0.1:8787" and get("genesys:clientSecret") is None
    # The encrypted secret then comes from the Terraform provider's variable.
    env = {"GENESYSCLOUD_OAUTHCLIENT_ID": "cid", "GENESYSCLOUD_OAUTHCLIENT_SECRET": "from-env"}
    settings = client_settings(get, env)
    assert settings.api_url == "http://127.0.0.1:8787" and settings.dialect == "seed"
    assert settings.client_secret.get_secret_value() == "from-env"


def _prop(value: object, default: object = None, **schema: object) -> dict[str, object]:
    return {"type": "string", "value": {"default": default, "instance": value}, **schema}


CLOUD_TEMPLATE = {
    "properties": {
        "trunk_media_codec": _prop(["audio/opus"], ["audio/opus"]),
        "trunk_transport_serverProxyList": _prop(None),
        "trunk_transport_protocolVariant": _prop("udp", "udp"),
        "trunk_sip_authentication_credentials_username": _prop("", ""),
        "trunk_sip_authentication_credentials_realm": _prop("", ""),
        "trunk_sip_authentication_credentials_password": _prop("", ""),
        "trunk_maxDialTimeout": _prop("2m", "2m"),
        "trunk_language": _prop("en-US", "en-US"),
    }
}


def _cloud_base(**props: object) -> TrunkBase:
    from entities.trunk_base.models import TrunkBase

    values = {
        "trunk_media_codec": ["audio/pcmu", "audio/g722"],
        "trunk_transport_serverProxyList": ["[2001:db8::1]:5061"],
        "trunk_transport_protocolVariant": "tls",
        "trunk_sip_authentication_credentials_username": "acct",
        "trunk_sip_authentication_credentials_realm": "carrier.example.com",
        "trunk_sip_authentication_credentials_password": "********",
        "trunk_maxDialTimeout": "3m",
        "trunk_language": "en-US",
        "trunk_made_up": True,
        **props,
    }
    return TrunkBase.model_validate(
        {
            "id": "b1",
            "name": "Yes",
            "state": "active",
            "description": "carrier A",
            "trunkMetabase": {"id": "external_sip_pcv_byoc_carrier.json"},
            "inboundSite": {"id": "s1"},
            "site": {"id": "s2", "name": "Media"},
            "properties": {k: {"value": {"instance": v}} for k, v in values.items()},
        }
    )


def test_cloud_entry_is_in_the_configs_names_with_only_the_chosen_properties():
    from entities.trunk_base import TrunkBaseTemplate
    from entities.trunk_base.export import trunk_entry

    template = TrunkBaseTemplate.model_validate(CLOUD_TEMPLATE)
    trunk = trunk_entry(_cloud_base(), {"s1": "Inbound"}, {"external_sip_pcv_byoc_carrier.json": "BYOC"}, template)

    assert trunk.settings == {
        "name": "Yes",
        "inboundSiteId": "s1",
        "siteId": "s2",
        "trunkMetabaseId": "external_sip_pcv_byoc_carrier.json",
        "codecs": ["G711u", "G722"],
        "carrier": {"host": "2001:db8::1", "port": 5061, "transport": "tls"},
        "credentials": {"username": "acct", "realm": "carrier.example.com"},
        "properties": {"trunk_maxDialTimeout": "3m"},
        "description": "carrier A",
        "adopt": True,
    }
    assert trunk.comments["inboundSiteId"] == "Inbound" and trunk.comments["siteId"] == "Media"
    assert [s.path for s in trunk.secrets] == ["credentials.password"] and trunk.secrets[0].value is None
    assert trunk.notes == ["property 'trunk_made_up' is not in its metabase's template: left out"]
    assert "********" not in str(trunk.settings)
    assert select([trunk], cloud_rules).trunks == [trunk]  # with a placeholder password
    assert "'Yes'" in stack_file.dumps(stack_file.entry(trunk))  # a YAML 1.1 boolean word stays a string


def test_cloud_entry_with_a_proxy_list_carrier_cannot_hold_is_left_out_with_the_reason():
    from entities.trunk_base import TrunkBaseTemplate
    from entities.trunk_base.export import trunk_entry

    template = TrunkBaseTemplate.model_validate(CLOUD_TEMPLATE)
    base = _cloud_base(trunk_transport_serverProxyList=["a.example.com", "b.example.com:5060"])
    trunk = trunk_entry(base, {}, {}, template)

    chosen = select([trunk], cloud_rules)
    assert chosen.trunks == [] and len(chosen.skipped) == 1
    assert chosen.skipped[0].startswith(
        "'Yes' (b1): its proxy list ['a.example.com', 'b.example.com:5060'] does not fit a trunk's carrier"
    )
    assert "carrier" not in trunk.settings and "trunk_transport_serverProxyList" not in trunk.settings["properties"]


def test_a_stack_with_trunks_is_refused_before_its_credentials_are_needed(tmp_path: Path, monkeypatch):
    """No client id, an encrypted secret and no CLI to decrypt it: the refusal comes first, with no call."""
    from exporter import cli
    from exporter import stack as stack_module

    (tmp_path / "Pulumi.yaml").write_text("name: genesys-trunks\n")
    (tmp_path / "Pulumi.dev.yaml").write_text(STACK_FILE)
    monkeypatch.setattr(stack_module, "pulumi_cli", lambda: None)
    for variable in ("GENESYSCLOUD_OAUTHCLIENT_ID", "GENESYSCLOUD_OAUTHCLIENT_SECRET"):
        monkeypatch.delenv(variable, raising=False)
    args = cli.parser().parse_args(["--stack", "dev", "-C", str(tmp_path)])
    with pytest.raises(RefusedError, match="already has 1 trunk"):
        cli.run(args, out=io.StringIO(), err=io.StringIO())
