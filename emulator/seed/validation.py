"""Payload rules for the seed's edges and webhooks, as pydantic models.

pydantic gives the structure: nested objects, required and unknown fields, every bad field reported with
its path (``codecs[1]``, ``registration.port``). The small validators below give each check the message
the wire contract shows, saying what is allowed; passwords and header values are never echoed.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Callable
from typing import Annotated, Any, ClassVar

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationInfo,
    field_validator,
    model_validator,
)

from ..bodies import json_type, parse_body, problem, problems, required_hint
from ..errors import FieldError
from ..settings import is_loopback_host
from . import catalog
from .filters import EVENT_TYPES, FilterSyntaxError, parse_filter

ALLOWED_CODECS: tuple[str, ...] = ("G711u", "G711a", "G729", "Opus", "GSM")
REGISTRATION_TYPES: tuple[str, ...] = ("REGISTER", "STATIC")
COMMON_READ_ONLY = frozenset({"id", "selfUri", "version", "state", "dateCreated", "dateModified"})
EDGE_READ_ONLY = COMMON_READ_ONLY | {
    "edgeGroup",
    "registrationStatus",
    "registrationStatusReason",
    "registrationStatusChangedAt",
}
UPDATE = "update"  # validation context key: True for a PUT

_HOST_LABEL = re.compile(r"^(?!-)[A-Za-z0-9-]{1,63}(?<!-)$")
_HEADER_NAME = re.compile(r"^[!#$%&'*+.^_`|~0-9A-Za-z-]+$")


def _show(value: str, limit: int = 80) -> str:
    return repr(value if len(value) <= limit else value[:limit] + "...")


# -- checks of one value, each a before-validator ---------------------------------------------------
def text(max_len: int | None = None, *, non_empty: bool = True) -> BeforeValidator:
    def check(value: Any) -> str | None:
        if value is None:
            return None  # an optional field's default (an explicit null was dropped as absent)
        if not isinstance(value, str):
            raise problem(f"must be a string, got {json_type(value)}", "invalid.type")
        if non_empty and not value.strip():
            raise problem("must not be empty", "required")
        if max_len is not None and len(value) > max_len:
            raise problem(f"must be at most {max_len} characters, got {len(value)}")
        return value

    return BeforeValidator(check)


def integer(low: int, high: int) -> BeforeValidator:
    def check(value: Any) -> int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise problem(f"must be an integer from {low} to {high}, got {json_type(value)}", "invalid.type")
        if not low <= value <= high:
            raise problem(f"must be between {low} and {high}, got {value}")
        return value

    return BeforeValidator(check)


def _boolean(value: Any) -> bool:
    if not isinstance(value, bool):
        raise problem(f"must be a boolean, got {json_type(value)}", "invalid.type")
    return value


def listing(noun: str, allowed: tuple[str, ...], word: str) -> BeforeValidator:
    """A non-empty JSON array (its items are checked one by one by their own type)."""

    def check(value: Any) -> list[Any]:
        if not isinstance(value, list):
            raise problem(f"must be a list of {noun}, got {json_type(value)}", "invalid.type")
        if not value:
            raise problem(f"must not be empty; {word}: {', '.join(allowed)}", "required")
        return value

    return BeforeValidator(check)


def one_of(allowed: tuple[str, ...], complaint: str, word: str = "allowed") -> AfterValidator:
    def check(value: str) -> str:
        if value not in allowed:
            raise problem(f"{_show(value)} {complaint}; {word}: {', '.join(allowed)}")
        return value

    return AfterValidator(check)


def checked_by(why_not: Callable[[str], str | None]) -> AfterValidator:
    """Refuse a string for which ``why_not`` names a problem."""

    def check(value: str) -> str:
        reason = why_not(value)
        if reason:
            raise problem(f"{_show(value)} {reason}")
        return value

    return AfterValidator(check)


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


def target_uri_problem(uri: str) -> str | None:
    """Why ``uri`` is not an acceptable webhook target, or None."""
    from urllib.parse import urlsplit

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


def _filter_problem(criteria: str) -> str:
    try:
        parse_filter(criteria)
    except FilterSyntaxError as exc:
        raise problem(str(exc), "invalid.filter") from None
    return criteria


def _header_name(name: str) -> str:
    if not _HEADER_NAME.match(name):
        raise problem("is not a valid HTTP header name")
    return name


def _header_value(value: Any) -> str:
    if not isinstance(value, str):
        raise problem(f"must be a string, got {json_type(value)}", "invalid.type")
    if "\r" in value or "\n" in value:
        raise problem("must not contain line breaks")
    return value


def _headers(value: Any) -> Any:
    if not isinstance(value, dict):
        raise problem(f"must be an object of string values, got {json_type(value)}", "invalid.type")
    return value


def _api_version(value: str) -> str:
    if (value or "v2") != "v2":
        raise problem(f"{_show(value)} is not supported; allowed: v2")
    return "v2"


def _version(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise problem(f"must be a positive integer, got {json_type(value)}", "invalid.type")
    if value < 1:
        raise problem(f"must be a positive integer, got {value}")
    return value


def _known(lookup: Callable[[str], Any], entries: tuple[Any, ...], kind: str) -> AfterValidator:
    def check(value: str) -> str:
        if lookup(value) is None:
            known = ", ".join(f"{e.id} ({e.name})" for e in entries)
            raise problem(f"unknown {kind} {_show(value)}; known: {known}", "not.found")
        return value

    return AfterValidator(check)


# -- the bodies -------------------------------------------------------------------------------------
class Body(BaseModel):
    """A JSON object: unknown keys refused, ``null`` read as absent, read-only keys ignored on a PUT."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True, frozen=True)
    READ_ONLY: ClassVar[frozenset[str]] = frozenset()

    @model_validator(mode="before")
    @classmethod
    def _present(cls, data: Any, info: ValidationInfo) -> Any:
        if not isinstance(data, dict):
            return data
        update = bool(info.context and info.context.get(UPDATE))
        ignored = cls.READ_ONLY - cls.model_fields.keys() if update else frozenset()
        return {k: v for k, v in data.items() if v is not None and k not in ignored}


Codec = Annotated[str, text(), one_of(ALLOWED_CODECS, "is not an allowed codec")]
EventType = Annotated[str, text(), one_of(EVENT_TYPES, "is not a known event type", "known")]
Text = Annotated[str, text()]


def _registering(info: ValidationInfo) -> bool:
    """Whether the registration being read is of type REGISTER (which needs credentials)."""
    return info.data.get("type") == "REGISTER"


class Registration(Body):
    type: Annotated[Text, one_of(REGISTRATION_TYPES, "is not allowed")]
    host: Annotated[str, text(253), checked_by(host_problem)]
    port: Annotated[int, integer(1, 65535)] = 5060
    username: Annotated[str | None, text(256, non_empty=False)] = Field(None, validate_default=True)
    # None on a PUT: keep the stored one
    password: Annotated[str | None, text(non_empty=False)] = Field(None, validate_default=True)

    @field_validator("username")
    @classmethod
    def _username(cls, value: str | None, info: ValidationInfo) -> str | None:
        if not _registering(info):
            return value
        if value is None:
            raise problem("is required", "required")
        if not value.strip():
            raise problem("must not be empty", "required")
        return value

    @field_validator("password")
    @classmethod
    def _password(cls, value: str | None, info: ValidationInfo) -> str | None:
        if value == "":
            raise problem("must not be empty", "required")
        if value is None and _registering(info) and not (info.context and info.context.get(UPDATE)):
            raise problem("is required for type REGISTER", "required")
        return value


class HealthProbe(Body):
    enabled: Annotated[bool, BeforeValidator(_boolean)] = True
    interval_seconds: Annotated[int, integer(5, 3600)] = Field(30, alias="intervalSeconds")


class EdgeInput(Body):
    READ_ONLY: ClassVar[frozenset[str]] = EDGE_READ_ONLY

    name: Annotated[str, text(200)]
    description: Annotated[str | None, text(non_empty=False)] = None
    edge_group_id: Annotated[Text, _known(catalog.edge_group, catalog.EDGE_GROUPS, "edge group")] = Field(
        alias="edgeGroupId"
    )
    sip_profile_id: Annotated[Text, _known(catalog.sip_profile, catalog.SIP_PROFILES, "SIP profile")] = Field(
        alias="sipProfileId"
    )
    max_concurrent_sessions: Annotated[int, integer(1, 2000)] = Field(
        alias="maxConcurrentSessions", json_schema_extra=required_hint("is required (an integer from 1 to 2000)")
    )
    codecs: Annotated[tuple[Codec, ...], listing("codec names", ALLOWED_CODECS, "allowed")] = Field(
        json_schema_extra=required_hint(f"is required (a non-empty list of: {', '.join(ALLOWED_CODECS)})")
    )
    registration: Registration
    health_probe: HealthProbe = Field(default_factory=HealthProbe, alias="healthProbe")

    @field_validator("codecs")
    @classmethod
    def _unique_and_supported(cls, codecs: tuple[str, ...], info: ValidationInfo) -> tuple[str, ...]:
        """Each codec once, and each one the SIP profile (read before the codecs) supports."""
        profile = catalog.sip_profile(info.data.get("sip_profile_id") or "")
        found = []
        for i, codec in enumerate(codecs):
            if codec in codecs[:i]:
                found.append(
                    (f"[{i}]", f"{_show(codec)} is listed more than once; codecs must be unique", "invalid.value")
                )
            elif profile is not None and codec not in profile.codecs:
                message = (
                    f"{_show(codec)} is not supported by SIP profile {profile.name!r} ({profile.id}); "
                    f"supported: {', '.join(profile.codecs)}"
                )
                found.append((f"[{i}]", message, "codec.not.supported"))
        if found:
            raise problems(found)
        return codecs


class EdgeUpdate(EdgeInput):
    version: Annotated[int, BeforeValidator(_version)] = Field(
        json_schema_extra=required_hint("is required on update; send the version read by GET")
    )


class WebhookInput(Body):
    READ_ONLY: ClassVar[frozenset[str]] = COMMON_READ_ONLY

    name: Annotated[str, text(200)]
    description: Annotated[str | None, text(non_empty=False)] = None
    api_version: Annotated[str, text(non_empty=False), AfterValidator(_api_version)] = Field("v2", alias="apiVersion")
    event_types: Annotated[tuple[EventType, ...], listing("event types", EVENT_TYPES, "known")] = Field(
        alias="eventType",
        json_schema_extra=required_hint(f"is required (a non-empty list of: {', '.join(EVENT_TYPES)})"),
    )
    filter_criteria: Annotated[str, text(non_empty=False), AfterValidator(_filter_problem)] = Field(
        "", alias="filterCriteria"
    )
    target_uri: Annotated[str, text(2048), checked_by(target_uri_problem)] = Field(alias="targetUri")
    headers: Annotated[
        dict[Annotated[str, AfterValidator(_header_name)], Annotated[str, BeforeValidator(_header_value)]],
        BeforeValidator(_headers),
    ] = Field(default_factory=dict)
    enabled: Annotated[bool, BeforeValidator(_boolean)] = True


class WebhookUpdate(WebhookInput):
    version: Annotated[int, BeforeValidator(_version)] = Field(
        json_schema_extra=required_hint("is required on update; send the version read by GET")
    )


def _validate(model: type[Body], body: Any, update: bool) -> tuple[Any, int | None, list[FieldError]]:
    parsed, errors = parse_body(model, body, {UPDATE: update})
    return parsed, getattr(parsed, "version", None), errors


def validate_edge(body: Any, *, update: bool) -> tuple[EdgeInput | None, int | None, list[FieldError]]:
    """Check an edge write body; returns (input, version, errors). ``version`` is read on PUT only."""
    return _validate(EdgeUpdate if update else EdgeInput, body, update)


def validate_webhook(body: Any, *, update: bool) -> tuple[WebhookInput | None, int | None, list[FieldError]]:
    """Check a webhook write body; returns (input, version, errors)."""
    return _validate(WebhookUpdate if update else WebhookInput, body, update)
