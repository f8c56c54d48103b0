"""Payload rules for edges and webhooks: a body in, a typed input plus a list of field errors out.

Hand-written rather than pydantic so every message names its field the way the contract shows
(``codecs[1]``, ``registration.port``) and says what is allowed. Passwords and header values are
never echoed.
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from . import catalog
from .errors import FieldError
from .filters import EVENT_TYPES, FilterSyntaxError, parse_filter
from .settings import is_loopback_host

ALLOWED_CODECS: tuple[str, ...] = ("G711u", "G711a", "G729", "Opus", "GSM")
REGISTRATION_TYPES: tuple[str, ...] = ("REGISTER", "STATIC")
COMMON_READ_ONLY = frozenset({"id", "selfUri", "version", "state", "dateCreated", "dateModified"})

EDGE_FIELDS = (
    "name",
    "description",
    "edgeGroupId",
    "sipProfileId",
    "maxConcurrentSessions",
    "codecs",
    "registration",
    "healthProbe",
)
EDGE_READ_ONLY = COMMON_READ_ONLY | {
    "edgeGroup",
    "registrationStatus",
    "registrationStatusReason",
    "registrationStatusChangedAt",
}
REGISTRATION_FIELDS = ("type", "host", "port", "username", "password")
HEALTH_PROBE_FIELDS = ("enabled", "intervalSeconds")
WEBHOOK_FIELDS = (
    "name",
    "description",
    "apiVersion",
    "eventType",
    "filterCriteria",
    "targetUri",
    "headers",
    "enabled",
)

_HOST_LABEL = re.compile(r"^(?!-)[A-Za-z0-9-]{1,63}(?<!-)$")
_HEADER_NAME = re.compile(r"^[!#$%&'*+.^_`|~0-9A-Za-z-]+$")


@dataclass(frozen=True)
class RegistrationInput:
    type: str
    host: str
    port: int
    username: str | None
    password: str | None  # None on PUT means "keep the stored one"


@dataclass(frozen=True)
class EdgeInput:
    name: str
    description: str | None
    edge_group_id: str
    sip_profile_id: str
    max_concurrent_sessions: int
    codecs: tuple[str, ...]
    registration: RegistrationInput
    health_enabled: bool
    health_interval: int


@dataclass(frozen=True)
class WebhookInput:
    name: str
    description: str | None
    api_version: str
    event_types: tuple[str, ...]
    filter_criteria: str
    target_uri: str
    headers: dict[str, str]
    enabled: bool


@dataclass
class _Checker:
    """Collects errors while reading fields out of a JSON object."""

    errors: list[FieldError] = field(default_factory=list)

    def add(self, path: str, message: str, code: str = "invalid.value") -> None:
        self.errors.append(FieldError(path, message, code))

    def unknown(
        self, body: dict[str, Any], writable: tuple[str, ...], prefix: str = "", ignored: frozenset[str] = frozenset()
    ) -> None:
        """Flag keys that are neither writable nor silently ignored read-only fields."""
        allowed = set(writable) | ignored
        known = ", ".join(writable)
        for key in body:
            if key not in allowed:
                self.add(f"{prefix}{key}", f"unknown field; allowed: {known}", "unknown.field")

    def string(
        self, body: dict[str, Any], key: str, path: str, *, required: bool, max_len: int | None = None
    ) -> str | None:
        value = body.get(key)
        if value is None:
            if required:
                self.add(path, "is required", "required")
            return None
        if not isinstance(value, str):
            self.add(path, f"must be a string, got {_json_type(value)}", "invalid.type")
            return None
        if required and not value.strip():
            self.add(path, "must not be empty", "required")
            return None
        if max_len is not None and len(value) > max_len:
            self.add(path, f"must be at most {max_len} characters, got {len(value)}")
            return None
        return value

    def version(self, body: dict[str, Any]) -> int | None:
        value = body.get("version")
        if value is None:
            self.add("version", "is required on update; send the version read by GET", "required")
            return None
        if isinstance(value, bool) or not isinstance(value, int):
            self.add("version", f"must be a positive integer, got {_json_type(value)}", "invalid.type")
            return None
        if value < 1:
            self.add("version", f"must be a positive integer, got {value}")
            return None
        return value

    def integer(
        self, body: dict[str, Any], key: str, path: str, low: int, high: int, *, default: int | None = None
    ) -> int | None:
        value = body.get(key)
        if value is None:
            if default is None:
                self.add(path, f"is required (an integer from {low} to {high})", "required")
            return default
        if isinstance(value, bool) or not isinstance(value, int):
            self.add(path, f"must be an integer from {low} to {high}, got {_json_type(value)}", "invalid.type")
            return None
        if not low <= value <= high:
            self.add(path, f"must be between {low} and {high}, got {value}")
            return None
        return value

    def boolean(self, body: dict[str, Any], key: str, path: str, default: bool) -> bool:
        value = body.get(key)
        if value is None:
            return default
        if not isinstance(value, bool):
            self.add(path, f"must be a boolean, got {_json_type(value)}", "invalid.type")
            return default
        return value

    def obj(self, body: dict[str, Any], key: str, path: str, *, required: bool) -> dict[str, Any] | None:
        value = body.get(key)
        if value is None:
            if required:
                self.add(path, "is required", "required")
            return None
        if not isinstance(value, dict):
            self.add(path, f"must be an object, got {_json_type(value)}", "invalid.type")
            return None
        return value


def _json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    return "object"


def _show(value: str, limit: int = 80) -> str:
    return repr(value if len(value) <= limit else value[:limit] + "...")


def host_problem(host: str) -> str | None:
    """Why ``host`` is not a bare hostname or IP address, or None when it is."""
    if any(ch.isspace() for ch in host):
        return "must not contain spaces"
    if "://" in host:
        return "must not include a scheme (e.g. 'sip://'); give the bare hostname or IP address"
    if "/" in host or "@" in host:
        return "must be a bare hostname or IP address (no path or user part)"
    try:
        ipaddress.ip_address(host)
        return None
    except ValueError:
        pass
    if ":" in host:
        return "must not include a port; use registration.port"
    if len(host) > 253:
        return "must be at most 253 characters"
    labels = host.rstrip(".").split(".")
    if not all(_HOST_LABEL.match(label) for label in labels):
        return "must be a valid hostname (letters, digits, hyphens, dot-separated labels) or IP address"
    return None


def validate_edge(body: Any, *, update: bool) -> tuple[EdgeInput | None, int | None, list[FieldError]]:
    """Check an edge write body; returns (input, version, errors). ``version`` is read on PUT only."""
    c = _Checker()
    if not isinstance(body, dict):
        return None, None, [FieldError("body", "must be a JSON object", "invalid.type")]
    c.unknown(body, EDGE_FIELDS, ignored=EDGE_READ_ONLY if update else frozenset())
    version = c.version(body) if update else None

    name = c.string(body, "name", "name", required=True, max_len=200)
    description = c.string(body, "description", "description", required=False)
    group_id = c.string(body, "edgeGroupId", "edgeGroupId", required=True)
    if group_id is not None and catalog.edge_group(group_id) is None:
        known = ", ".join(f"{g.id} ({g.name})" for g in catalog.EDGE_GROUPS)
        c.add("edgeGroupId", f"unknown edge group {_show(group_id)}; known: {known}", "not.found")
    profile_id = c.string(body, "sipProfileId", "sipProfileId", required=True)
    profile = catalog.sip_profile(profile_id) if profile_id is not None else None
    if profile_id is not None and profile is None:
        known = ", ".join(f"{p.id} ({p.name})" for p in catalog.SIP_PROFILES)
        c.add("sipProfileId", f"unknown SIP profile {_show(profile_id)}; known: {known}", "not.found")
    sessions = c.integer(body, "maxConcurrentSessions", "maxConcurrentSessions", 1, 2000)
    codecs = _codecs(c, body, profile)
    registration = _registration(c, body, update=update)
    health = c.obj(body, "healthProbe", "healthProbe", required=False) or {}
    if health:
        c.unknown(health, HEALTH_PROBE_FIELDS, "healthProbe.")
    health_enabled = c.boolean(health, "enabled", "healthProbe.enabled", True)
    interval = c.integer(health, "intervalSeconds", "healthProbe.intervalSeconds", 5, 3600, default=30)

    if c.errors:
        return None, version, c.errors
    assert name is not None and group_id is not None and profile_id is not None
    assert sessions is not None and codecs is not None and registration is not None and interval is not None
    edge = EdgeInput(
        name=name,
        description=description,
        edge_group_id=group_id,
        sip_profile_id=profile_id,
        max_concurrent_sessions=sessions,
        codecs=codecs,
        registration=registration,
        health_enabled=health_enabled,
        health_interval=interval,
    )
    return edge, version, []


def _codecs(c: _Checker, body: dict[str, Any], profile: catalog.SipProfile | None) -> tuple[str, ...] | None:
    value = body.get("codecs")
    allowed = ", ".join(ALLOWED_CODECS)
    if value is None:
        c.add("codecs", f"is required (a non-empty list of: {allowed})", "required")
        return None
    if not isinstance(value, list):
        c.add("codecs", f"must be a list of codec names, got {_json_type(value)}", "invalid.type")
        return None
    if not value:
        c.add("codecs", f"must not be empty; allowed: {allowed}", "required")
        return None
    before = len(c.errors)
    seen: set[str] = set()
    for i, codec in enumerate(value):
        path = f"codecs[{i}]"
        if not isinstance(codec, str):
            c.add(path, f"must be a string, got {_json_type(codec)}", "invalid.type")
        elif codec not in ALLOWED_CODECS:
            c.add(path, f"{_show(codec)} is not an allowed codec; allowed: {allowed}")
        elif codec in seen:
            c.add(path, f"{_show(codec)} is listed more than once; codecs must be unique")
        elif profile is not None and codec not in profile.codecs:
            c.add(
                path,
                f"{_show(codec)} is not supported by SIP profile {profile.name!r} ({profile.id}); "
                f"supported: {', '.join(profile.codecs)}",
                "codec.not.supported",
            )
        if isinstance(codec, str):
            seen.add(codec)
    return tuple(value) if len(c.errors) == before else None


def _registration(c: _Checker, body: dict[str, Any], *, update: bool) -> RegistrationInput | None:
    reg = c.obj(body, "registration", "registration", required=True)
    if reg is None:
        return None
    before = len(c.errors)
    c.unknown(reg, REGISTRATION_FIELDS, "registration.")
    reg_type = c.string(reg, "type", "registration.type", required=True)
    if reg_type is not None and reg_type not in REGISTRATION_TYPES:
        c.add("registration.type", f"{_show(reg_type)} is not allowed; allowed: {', '.join(REGISTRATION_TYPES)}")
    host = c.string(reg, "host", "registration.host", required=True, max_len=253)
    if host is not None:
        problem = host_problem(host)
        if problem:
            c.add("registration.host", f"{_show(host)} {problem}")
    port = c.integer(reg, "port", "registration.port", 1, 65535, default=5060)
    needs_credentials = reg_type == "REGISTER"
    username = c.string(reg, "username", "registration.username", required=needs_credentials, max_len=256)
    password = reg.get("password")
    if password is None:
        if needs_credentials and not update:
            c.add("registration.password", "is required for type REGISTER", "required")
    elif not isinstance(password, str):
        c.add("registration.password", f"must be a string, got {_json_type(password)}", "invalid.type")
    elif not password:
        c.add("registration.password", "must not be empty", "required")
    if len(c.errors) != before:
        return None
    assert reg_type is not None and host is not None and port is not None
    return RegistrationInput(reg_type, host, port, username, password)


def target_uri_problem(uri: str) -> str | None:
    """Why ``uri`` is not an acceptable webhook target, or None."""
    try:
        parts = urlsplit(uri)
        parts.port  # noqa: B018 - raises on a bad port
    except ValueError as exc:
        return f"is not a valid URL ({exc})"
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return "must be an absolute https URL (or http to a loopback host)"
    if any(ch.isspace() for ch in uri):
        return "must not contain spaces"
    if parts.scheme == "http" and not is_loopback_host(parts.hostname):
        return "http is only allowed to a loopback host (127.0.0.0/8, ::1, localhost); use https"
    return None


def validate_webhook(body: Any, *, update: bool) -> tuple[WebhookInput | None, int | None, list[FieldError]]:
    """Check a webhook write body; returns (input, version, errors)."""
    c = _Checker()
    if not isinstance(body, dict):
        return None, None, [FieldError("body", "must be a JSON object", "invalid.type")]
    c.unknown(body, WEBHOOK_FIELDS, ignored=COMMON_READ_ONLY if update else frozenset())
    version = c.version(body) if update else None

    name = c.string(body, "name", "name", required=True, max_len=200)
    description = c.string(body, "description", "description", required=False)
    api_version = c.string(body, "apiVersion", "apiVersion", required=False) or "v2"
    if api_version != "v2":
        c.add("apiVersion", f"{_show(api_version)} is not supported; allowed: v2")
    event_types = _event_types(c, body.get("eventType"))
    criteria = c.string(body, "filterCriteria", "filterCriteria", required=False) or ""
    try:
        parse_filter(criteria)
    except FilterSyntaxError as exc:
        c.add("filterCriteria", str(exc), "invalid.filter")
    target = c.string(body, "targetUri", "targetUri", required=True, max_len=2048)
    if target is not None:
        problem = target_uri_problem(target)
        if problem:
            c.add("targetUri", f"{_show(target)} {problem}")
    headers = _headers(c, body.get("headers"))
    enabled = c.boolean(body, "enabled", "enabled", True)

    if c.errors:
        return None, version, c.errors
    assert name is not None and target is not None and event_types is not None and headers is not None
    hook = WebhookInput(name, description, api_version, event_types, criteria, target, headers, enabled)
    return hook, version, []


def _event_types(c: _Checker, value: Any) -> tuple[str, ...] | None:
    known = ", ".join(EVENT_TYPES)
    if value is None:
        c.add("eventType", f"is required (a non-empty list of: {known})", "required")
        return None
    if not isinstance(value, list):
        c.add("eventType", f"must be a list of event types, got {_json_type(value)}", "invalid.type")
        return None
    if not value:
        c.add("eventType", f"must not be empty; known: {known}", "required")
        return None
    before = len(c.errors)
    for i, item in enumerate(value):
        if not isinstance(item, str):
            c.add(f"eventType[{i}]", f"must be a string, got {_json_type(item)}", "invalid.type")
        elif item not in EVENT_TYPES:
            c.add(f"eventType[{i}]", f"{_show(item)} is not a known event type; known: {known}")
    return tuple(value) if len(c.errors) == before else None


def _headers(c: _Checker, value: Any) -> dict[str, str] | None:
    if value is None:
        return {}
    if not isinstance(value, dict):
        c.add("headers", f"must be an object of string values, got {_json_type(value)}", "invalid.type")
        return None
    before = len(c.errors)
    for key, item in value.items():
        path = f"headers.{key}"
        if not _HEADER_NAME.match(key):
            c.add(path, "is not a valid HTTP header name")
        elif not isinstance(item, str):
            c.add(path, f"must be a string, got {_json_type(item)}", "invalid.type")
        elif "\r" in item or "\n" in item:
            c.add(path, "must not contain line breaks")
    return dict(value) if len(c.errors) == before else None
