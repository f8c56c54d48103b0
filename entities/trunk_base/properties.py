"""Template properties: the keys the trunk's named settings fill in, their values both ways, and the check of
any value against a metabase's template. Pure functions over plain data; nothing here talks HTTP.

Only keys the public sources show are named here (codecs, carrier transport, digest credentials); every other
key reaches the API under its own name through ``properties`` and is checked against the metabase's template
(``check_properties``). A password is never part of a returned problem, a repr or a reverse mapping.
"""

from __future__ import annotations

import difflib
import ipaddress
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from pydantic import SecretStr

from .models import TrunkBaseShape

KEY_CODECS = "trunk_media_codec"
KEY_PROXIES = "trunk_transport_serverProxyList"
KEY_PROTOCOL = "trunk_transport_protocolVariant"
KEY_REALM = "trunk_sip_authentication_credentials_realm"
KEY_USERNAME = "trunk_sip_authentication_credentials_username"
KEY_PASSWORD = "trunk_sip_authentication_credentials_password"
SECRET_KEYS = frozenset({KEY_PASSWORD})
#: User codec names (the seed's) -> the MIME types of ``trunk_media_codec``.
CODEC_MIME: dict[str, str] = {
    "G711u": "audio/pcmu",
    "G711a": "audio/pcma",
    "G729": "audio/g729",
    "Opus": "audio/opus",
    "G722": "audio/g722",
}
_CODEC_NAME = {mime: name for name, mime in CODEC_MIME.items()}
#: Codecs a user may know from elsewhere that Genesys Cloud does not offer, with the reason to give.
UNOFFERED_CODECS: dict[str, str] = {"GSM": "Genesys Cloud does not offer GSM on trunks"}

TRANSPORTS: tuple[str, ...] = ("udp", "tcp", "tls")


class MappingError(ValueError):
    """A user-level setting with no trunk base equivalent; ``path`` is relative to the trunk (``codecs[1]``)."""

    def __init__(self, path: str, message: str) -> None:
        super().__init__(f"{path}: {message}")
        self.path = path
        self.message = message


# ---------------------------------------------------------------------------------------------- codecs


def codecs_to_wire(names: Sequence[str]) -> list[str]:
    """Codec names in preference order -> ``trunk_media_codec`` values, same order."""
    mimes = []
    for i, name in enumerate(names):
        if name in UNOFFERED_CODECS:
            raise MappingError(f"codecs[{i}]", f"{UNOFFERED_CODECS[name]}; use one of {', '.join(CODEC_MIME)}")
        if name not in CODEC_MIME:
            raise MappingError(f"codecs[{i}]", f"{name!r} is not a codec; allowed: {', '.join(CODEC_MIME)}")
        mimes.append(CODEC_MIME[name])
    return mimes


def codecs_from_wire(mimes: Iterable[str] | None) -> list[str]:
    """``trunk_media_codec`` values -> codec names; a MIME type without a user name is kept as is, so a
    codec set out of band shows as a difference rather than vanishing."""
    return [_CODEC_NAME.get(m, m) for m in mimes or ()]


# ---------------------------------------------------------------------------------------------- carrier


def proxy_entry(host: str, port: int | None = None) -> str:
    """One ``trunk_transport_serverProxyList`` entry: ``host``, or ``host:port`` when a port is given (an IPv6
    address in brackets). Without a port the platform uses the inbound listen port."""
    shown = f"[{host}]" if _is_ipv6(host) else host
    return shown if port is None else f"{shown}:{port}"


def carrier_properties(host: str, port: int | None = None, transport: str = "udp") -> dict[str, Any]:
    """The carrier's SIP server and transport as properties."""
    variant = transport.lower()
    if variant not in TRANSPORTS:
        raise MappingError("carrier.transport", f"{transport!r} is not a transport; allowed: {', '.join(TRANSPORTS)}")
    return {KEY_PROXIES: [proxy_entry(host, port)], KEY_PROTOCOL: variant}


_ENTRY = re.compile(r"^(?:\[(?P<v6>[^\]]+)\]|(?P<host>[^:\[\]]+))(?::(?P<port>\d{1,5}))?$")


def carrier_from_properties(values: Mapping[str, Any]) -> tuple[str, int | None, str | None] | None:
    """``(host, port, transport)`` from the first proxy entry (and the protocol variant), or None when the
    base has no proxy entry in a form this client writes."""
    entries = values.get(KEY_PROXIES)
    if not isinstance(entries, list) or not entries or not isinstance(entries[0], str):
        return None
    entry = entries[0].strip()
    match = _ENTRY.match(entry)
    if match is None:
        if _is_ipv6(entry):  # a bare IPv6 address: no port
            return entry, None, _protocol(values)
        return None
    host = match.group("v6") or match.group("host")
    port = int(match.group("port")) if match.group("port") else None
    return host, port, _protocol(values)


def _protocol(values: Mapping[str, Any]) -> str | None:
    variant = values.get(KEY_PROTOCOL)
    return variant.lower() if isinstance(variant, str) else None


def _is_ipv6(text: str) -> bool:
    try:
        return isinstance(ipaddress.ip_address(text), ipaddress.IPv6Address)
    except ValueError:
        return False


# ---------------------------------------------------------------------------------------------- credentials


def credential_properties(
    username: str | None = None, password: SecretStr | str | None = None, realm: str | None = None
) -> dict[str, Any]:
    """Digest credentials as properties; a None value is left out (a password left out of an update keeps
    the stored one). The password stays a ``SecretStr`` until ``property_body`` unwraps it."""
    values: dict[str, Any] = {}
    if username is not None:
        values[KEY_USERNAME] = username
    if realm is not None:
        values[KEY_REALM] = realm
    if password is not None:
        values[KEY_PASSWORD] = password if isinstance(password, SecretStr) else SecretStr(password)
    return values


def credentials_from_properties(values: Mapping[str, Any]) -> tuple[str | None, str | None]:
    """``(username, realm)`` as stored; the password is never read back (the API may mask or hide it)."""
    username, realm = values.get(KEY_USERNAME), values.get(KEY_REALM)
    return (username if isinstance(username, str) else None, realm if isinstance(realm, str) else None)


# ---------------------------------------------------------------------------------------------- properties


def instances(base: TrunkBaseShape) -> dict[str, Any]:
    """Every property's instance value by key, secrets left out: what a refresh compares with the inputs."""
    return {key: prop.value.instance for key, prop in base.properties.items() if key not in SECRET_KEYS}


def template_defaults(template: TrunkBaseShape) -> dict[str, Any]:
    """The default of every template key (its instance when the template sets one), secrets and keys
    without a default left out: the values a create sends for what the user left out."""
    values = {}
    for key, prop in template.properties.items():
        value = prop.value.instance if prop.value.instance is not None else prop.value.default
        if key not in SECRET_KEYS and value is not None:
            values[key] = value
    return values


def property_body(values: Mapping[str, Any]) -> dict[str, Any]:
    """``{key: {value: {instance: v}}}``, the write shape; a ``SecretStr`` is unwrapped here and only here."""
    return {
        key: {"value": {"instance": value.get_secret_value() if isinstance(value, SecretStr) else value}}
        for key, value in values.items()
    }


def closest_keys(template: TrunkBaseShape, key: str, limit: int = 3) -> list[str]:
    return difflib.get_close_matches(key, list(template.properties), n=limit, cutoff=0.5)


def check_properties(template: TrunkBaseShape, values: Mapping[str, Any]) -> list[tuple[str, str]]:
    """Problems of ``values`` against the template, as ``(key, message)``: unknown keys (with the closest
    real keys named: the API would store them silently), wrong types, values outside an enum or pattern,
    out-of-range numbers, repeated items of a unique list. A secret's value is never quoted."""
    problems: list[tuple[str, str]] = []
    for key, value in values.items():
        prop = template.properties.get(key)
        if prop is None:
            near = closest_keys(template, key)
            hint = f"; did you mean {', '.join(near)}?" if near else ""
            problems.append((key, f"is not a property of this trunk metabase{hint}"))
            continue
        if isinstance(value, SecretStr):
            value = value.get_secret_value()
        schema = prop.model_dump(exclude={"value"}, exclude_none=True, by_alias=True)
        _check_value(schema, value, key, problems, secret=key in SECRET_KEYS)
    return problems


_JSON_TYPES: dict[str, tuple[type, ...]] = {
    "string": (str,),
    "boolean": (bool,),
    "integer": (int,),
    "number": (int, float),
    "array": (list, tuple),
    "object": (dict,),
}


def _json_type(value: Any) -> str:
    if value is None:
        return "null"
    for name, kinds in _JSON_TYPES.items():
        if isinstance(value, kinds) and not (isinstance(value, bool) and name in ("integer", "number")):
            return name
    return type(value).__name__


def _check_value(
    schema: Mapping[str, Any], value: Any, path: str, problems: list[tuple[str, str]], secret: bool
) -> None:
    shown = "the value" if secret else repr(value)
    kind = schema.get("type")
    if kind in _JSON_TYPES and _json_type(value) not in (kind, "integer" if kind == "number" else kind):
        problems.append((path, f"must be of type {kind}, got {_json_type(value)}"))
        return
    enum = schema.get("enum")
    if enum is not None and value not in enum:
        problems.append((path, f"{shown} is not allowed; allowed: {', '.join(map(str, enum))}"))
    pattern = schema.get("pattern")
    if pattern and isinstance(value, str) and not re.search(pattern, value):
        problems.append((path, f"{shown} does not match the pattern {pattern}"))
    if _json_type(value) in ("integer", "number"):
        low, high = schema.get("minimum"), schema.get("maximum")
        if (low is not None and value < low) or (high is not None and value > high):
            problems.append((path, f"{shown} is out of range; allowed: {low} to {high}"))
    if kind == "array" and isinstance(value, list | tuple):
        items = schema.get("items") or {}
        for i, item in enumerate(value):
            _check_value(items, item, f"{path}[{i}]", problems, secret)
        if schema.get("uniqueItems"):
            repeated = sorted({str(v) for i, v in enumerate(value) if v in list(value)[:i]})
            if repeated:
                problems.append((path, f"items must be unique; repeated: {', '.join(repeated)}"))
