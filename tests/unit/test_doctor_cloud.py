"""The cloud doctor's judgements of replies the emulator does not give: a masked or clear password, proxy
entries the program cannot read, topics without trunk entries; and the catalogue as tables."""

from __future__ import annotations

from typing import Any

import pytest

from doctor import render
from entities.trunk_base import TrunkBaseTemplate
from entities.trunk_base.doctor import _password, _proxies, template_keys
from entities.trunk_base.models import TrunkBase
from entities.trunk_base_registration.doctor import _topics
from genesys_api import ForbiddenError
from inspection.findings import Level
from inspection.reads import Outcome
from tests.support.stack_config import parse_entries
from tests.unit.cloud_fixtures import base, template

PASSWORD_KEY = "trunk_sip_authentication_credentials_password"


def _raw(password: Any = "absent") -> dict[str, Any]:
    doc = base("b1", name="Carrier-A")
    if password == "absent":
        del doc["properties"][PASSWORD_KEY]
    else:
        doc["properties"][PASSWORD_KEY]["value"]["instance"] = password
    return doc


def _bases(*docs: dict[str, Any]) -> Outcome:
    return Outcome(value=[TrunkBase.model_validate(d) for d in docs])


@pytest.mark.parametrize(
    ("password", "level", "start"),
    [
        ("absent", Level.OK, "absent: GET of trunk base 'Carrier-A' (b1) returns no "),
        ("", Level.OK, "empty: "),
        ("********", Level.OK, "masked: GET of trunk base 'Carrier-A' (b1) returns "),
        ("hunter2-s3cret", Level.WARN, "returned: "),
    ],
)
def test_the_password_on_a_get_is_classified_and_never_shown(password, level, start):
    raw = _raw(password)
    sample = TrunkBase.model_validate(raw)
    found = _password(_bases(raw), sample, Outcome(value=raw))
    assert found.level is level and found.message.startswith(start)
    assert "hunter2" not in found.message + (found.fix or "")


def test_proxy_entries_the_program_cannot_read_are_a_warning_naming_one():
    docs = [base("b1", trunk_transport_serverProxyList=["sip.example.com:5060"])]
    docs.append(base("b2", trunk_transport_serverProxyList=["sip:carrier@sip.example.com;transport=tls"]))
    found = _proxies(_bases(*docs), None)
    assert found.level is Level.WARN
    assert found.message.startswith("2 entries: host:port x1, other x1; the program writes and reads")
    assert "'sip:carrier@sip.example.com;transport=tls'" in found.message


def test_topics_refused_or_without_trunk_topics():
    refused = Outcome(error=ForbiddenError("Missing the required OAuth scope notifications", status=403))
    assert _topics(refused).level is Level.WARN and "scope notifications" in (_topics(refused).fix or "")
    none = _topics(Outcome(value={"entities": [{"id": "v2.users.{id}", "transports": ["All"]}]}))
    assert none.level is Level.INFO and none.message.startswith("the org offers no trunk topic")


def test_template_keys_as_a_table():
    rows = template_keys(TrunkBaseTemplate.model_validate(template()))
    payload = {row["key"]: row for row in rows}["trunk_media_dtmf_payload"]
    assert payload == {
        "key": "trunk_media_dtmf_payload",
        "type": "integer",
        "default": 101,
        "allowed": "96..127",
        "schema": {"minimum": 96, "maximum": 127},
    }
    text = render.tables({"templates": {"m.json": rows}, "errors": []})
    lines = text.splitlines()
    assert lines[0] == f"templates m.json ({len(rows)})" and lines[1].split() == ["key", "type", "default", "allowed"]
    assert any(line.split() == ["trunk_media_dtmf_payload", "integer", "101", "96..127"] for line in lines)


def test_settings_from_other_stacks_are_named_not_checked():
    from components import CLOUD_TRUNKS
    from inspection import catalogue

    trunks = parse_entries(
        [
            {
                "name": "from-net",
                "fromStacks": {"inboundSiteId": {"stack": "org/network/prod", "output": "siteId"}},
                "carrier": {"host": "sip.example.com"},
            }
        ],
        CLOUD_TRUNKS,
    )
    assert trunks[0].inbound_site_id is None
    found = catalogue.from_other_stacks(trunks, ("inboundSiteId", "siteId"))
    assert [(f.subject, f.level, f.message) for f in found] == [
        (
            "trunk 'from-net' inboundSiteId",
            Level.INFO,
            "comes from stack org/network/prod output 'siteId': not checked here",
        )
    ]
    assert "trunks[0].inboundSiteId" in (found[0].fix or "")
    assert list(trunks[0].sent()) == [
        "trunk_media_codec",
        "trunk_transport_serverProxyList",
        "trunk_transport_protocolVariant",
    ]
