"""Every setting of every entity, walked from the stack config to the wire body, back from what the API returns,
into the exporter's entry and back into the stack config: a setting one side forgets fails here, by name.

Each entity's settings schema is the one definition; the walk reads its fields, so a new setting needs a sample
value below (the test says so) and then has to survive every side without another edit.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from typing import Any

import pytest
from pydantic import BaseModel

from components import CLOUD_TRUNKS, TRUNKS
from entities.edge import EdgeInputs, EdgeSettings
from entities.edge import api as edge_api
from entities.edge.export import trunk_entry as edge_entry
from entities.outbound_route import OUTBOUND_ROUTES, OutboundRouteInputs, OutboundRouteSettings, route_body
from entities.outbound_route.api import OutboundRoute, settings_of_route
from entities.outbound_route.export import route_entry
from entities.outbound_route.section import route_inputs
from entities.trunk_base import TrunkBaseInputs, TrunkBaseSettings, TrunkBaseTemplate, settings_from_base
from entities.trunk_base import api as trunk_base_api
from entities.trunk_base.export import trunk_entry as base_entry
from entities.trunk_base.models import TrunkBase
from entities.webhook import WebhookSpec
from entities.webhook import api as webhook_api
from entities.webhook.api import Webhook
from entities.webhook.export import add_webhook
from genesys_api import settings_of
from inspection.entries import ExportedEntry
from lifecycle.config import parse_sections
from tests.support.stack_config import parse_entries
from tests.unit.cloud_fixtures import template

#: A value unlike the default for every setting of the edge, by config path.
EDGE_SAMPLES: dict[str, Any] = {
    "name": "Carrier Round Trip",
    "maxConcurrentSessions": 321,
    "codecs": ["Opus", "G711a"],
    "healthProbe.enabled": False,
    "healthProbe.intervalSeconds": 45,
    "description": "every setting",
    "edgeGroupId": "group-rt",
    "sipProfileId": "profile-rt",
    "registration.type": "STATIC",
    "registration.port": 5080,
    "registration.host": "sip.round-trip.example.com",
    "registration.username": "acct-rt",
}
WEBHOOK_SAMPLES: dict[str, Any] = {
    "targetUri": "https://hooks.example.com/rt",
    "eventTypes": ["telephony:edge:registration:failure"],
    "headers": {"X-Token": "t0k3n"},
    "name": "rt status",
}
#: The webhook settings the program sets itself (the trunk's filter, its own description, always enabled).
WEBHOOK_BY_THE_PROGRAM = {"description", "filterCriteria", "enabled"}
TRUNK_BASE_SAMPLES: dict[str, Any] = {
    "name": "Carrier Cloud Round Trip",
    "trunkMetabaseId": "external_sip_pcv_byoc_carrier.json",
    "codecs": ["G722", "G711u"],
    "properties": {"trunk_maxDialTimeout": "45s"},
    "description": "every setting",
    "inboundSiteId": "site-in",
    "siteId": "site-media",
    "carrier.host": "sip.cloud-round-trip.example.com",
    "carrier.port": 5061,
    "carrier.transport": "tls",
    "credentials.username": "acct-cloud-rt",
    "credentials.realm": "realm.example.com",
}
ROUTE_SAMPLES: dict[str, Any] = {
    "name": "Route Round Trip",
    "classificationTypes": ["National", "International"],
    "distribution": "RANDOM",
    "enabled": False,
    "description": "every setting",
    "siteId": "site-rt",
    "trunkBaseIds": ["b-rt-1", "b-rt-2"],
}
#: The trunks behind the route's trunk base ids, as the stack config names them.
ROUTE_TRUNKS = {"b-rt-1": "rt-one", "b-rt-2": "rt-two"}
PASSWORD = "pw-round-trip-123"


def leaves(model: type[BaseModel], prefix: str = "") -> Iterator[str]:
    """Every setting's config path: nested settings blocks by their fields (``registration.host``)."""
    for name, field in model.model_fields.items():
        alias = field.alias or name
        nested = next((t for t in (field.annotation, *getattr(field.annotation, "__args__", ())) if _is_model(t)), None)
        if nested is not None:
            yield from leaves(nested, f"{prefix}{alias}.")
        else:
            yield f"{prefix}{alias}"


def _is_model(candidate: Any) -> bool:
    return isinstance(candidate, type) and issubclass(candidate, BaseModel)


def nested(samples: dict[str, Any]) -> dict[str, Any]:
    config: dict[str, Any] = {}
    for path, value in samples.items():
        *parents, leaf = path.split(".")
        block = config
        for part in parents:
            block = block.setdefault(part, {})
        block[leaf] = copy.deepcopy(value)
    return config


def at(values: dict[str, Any], path: str) -> Any:
    for part in path.split("."):
        values = values.get(part) if isinstance(values, dict) else None  # type: ignore[assignment]
    return values


def assert_kept(side: str, paths: list[str], expected: dict[str, Any], got: dict[str, Any]) -> None:
    lost = [f"{p}: {at(expected, p)!r} became {at(got, p)!r}" for p in paths if at(got, p) != at(expected, p)]
    assert not lost, f"{side} lost settings: " + "; ".join(lost)


@pytest.mark.parametrize(
    ("model", "samples"),
    [(EdgeSettings, EDGE_SAMPLES), (TrunkBaseSettings, TRUNK_BASE_SAMPLES), (OutboundRouteSettings, ROUTE_SAMPLES)],
    ids=["edge", "trunk base", "outbound route"],
)
def test_every_setting_has_a_sample_to_walk_with(model: type[BaseModel], samples: dict[str, Any]) -> None:
    missing = sorted(set(leaves(model)) - set(samples))
    assert not missing, f"add a sample value for {', '.join(missing)} to this test"


def test_every_edge_setting_survives_config_wire_refresh_and_export() -> None:
    paths = list(leaves(EdgeSettings))
    config = nested(EDGE_SAMPLES)
    config["registration"]["password"] = PASSWORD
    (trunk,) = parse_entries([config], TRUNKS)

    inputs = EdgeInputs.model_validate(trunk.edge_inputs())
    settings = inputs.model_dump(by_alias=True, include=set(EdgeSettings.model_fields))
    assert_kept("the Edge's inputs", paths, nested(EDGE_SAMPLES), settings)

    body = edge_api.edge_body(inputs.spec())
    assert body["registration"]["password"] == PASSWORD
    assert_kept("the wire body", paths, nested(EDGE_SAMPLES), body)

    reply = {**{k: v for k, v in body.items() if k != "registration"}, "id": "e-rt", "version": 1}
    reply["registration"] = {k: v for k, v in body["registration"].items() if k != "password"}
    read_back = settings_of(EdgeSettings, edge_api.Edge.model_validate(reply))
    assert_kept("refresh", paths, nested(EDGE_SAMPLES), read_back)

    entry = edge_entry(edge_api.Edge.model_validate(reply), {}, {}, []).settings
    assert_kept("the export entry", paths, nested(EDGE_SAMPLES), entry)
    again = copy.deepcopy(entry)
    again["registration"]["password"] = PASSWORD
    (exported,) = parse_entries([again], TRUNKS)
    assert exported.model_dump(by_alias=True) == {**trunk.model_dump(by_alias=True), "adopt": True}


def test_every_webhook_setting_survives_config_wire_refresh_and_export() -> None:
    config = {**nested(EDGE_SAMPLES), "webhook": nested(WEBHOOK_SAMPLES)}
    config["registration"]["password"] = PASSWORD
    (trunk,) = parse_entries([config], TRUNKS)
    paths = sorted(set(leaves(WebhookSpec)) - WEBHOOK_BY_THE_PROGRAM)
    assert not set(paths) - set(WEBHOOK_SAMPLES), f"add a sample value for {set(paths) - set(WEBHOOK_SAMPLES)}"

    inputs = {**trunk.webhook_inputs(), "filterCriteria": "resourceIds:[e-rt]"}
    spec = WebhookSpec.model_validate(inputs)
    body = webhook_api.webhook_body(spec)
    body["eventTypes"] = body.pop("eventType")  # the seed names the list `eventType` on the wire
    assert_kept("the wire body", paths, WEBHOOK_SAMPLES, body)

    reply = {**webhook_api.webhook_body(spec), "id": "w-rt", "version": 1, "state": "active"}
    hook = Webhook.model_validate(reply)
    assert_kept("refresh", paths, WEBHOOK_SAMPLES, settings_of(WebhookSpec, hook))

    entry = ExportedEntry(name="t", entity_id="e-rt", settings={})
    add_webhook(entry, "e-rt", [hook])
    block = entry.settings["webhook"]
    for secret in entry.secrets:  # the headers, written encrypted by the CLI
        block.setdefault("headers", {})[secret.path.split('"')[1]] = secret.value
    assert_kept("the export entry", paths, WEBHOOK_SAMPLES, block)


def test_every_trunk_base_setting_survives_config_wire_refresh_and_export() -> None:
    paths = list(leaves(TrunkBaseSettings))
    config = nested(TRUNK_BASE_SAMPLES)
    config["credentials"]["password"] = PASSWORD
    (trunk,) = parse_entries([config], CLOUD_TRUNKS)

    inputs = TrunkBaseInputs.model_validate(trunk.trunk_base_inputs())
    settings = inputs.model_dump(by_alias=True, include=set(TrunkBaseSettings.model_fields))
    assert_kept("the TrunkBase's inputs", paths, nested(TRUNK_BASE_SAMPLES), settings)

    tmpl = TrunkBaseTemplate.model_validate(template())
    body = trunk_base_api.trunk_base_body(inputs.spec(PASSWORD), tmpl)
    assert body["properties"]["trunk_sip_authentication_credentials_password"]["value"]["instance"] == PASSWORD

    stored = {k: v for k, v in body["properties"].items() if k != "trunk_sip_authentication_credentials_password"}
    base = TrunkBase.model_validate({**body, "properties": stored, "id": "b-rt", "version": 1})
    read_back = settings_from_base(base, list(inputs.properties))
    assert_kept("the wire body and refresh", paths, nested(TRUNK_BASE_SAMPLES), read_back)

    exported = base_entry(base, {}, {}, tmpl)
    assert exported.unfit is None and exported.notes == []
    assert_kept("the export entry", paths, nested(TRUNK_BASE_SAMPLES), exported.settings)
    again = copy.deepcopy(exported.settings)
    again["credentials"]["password"] = PASSWORD
    (from_export,) = parse_entries([again], CLOUD_TRUNKS)
    assert from_export.model_dump(by_alias=True) == {**trunk.model_dump(by_alias=True), "adopt": True}


def route_config(samples: dict[str, Any]) -> dict[str, Any]:
    """The route as the stack config writes it: its trunks by their names, not their bases' ids."""
    config = {k: v for k, v in samples.items() if k != "trunkBaseIds"}
    return {**config, "trunks": [ROUTE_TRUNKS[b] for b in samples["trunkBaseIds"]]}


def parsed_route(config: dict[str, Any]) -> Any:
    """The route as `pulumi preview` reads it, beside the stack's trunks it names."""
    trunks = []
    for name in ROUTE_TRUNKS.values():
        trunk = nested({**TRUNK_BASE_SAMPLES, "name": name})
        trunk["credentials"]["password"] = PASSWORD
        trunks.append(trunk)
    raw = {CLOUD_TRUNKS.config_key: trunks, OUTBOUND_ROUTES.config_key: [config]}
    (route,) = parse_sections([CLOUD_TRUNKS, OUTBOUND_ROUTES], raw.get)[OUTBOUND_ROUTES.key]
    return route


def test_every_outbound_route_setting_survives_config_wire_refresh_and_export() -> None:
    paths = list(leaves(OutboundRouteSettings))
    route = parsed_route(route_config(ROUTE_SAMPLES))

    inputs = OutboundRouteInputs.model_validate(
        route_inputs(route, ROUTE_SAMPLES["siteId"], list(ROUTE_TRUNKS), siblings=[])
    )
    settings = inputs.model_dump(by_alias=True, include=set(OutboundRouteSettings.model_fields))
    assert_kept("the OutboundRoute's inputs", paths, ROUTE_SAMPLES, settings)

    body = route_body(inputs)
    reply = OutboundRoute.model_validate({**body, "id": "r-rt", "version": 1, "state": "active"})
    assert_kept("the wire body and refresh", paths, ROUTE_SAMPLES, settings_of_route(reply, ROUTE_SAMPLES["siteId"]))

    entry = route_entry(reply, ROUTE_SAMPLES["siteId"], "Round Trip Site", ROUTE_TRUNKS)
    assert entry.unfit is None
    assert_kept("the export entry", sorted(route_config(ROUTE_SAMPLES)), route_config(ROUTE_SAMPLES), entry.settings)
    from_export = parsed_route(copy.deepcopy(entry.settings))
    assert from_export.model_dump(by_alias=True) == {**route.model_dump(by_alias=True), "adopt": True}
