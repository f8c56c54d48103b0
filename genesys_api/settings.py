"""Client settings, from Pulumi stack config with the Terraform provider's environment variables as fallback.

The settings object is frozen and hashable so it can key the process-wide client cache; the secret is a
``SecretStr`` so it never shows in a repr, a log line or an error message.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from typing import Any, Literal, get_args

import httpx
import pydantic
from pydantic import BaseModel, ConfigDict, Field, SecretStr, field_validator, model_validator

from .errors import ConfigurationError
from .regions import REGION_DOMAINS, hosts_for_region

# Stack config keys (namespace "genesys") and their environment fallbacks.
KEY_REGION = "genesys:region"
KEY_API_URL = "genesys:apiUrl"
KEY_CLIENT_ID = "genesys:clientId"
KEY_CLIENT_SECRET = "genesys:clientSecret"
KEY_MAX_RETRIES = "genesys:maxRetries"
KEY_RETRY_BUDGET = "genesys:retryBudgetSeconds"
KEY_TIMEOUT = "genesys:timeoutSeconds"
KEY_DIALECT = "genesys:dialect"

ENV_CLIENT_ID = "GENESYSCLOUD_OAUTHCLIENT_ID"
ENV_CLIENT_SECRET = "GENESYSCLOUD_OAUTHCLIENT_SECRET"
ENV_REGION = "GENESYSCLOUD_REGION"
ENV_API_URL = "GENESYSCLOUD_API_URL"

DEFAULT_MAX_RETRIES = 6
DEFAULT_RETRY_BUDGET_SECONDS = 120.0
DEFAULT_TIMEOUT_SECONDS = 30.0

ConfigGetter = Callable[[str], Any]

DialectName = Literal["cloud", "seed"]
"""``cloud``: the Genesys Cloud Platform API (trunk base settings); ``seed``: the tutorial's API (edges)."""
DIALECTS: tuple[str, ...] = get_args(DialectName)


class ClientSettings(BaseModel):
    """Where and as whom to call Genesys Cloud, and how patiently."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    api_url: str
    """Base URL of API calls, e.g. ``https://api.mypurecloud.ie`` or the emulator's ``http://127.0.0.1:8787``."""
    login_url: str
    """Base URL of the token endpoint (``/oauth/token`` under it); equals ``api_url`` for the emulator."""
    client_id: str = Field(min_length=1)
    client_secret: SecretStr
    region: str | None = None
    dialect: DialectName
    """Which API the endpoint speaks (defaulted from how the host was named, see ``_defaults``)."""
    max_retries: int = Field(DEFAULT_MAX_RETRIES, ge=0, le=100)
    retry_budget_seconds: float = Field(DEFAULT_RETRY_BUDGET_SECONDS, gt=0)
    timeout_seconds: float = Field(DEFAULT_TIMEOUT_SECONDS, gt=0)

    @model_validator(mode="before")
    @classmethod
    def _defaults(cls, data: Any) -> Any:
        """The login host defaults to the API host; the dialect to ``cloud`` when a region named the host
        (a real org speaks only the Platform API), else ``seed`` (the emulator speaks both)."""
        if not isinstance(data, dict):
            return data
        if data.get("api_url") and not data.get("login_url"):
            data = {**data, "login_url": data["api_url"]}
        if data.get("dialect") is None:
            data = {**data, "dialect": "cloud" if data.get("region") else "seed"}
        return data

    @field_validator("api_url", "login_url")
    @classmethod
    def _base_url(cls, value: str) -> str:
        problem = _check_base_url(value)
        if problem:
            raise ValueError(problem)
        return value.rstrip("/")

    @classmethod
    def from_config(cls, get: ConfigGetter | None = None, environ: Mapping[str, str] | None = None) -> ClientSettings:
        """Read ``genesys:*`` stack config through ``get`` (a provider passes ``req.config.get``), falling
        back to the ``GENESYSCLOUD_*`` environment variables.

        Host resolution, first match wins: config ``apiUrl``, config ``region``, env ``GENESYSCLOUD_API_URL``,
        env ``GENESYSCLOUD_REGION``; so the stack config always beats the shell, and an explicit base URL
        beats a region within the same source; ``dialect``, unless set, follows from that choice. All
        problems are reported in one ``ConfigurationError``.
        """
        cfg, env_value = _readers(get, environ)
        problems: list[str] = []

        def first(key: str, env_name: str) -> tuple[Any, str]:
            value = cfg(key)
            if value is not None:
                return value, key
            return env_value(env_name), env_name

        client_id, _ = first(KEY_CLIENT_ID, ENV_CLIENT_ID)
        if client_id is None:
            problems.append(
                f"{KEY_CLIENT_ID} is not set: run `pulumi config set {KEY_CLIENT_ID} <id>` or export {ENV_CLIENT_ID}"
            )
        secret, _ = first(KEY_CLIENT_SECRET, ENV_CLIENT_SECRET)
        if secret is None:
            problems.append(
                f"{KEY_CLIENT_SECRET} is not set: run "
                f"`pulumi config set --secret {KEY_CLIENT_SECRET} <secret>` "
                f"or export {ENV_CLIENT_SECRET}"
            )

        api_url = login_url = region = None
        source = _endpoint_source(cfg, env_value)
        if source is not None:
            key, kind, value = source
            if kind == "url":
                problem = _check_base_url(value)
                if problem:
                    problems.append(f"{key} {problem}")
                else:
                    api_url = login_url = value.rstrip("/")
            elif value in REGION_DOMAINS:
                region = value
                api_url, login_url = hosts_for_region(value)
            else:
                problems.append(_unknown_region(key, value))
        else:
            problems.append(
                f"{KEY_REGION} is not set: set {KEY_REGION} (or {ENV_REGION}) to one of "
                f"{', '.join(REGION_DOMAINS)}; or set {KEY_API_URL} (or {ENV_API_URL}) to a base URL such as "
                "http://127.0.0.1:8787"
            )

        dialect = None  # when not chosen, ``_defaults`` derives it from the endpoint found above
        try:
            dialect = _chosen_dialect(cfg)
        except ConfigurationError as exc:
            problems.append(str(exc))
        max_retries = _number(cfg(KEY_MAX_RETRIES), KEY_MAX_RETRIES, int, DEFAULT_MAX_RETRIES, 0, problems)
        budget = _number(cfg(KEY_RETRY_BUDGET), KEY_RETRY_BUDGET, float, DEFAULT_RETRY_BUDGET_SECONDS, None, problems)
        timeout = _number(cfg(KEY_TIMEOUT), KEY_TIMEOUT, float, DEFAULT_TIMEOUT_SECONDS, None, problems)

        if problems:
            raise ConfigurationError("Genesys Cloud client configuration: " + "; ".join(problems))
        try:
            return cls(
                api_url=api_url,
                login_url=login_url,
                client_id=str(client_id),
                client_secret=SecretStr(str(secret)),
                region=region,
                dialect=dialect,
                max_retries=max_retries,
                retry_budget_seconds=budget,
                timeout_seconds=timeout,
            )
        except pydantic.ValidationError as exc:  # never echo inputs (one of them is the secret)
            details = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors(include_input=False))
            raise ConfigurationError(f"Genesys Cloud client configuration: {details}") from None


def _readers(
    get: ConfigGetter | None, environ: Mapping[str, str] | None
) -> tuple[Callable[[str], Any], Callable[[str], str | None]]:
    """Reading a config key and an environment variable, blanks as unset."""
    getter: ConfigGetter = get or (lambda _key: None)
    env = os.environ if environ is None else environ

    def cfg(key: str) -> Any:
        value = getter(key)
        if isinstance(value, str):
            value = value.strip()
        return None if value in (None, "") else value

    def env_value(name: str) -> str | None:
        return (env.get(name) or "").strip() or None

    return cfg, env_value


def _endpoint_source(
    cfg: Callable[[str], Any], env_value: Callable[[str], str | None]
) -> tuple[str, Literal["url", "region"], str] | None:
    """``(key, kind, value)`` of the setting that names the endpoint, first match wins: config ``apiUrl``,
    config ``region``, env ``GENESYSCLOUD_API_URL``, env ``GENESYSCLOUD_REGION``."""
    choices: tuple[tuple[str, Literal["url", "region"]], ...] = (
        (KEY_API_URL, "url"),
        (KEY_REGION, "region"),
        (ENV_API_URL, "url"),
        (ENV_REGION, "region"),
    )
    for key, kind in choices:
        value = cfg(key) if key.startswith("genesys:") else env_value(key)
        if value is not None:
            return key, kind, str(value)
    return None


def _unknown_region(key: str, value: str) -> str:
    return f"{key} {value!r} is not a known Genesys Cloud region; accepted: {', '.join(REGION_DOMAINS)}"


def _default_dialect(endpoint_kind: str) -> DialectName:
    """A region names a real org, which speaks only the Platform API; an explicit URL defaults to the seed's."""
    return "cloud" if endpoint_kind == "region" else "seed"


def configured_dialect(get: ConfigGetter | None = None, environ: Mapping[str, str] | None = None) -> DialectName:
    """The API dialect the stack config (environment as fallback) selects, resolved as ``from_config``
    resolves it, without needing credentials: ``genesys:dialect`` when set, else ``cloud`` for a region and
    ``seed`` for an explicit URL (or when nothing names the endpoint). A bad value raises
    ``ConfigurationError``."""
    cfg, env_value = _readers(get, environ)
    chosen = _chosen_dialect(cfg)
    if chosen is not None:
        return chosen
    source = _endpoint_source(cfg, env_value)
    if source is None:
        return "seed"
    key, kind, value = source
    if kind == "region" and value not in REGION_DOMAINS:
        # The region chooses the dialect, and with it how the trunks are read: a mistyped one is the
        # first thing to say, not the trunk keys another dialect would refuse.
        raise ConfigurationError(_unknown_region(key, value))
    return _default_dialect(kind)


def _chosen_dialect(cfg: Callable[[str], Any]) -> DialectName | None:
    """``genesys:dialect`` when set; a value that names no dialect raises ``ConfigurationError``."""
    chosen = cfg(KEY_DIALECT)
    if chosen is not None and chosen not in DIALECTS:
        raise ConfigurationError(
            f"{KEY_DIALECT} {chosen!r} is not an API dialect; accepted: cloud (the Genesys Cloud Platform "
            "API) or seed (the tutorial's API)"
        )
    return chosen


def _check_base_url(value: str) -> str | None:
    """Why ``value`` is not a usable base URL, or None when it is."""
    try:
        url = httpx.URL(value)
    except (httpx.InvalidURL, TypeError):
        return f"{value!r} is not a URL; expected e.g. http://127.0.0.1:8787 or https://api.mypurecloud.com"
    if url.scheme not in ("http", "https") or not url.host:
        return f"{value!r} must be an absolute http:// or https:// URL, e.g. http://127.0.0.1:8787"
    if url.query or url.fragment:
        return f"{value!r} must not carry a query or fragment"
    return None


def _number(raw: Any, key: str, kind: type, default: float, minimum: float | None, problems: list[str]) -> Any:
    """Parse an optional numeric tuning key; ``minimum`` None means strictly positive."""
    if raw is None:
        return default
    expected = "a non-negative integer" if kind is int else "a positive number of seconds"
    try:
        if isinstance(raw, bool):
            raise ValueError
        value = kind(raw) if kind is float else int(str(raw))
    except (TypeError, ValueError):
        problems.append(f"{key} must be {expected}, got {raw!r}")
        return default
    if (minimum is None and value <= 0) or (minimum is not None and value < minimum):
        problems.append(f"{key} must be {expected}, got {raw!r}")
    return value
