"""What every settings schema is built from, whatever the API dialect: the base class and the field types
whose rules hold for any Genesys API (limits, the shape of a host, a webhook target).

A dialect's schema module (``models.py`` for the seed API) composes these into its entities' settings.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Callable, Iterable, Mapping
from typing import Annotated, Any
from urllib.parse import urlparse

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field
from pydantic.alias_generators import to_camel


class Settings(BaseModel):
    """An entity's settings: snake_case in Python, camelCase (the names users write, and the seed API's) as
    aliases; unknown keys are refused. Users' input is validated with ``by_name=False``, so only the
    camelCase names are accepted from them; Python code may construct by either."""

    model_config = ConfigDict(alias_generator=to_camel, validate_by_name=True, validate_by_alias=True, extra="forbid")


def users_names(model: type[BaseModel]) -> frozenset[str]:
    """The names users write for a settings model's fields."""
    return frozenset(field.alias or name for name, field in model.model_fields.items())


def settings_of(model: type[BaseModel], entity: object) -> dict[str, Any]:
    """The settings, by users' names, that would make ``entity`` (an API read model) what it is: each field
    of ``model`` read from the entity by its Python name, or, for a field the read model does not declare,
    from what the reply carried under the field's camelCase name. Refresh uses this, so a setting the
    schema gains is read back without another edit."""
    declared = getattr(type(entity), "model_fields", {})
    extra = getattr(entity, "model_extra", None) or {}
    values: dict[str, Any] = {}
    for name, field in model.model_fields.items():
        alias = field.alias or name
        value = getattr(entity, name) if name in declared else extra.get(alias)
        nested = field.annotation
        if isinstance(value, BaseModel) and isinstance(nested, type) and issubclass(nested, BaseModel):
            value = settings_of(nested, value)
        elif isinstance(value, Mapping):
            value = dict(value)
        elif isinstance(value, Iterable) and not isinstance(value, str):
            value = list(value)
        values[alias] = value
    return values


# ---------------------------------------------------------------------------------------------- rules

_HOST_BAD = re.compile(r"\s|/")
_ID = re.compile(r"[A-Za-z0-9._:-]+")
#: RFC 7230 `token`: what a header name may be.
_TOKEN = re.compile(r"[!#$%&'*+.^_`|~0-9A-Za-z-]+")
_VISIBLE_ASCII = re.compile(r"[\x20-\x7e]*")


def _number(value: Any) -> Any:
    """A boolean is not a number (pydantic would take `true` for 1); a string of digits still is."""
    if isinstance(value, bool):
        raise ValueError(f"Input should be a number, not a boolean (got {str(value).lower()})")
    return value


def _boolean(value: Any) -> Any:
    """Only true or false (pydantic would take 1, 'yes' or 'on')."""
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.lower() in {"true", "false"}:
        return value.lower() == "true"
    shown = repr(value) if isinstance(value, str | int | float) and len(repr(value)) <= 40 else type(value).__name__
    raise ValueError(f"Input should be a valid boolean, true or false (got {shown})")


def _printable(value: str) -> str:
    """Text that ends up in a name, a header or a log line: no line breaks or other control characters."""
    if not value.isprintable():
        raise ValueError("must be printable text, without line breaks, tabs or other control characters")
    return value


def _entity_id(value: str) -> str:
    if not _ID.fullmatch(value):
        raise ValueError("must be an id: letters, digits, '.', '_', ':' or '-'")
    return value


def _plain_host(value: str) -> str:
    if _HOST_BAD.search(value) or not value.isprintable() or value.count(":") == 1:  # host:port (IPv6 has more)
        raise ValueError("host must be a hostname or IP address, without scheme, path or spaces")
    return value


def _header_name(value: str) -> str:
    if not _TOKEN.fullmatch(value):
        raise ValueError(
            "header names must be tokens: letters, digits and !#$%&'*+-.^_`|~, no spaces or control characters"
        )
    return value


def _header_value(value: str) -> str:
    if not _VISIBLE_ASCII.fullmatch(value):
        raise ValueError("header values must be printable ASCII, without line breaks or other control characters")
    return value


def target_problem(uri: str) -> str | None:
    """Why a webhook target is not allowed: it must be an absolute https URL; plain http only to a
    loopback receiver (a local test listener), so events never cross a network unencrypted."""
    if not uri.isprintable() or any(c.isspace() for c in uri):
        # urlparse would silently drop tabs and line breaks: refuse them instead.
        return "must be a URL without spaces, line breaks or other control characters"
    parsed = urlparse(uri)
    if parsed.scheme not in {"https", "http"} or not parsed.hostname:
        return "must be an absolute https:// URL (http:// is allowed only to 127.0.0.1, ::1 or localhost)"
    if parsed.scheme == "http" and not _is_loopback(parsed.hostname):
        return f"plain http is allowed only to a loopback address, not {parsed.hostname!r}; use https://"
    return None


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _allowed_target(value: str) -> str:
    problem = target_problem(value)
    if problem:
        raise ValueError(problem)
    return value


# ---------------------------------------------------------------------------------------------- field types

#: A whole number: a string of digits is taken, a boolean is not.
Integer = Annotated[int, BeforeValidator(_number)]
#: true or false, nothing that merely reads as one.
Flag = Annotated[bool, BeforeValidator(_boolean)]
#: A name shown to people and in logs: printable, one line.
Text = Annotated[str, AfterValidator(_printable)]
#: The id of an entity in the org (a group, a profile, an edge); it ends up in URLs.
EntityId = Annotated[str, Field(min_length=1, max_length=100), AfterValidator(_entity_id)]
#: A host to register with: a hostname or an IP address, nothing else.
Host = Annotated[str, Field(min_length=1, max_length=255), AfterValidator(_plain_host)]
Port = Annotated[Integer, Field(ge=1, le=65535)]
#: Ends up in SIP headers.
Username = Annotated[Text, Field(min_length=1, max_length=200)]
#: A credential; never echoed in an error (see the config and check error reporting).
Password = Annotated[str, Field(min_length=1, max_length=200)]
#: Free text shown beside an entity.
Description = Annotated[Text, Field(max_length=500)]
#: Where a webhook delivers: https, or http to a loopback receiver.
WebhookTarget = Annotated[str, Field(min_length=1, max_length=2000), AfterValidator(_allowed_target)]
HeaderName = Annotated[str, AfterValidator(_header_name)]
HeaderValue = Annotated[str, AfterValidator(_header_value)]
#: Seconds to wait for a registration outcome.
WaitSeconds = Annotated[float, BeforeValidator(_number), Field(ge=0, le=3600, allow_inf_nan=False)]
#: The name of a trunk: any name Genesys allows (trunks made elsewhere are adopted by theirs), but no control or
#: invisible character (newlines forge log lines, zero-width ones make look-alikes; Unicode "other" and line or
#: paragraph separators) and no space at either end.
TrunkName = Annotated[
    str, Field(min_length=1, max_length=200, pattern=r"^[^\p{C}\s](?:[^\p{C}\p{Zl}\p{Zp}]*[^\p{C}\s])?$")
]


def unique_items(what: str) -> Callable[[list[str]], list[str]]:
    """A validator refusing a list that names an item twice (a mistake in a preference order): it says which."""

    def check(value: list[str]) -> list[str]:
        repeated = sorted({c for i, c in enumerate(value) if c in value[:i]})
        if repeated:
            raise ValueError(f"{what} must be unique; repeated: {', '.join(repeated)}")
        return value

    return check


unique_codecs = unique_items("codecs")
