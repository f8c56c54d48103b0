"""The stack's trunk config: defaults, and errors that name the path a user wrote."""

from __future__ import annotations

import pytest

from lifecycle.config import ConfigError
from tests.support.stack_config import parse_entries


def trunk(**over):
    base = {
        "name": "t1",
        "edgeGroupId": "g",
        "sipProfileId": "p",
        "registration": {"host": "sip.example.com", "username": "u", "password": "pw-123456"},
    }
    base.update(over)
    return base


def test_defaults_follow_the_seed():
    (t,) = parse_entries([trunk()])
    assert t.codecs == ["G711u", "G729", "Opus"]
    assert t.registration.type == "REGISTER" and t.registration.port == 5060
    assert t.health_probe.enabled is True and t.health_probe.interval_seconds == 30
    assert t.webhook is None and t.adopt is False


def test_webhook_gets_the_status_events_by_default():
    (t,) = parse_entries([trunk(webhook={"targetUri": "https://hooks.example.com/x"})])
    assert "telephony:edge:status:changed" in t.webhook.event_type


@pytest.mark.parametrize(
    ("trunks", "expected"),
    [
        (None, "trunks: no trunks configured"),
        ([], "at least 1"),
        ([trunk(codecs=["G711u", "G722"])], "trunks[0].codecs[1]"),
        ([trunk(), trunk(name="t2", maxConcurrentSessions=0)], "trunks[1].maxConcurrentSessions"),
        ([trunk(), trunk(name="T1")], "trunks[1].name: 'T1' is already the name of trunks[0]"),
        ([trunk(edgeGroupId=None)], "trunks[0]: edgeGroupId is required"),
        ([trunk(webhook={"targetUri": "http://hooks.example.com"})], "trunks[0].webhook.targetUri"),
        (
            [trunk(registration={"host": "h", "username": "u", "password": "p", "port": "abc"})],
            "trunks[0].registration.port",
        ),
        ([trunk(colour="blue")], "trunks[0].colour: unknown property"),
        (
            [trunk(fromStacks={"registration.password": {"stack": "a/b/c", "output": "x"}})],
            "trunks[0].fromStacks.registration.password",
        ),
        ([trunk(maxConcurrentSessions=True)], "trunks[0].maxConcurrentSessions: Input should be a number"),
        ([trunk(adopt=1)], "trunks[0].adopt: Input should be a valid boolean"),
        (
            [trunk(webhook={"targetUri": "https://hooks.example.com/x", "headers": {"X-A": "v\r\nX-B: 1"}})],
            "trunks[0].webhook.headers.X-A: header values must be printable ASCII",
        ),
        (
            [trunk(), trunk(name="t2", registration={"host": "SIP.example.com", "username": "u", "password": "pw"})],
            "trunks[1].registration: host 'SIP.example.com' and username 'u' in edge group g are already those "
            "of trunks[0].registration",
        ),
    ],
)
def test_errors_name_the_config_path(trunks, expected):
    with pytest.raises(ConfigError) as info:
        parse_entries(trunks)
    assert expected in str(info.value)


def test_digits_in_quotes_are_a_number_and_true_in_quotes_a_boolean():
    (t,) = parse_entries([trunk(maxConcurrentSessions="12", adopt="true")])
    assert t.max_concurrent_sessions == 12 and t.adopt is True


def test_one_registration_in_two_edge_groups_is_two_trunks():
    assert len(parse_entries([trunk(), trunk(name="t2", edgeGroupId="g2")])) == 2


def test_a_password_is_never_echoed():
    with pytest.raises(ConfigError) as info:
        parse_entries([trunk(registration={"host": "h", "username": "u", "password": ["Sekr1t-Pw"]})])
    assert "Sekr1t-Pw" not in str(info.value) and "trunks[0].registration.password" in str(info.value)


@pytest.mark.parametrize("name", ['Carrier "A": Zürich', "x'; DROP TABLE edges;--", "東京 trunk", "a::b", "t1"])
def test_names_genesys_allows_are_accepted(name):
    assert parse_entries([trunk(name=name)])[0].name == name


@pytest.mark.parametrize("name", ["bad\u200ba", "bad\u202ea", "a\nerror: forged", " lead", "trail ", "a\tb"])
def test_invisible_or_control_characters_in_a_name_are_refused(name):
    with pytest.raises(ConfigError, match=r"trunks\[0\]\.name: String should match pattern"):
        parse_entries([trunk(name=name)])
