"""`python -m exporter` writes the org's outbound routes beside its trunks: each route that sends calls on an
exported BYOC trunk base, its trunks by their stack names, every route taken over; and the round trip (export,
`up`) posts nothing and changes nothing afterwards."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from devtools.pulumi_cli import change_summary
from devtools.trunks_project import SITE_INBOUND, SITE_MEDIA, TrunksProject
from emulator.testing import EmulatorHandle, running_emulator
from tests.e2e.conftest import REGISTRATION_DELAY, writes
from tests.e2e.test_export import password_of, run_export, set_passwords
from tests.e2e.test_outbound_routes import DEFAULT, bases_of, comparable, routes_path, site_routes
from tests.emulator.cloud.helpers import byoc_base
from tests.emulator.cloud.sdk import connect

pytestmark = pytest.mark.e2e
ROUTES_KEY = "genesys-trunks:outboundRoutes"


@pytest.fixture
def org(tmp_path: Path) -> Iterator[EmulatorHandle]:
    with running_emulator(tmp_path / "org", registration_delay=REGISTRATION_DELAY, rate_limit=100_000) as handle:
        yield handle


def make_base(org: EmulatorHandle, name: str, *proxies: str) -> str:
    props: dict[str, Any] = {
        "trunk_sip_authentication_credentials_username": f"acct-{name}",
        "trunk_sip_authentication_credentials_password": password_of(name),
        "trunk_transport_serverProxyList": list(proxies),
    }
    return str(connect(org).telephony.post_telephony_providers_edges_trunkbasesettings(byoc_base(name, **props)).id)


def write_route(org: EmulatorHandle, site: str, route: dict[str, Any], route_id: str | None = None) -> dict:
    method, path = ("PUT", f"{routes_path(site)}/{route_id}") if route_id else ("POST", routes_path(site))
    reply = org.api(method, path, json=route)
    assert reply.status_code in (200, 201), reply.text
    return reply.json()


def refs(*ids: str) -> list[dict[str, str]]:
    return [{"id": i} for i in ids]


def test_routes_exported_then_taken_over_without_a_post(org: EmulatorHandle, tmp_path: Path) -> None:
    x = make_base(org, "exp-x", "sip.x.example.com")
    y = make_base(org, "exp-y", "sip.y.example.com:5080")
    two = make_base(org, "exp-two", "a.two.example.com", "b.two.example.com")  # no trunk's carrier fits it
    default = site_routes(org)[DEFAULT]
    write_route(org, SITE_INBOUND, {**default, "externalTrunkBases": refs(x, y)}, default["id"])
    national: dict[str, Any] = {"name": "Carrier Y national", "classificationTypes": ["National"]}
    national |= {"distribution": "SEQUENTIAL", "enabled": True, "description": "national on Y"}
    national["externalTrunkBases"] = refs(y)
    write_route(org, SITE_MEDIA, national)
    mixed = {"name": "Mixed", "classificationTypes": ["International"], "externalTrunkBases": refs(x, two)}
    mixed_id = write_route(org, SITE_MEDIA, mixed)["id"]
    write_route(org, SITE_INBOUND, {"name": "Nothing of ours", "classificationTypes": ["Extension"]})
    before = {
        site: {n: comparable(r) for n, r in site_routes(org, site).items()} for site in (SITE_INBOUND, SITE_MEDIA)
    }

    project = TrunksProject.create(tmp_path / "p", org.url, [], dialect="cloud")
    try:
        org.reset_requests()
        exported = run_export(project)
        assert exported.returncode == 0, exported.stdout + exported.stderr
        assert [r for r in org.requests() if r["method"] != "GET" and r["path"] != "/oauth/token"] == []
        config = yaml.safe_load(project.stack_file.read_text(encoding="utf-8"))["config"]
        assert [t["name"] for t in config["genesys-trunks:trunks"]] == ["exp-x", "exp-y"]
        assert config[ROUTES_KEY] == [  # by name, as the trunks
            {
                "name": "Carrier Y national",
                "siteId": SITE_MEDIA,
                "classificationTypes": ["National"],
                "trunks": ["exp-y"],
                "distribution": "SEQUENTIAL",
                "enabled": True,
                "description": "national on Y",
                "adopt": True,
            },
            {
                "name": DEFAULT,
                "siteId": SITE_INBOUND,
                "classificationTypes": default["classificationTypes"],
                "trunks": ["exp-x", "exp-y"],
                "distribution": "SEQUENTIAL",
                "enabled": True,
            },
        ]
        out = exported.stdout
        assert f"not exported: 'Mixed' ({mixed_id}): it also sends calls on trunk base(s) {two}" in out, out
        assert "Nothing of ours" not in project.stack_file.read_text(encoding="utf-8")

        set_passwords(project, out)
        org.reset_requests()
        project.up()
        made = sorted((r["method"], r["path"]) for r in writes(org.requests()))
        assert [m for m, _ in made] == ["PUT"] * 4, made  # two trunk bases, two routes: nothing posted
        after = {site: {n: comparable(r) for n, r in site_routes(org, site).items()} for site in before}
        assert after == before
        outputs = project.outputs()["outboundRoutes"]
        assert outputs[DEFAULT]["trunkBaseIds"] == [x, y] and outputs[DEFAULT]["takenOver"] is True
        assert outputs["Carrier Y national"]["takenOver"] is True

        org.reset_requests()
        project.up()
        assert writes(org.requests()) == []
        assert set(change_summary(project.preview_json())) == {"same"}

        # Destroy gives both routes back what they had, but for the stack's trunk bases, which it deletes (once
        # the route outside the stack that names one lets it go).
        assert org.api("DELETE", f"{routes_path(SITE_MEDIA)}/{mixed_id}").status_code in (200, 204)
        project.destroy()
        assert (
            bases_of(site_routes(org)[DEFAULT]) == [] and bases_of(site_routes(org, SITE_MEDIA)[national["name"]]) == []
        )
        assert site_routes(org)[DEFAULT]["classificationTypes"] == default["classificationTypes"]
    finally:
        project.destroy(check=False)
