"""Cloud dialect mapping: user-level trunk settings <-> trunk base properties, and the template checks."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import SecretStr

from entities.trunk_base import (
    KEY_CODECS,
    KEY_PASSWORD,
    KEY_PROTOCOL,
    KEY_PROXIES,
    KEY_REALM,
    KEY_USERNAME,
    MappingError,
    TrunkBaseTemplate,
    carrier_from_properties,
    carrier_properties,
    check_properties,
    codecs_from_wire,
    codecs_to_wire,
    credential_properties,
    credentials_from_properties,
    instances,
    property_body,
    proxy_entry,
    template_defaults,
)
from entities.trunk_base.models import TrunkBase
from tests.unit.cloud_fixtures import PASSWORD, base, template

TEMPLATE = TrunkBaseTemplate.model_validate(template())


def test_codecs_map_to_mime_types_in_preference_order():
    assert codecs_to_wire(["G729", "G711u", "G711a", "Opus", "G722"]) == [
        "audio/g729",
        "audio/pcmu",
        "audio/pcma",
        "audio/opus",
        "audio/g722",
    ]
    assert codecs_from_wire(["audio/opus", "audio/pcmu"]) == ["Opus", "G711u"]


def test_gsm_is_refused_with_the_reason_and_its_position():
    with pytest.raises(MappingError) as info:
        codecs_to_wire(["G711u", "GSM"])
    assert info.value.path == "codecs[1]"
    assert "does not offer GSM" in info.value.message and "G722" in info.value.message


def test_unknown_codec_names_the_allowed_ones():
    with pytest.raises(MappingError) as info:
        codecs_to_wire(["g711u"])
    assert info.value.path == "codecs[0]" and "'g711u'" in str(info.value) and "G711u" in str(info.value)


def test_a_codec_set_out_of_band_stays_visible_on_the_way_back():
    assert codecs_from_wire(["audio/pcmu", "audio/speex"]) == ["G711u", "audio/speex"]
    assert codecs_from_wire(None) == []


@pytest.mark.parametrize(
    "host,port,entry",
    [
        ("sip.carrier.example", None, "sip.carrier.example"),
        ("sip.carrier.example", 5061, "sip.carrier.example:5061"),
        ("203.0.113.7", 5060, "203.0.113.7:5060"),
        ("2001:db8::7", 5060, "[2001:db8::7]:5060"),
        ("2001:db8::7", None, "[2001:db8::7]"),
    ],
)
def test_proxy_entry_is_host_or_host_port(host, port, entry):
    assert proxy_entry(host, port) == entry
    props = carrier_properties(host, port, "TLS")
    assert props == {KEY_PROXIES: [entry], KEY_PROTOCOL: "tls"}
    assert carrier_from_properties(props) == (host, port, "tls")


def test_carrier_transport_must_be_udp_tcp_or_tls():
    with pytest.raises(MappingError) as info:
        carrier_properties("sip.carrier.example", 5060, "sctp")
    assert info.value.path == "carrier.transport" and "udp, tcp, tls" in info.value.message


def test_carrier_from_properties_without_an_entry_is_none():
    assert carrier_from_properties({}) is None
    assert carrier_from_properties({KEY_PROXIES: []}) is None
    assert carrier_from_properties({KEY_PROXIES: ["sip:bad uri;x"]}) is None


def test_credentials_keep_the_password_secret_until_the_body():
    props = credential_properties("acct", PASSWORD, "carrier.example")
    assert props[KEY_USERNAME] == "acct" and props[KEY_REALM] == "carrier.example"
    assert isinstance(props[KEY_PASSWORD], SecretStr)
    assert PASSWORD not in repr(props)
    body = property_body(props)
    assert body[KEY_PASSWORD] == {"value": {"instance": PASSWORD}}
    assert body[KEY_USERNAME] == {"value": {"instance": "acct"}}


def test_a_password_left_out_is_not_sent():
    assert KEY_PASSWORD not in credential_properties("acct", None, None)
    assert credential_properties() == {}


def test_the_password_is_never_read_back():
    credentials: dict[str, Any] = {KEY_USERNAME: "acct", KEY_REALM: "r"}
    read = TrunkBase.model_validate(base(**credentials))
    assert credentials_from_properties(instances(read)) == ("acct", "r")
    assert KEY_PASSWORD not in instances(read)


def test_template_defaults_leave_out_secrets_and_keys_without_a_default():
    defaults = template_defaults(TEMPLATE)
    assert defaults[KEY_CODECS] == ["audio/opus", "audio/pcmu", "audio/pcma"]
    assert defaults["trunk_maxDialTimeout"] == "2m"
    assert KEY_PASSWORD not in defaults
    assert KEY_PROXIES not in defaults  # required, no default: the user's to give


def test_valid_properties_pass_the_template_check():
    values = {
        **carrier_properties("sip.carrier.example", 5060, "udp"),
        **credential_properties("acct", PASSWORD, "carrier.example"),
        KEY_CODECS: codecs_to_wire(["G711u", "G729"]),
        "trunk_media_dtmf_payload": 101,
        "trunk_enabled": False,
    }
    assert check_properties(TEMPLATE, values) == []


def test_an_unknown_key_fails_with_the_closest_real_keys():
    problems = check_properties(TEMPLATE, {"trunk_max_dial_timeout": "3m"})
    assert len(problems) == 1
    key, message = problems[0]
    assert key == "trunk_max_dial_timeout"
    assert "not a property" in message and "trunk_maxDialTimeout" in message


def test_types_enums_ranges_patterns_and_unique_items_are_checked():
    problems = dict(
        check_properties(
            TEMPLATE,
            {
                "trunk_enabled": "yes",
                KEY_PROTOCOL: "sctp",
                "trunk_media_dtmf_payload": 12,
                "trunk_outboundIdentity_callingName": "x" * 41,
                KEY_CODECS: ["audio/pcmu", "audio/gsm", "audio/pcmu"],
            },
        )
    )
    assert problems["trunk_enabled"] == "must be of type boolean, got string"
    assert problems[KEY_PROTOCOL] == "'sctp' is not allowed; allowed: udp, tcp, tls"
    assert "out of range; allowed: 96 to 127" in problems["trunk_media_dtmf_payload"]
    assert "does not match the pattern" in problems["trunk_outboundIdentity_callingName"]
    assert "'audio/gsm' is not allowed" in problems[f"{KEY_CODECS}[1]"]
    assert "repeated: audio/pcmu" in problems[KEY_CODECS]


def test_a_secret_value_is_never_quoted_in_a_problem():
    wrong = TrunkBase.model_validate(
        {"id": "t", "properties": {KEY_PASSWORD: {"type": "string", "value": {}, "pattern": "^[a-z]{1,8}$"}}}
    )
    problems = check_properties(wrong, {KEY_PASSWORD: SecretStr(PASSWORD)})
    assert problems and all(PASSWORD not in message for _, message in problems)
    assert "the value does not match" in problems[0][1]
