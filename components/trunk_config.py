"""The stack's trunk settings, validated before any resource is declared.

Errors name the config path a user wrote (`trunks[2].codecs[1]`) and what is allowed, so a
bad value fails `pulumi preview` with nothing created.
"""

from __future__ import annotations

import re
from typing import Any, Literal

import pydantic
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from providers.checks import failure_reason
from providers.genesys_api import HealthProbeSpec
from providers.genesys_api.models import Codec, RegistrationType, unique_codecs
from providers.webhook import WebhookInputs

DEFAULT_WEBHOOK_EVENTS = (
    "telephony:edge:status:changed",
    "telephony:edge:registration:success",
    "telephony:edge:registration:failure",
)
#: A fully qualified stack name, as a StackReference takes it.
STACK_NAME = re.compile(r"[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+")
#: Printable: no Unicode "other" (control, format, unassigned) characters, no line or paragraph separator.
NAME_PATTERN = r"^[^\p{C}\s](?:[^\p{C}\p{Zl}\p{Zp}]*[^\p{C}\s])?$"
#: Trunk settings that may come from another stack's output instead of this stack's config.
REFERABLE = ("registration.host", "registration.port", "registration.username", "edgeGroupId", "sipProfileId")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class StackOutputRef(_Strict):
    """`{stack: org/project/stack, output: name}`: read with a StackReference."""

    stack: str = Field(min_length=1)
    output: str = Field(min_length=1)

    @field_validator("stack")
    @classmethod
    def _fully_qualified(cls, value: str) -> str:
        if not STACK_NAME.fullmatch(value):
            raise ValueError("must be a stack name <organization>/<project>/<stack> (letters, digits, '-', '_', '.')")
        return value


class RegistrationConfig(_Strict):
    type: RegistrationType = "REGISTER"
    host: str | None = Field(None, min_length=1, max_length=255)
    port: int = Field(5060, ge=1, le=65535)
    username: str | None = Field(None, min_length=1, max_length=200)
    password: str = Field(min_length=1, max_length=200)


class WebhookConfig(_Strict):
    targetUri: str
    eventTypes: list[str] = Field(default_factory=lambda: list(DEFAULT_WEBHOOK_EVENTS))
    headers: dict[str, str] = Field(default_factory=dict)
    name: str | None = Field(None, min_length=1, max_length=200)

    @model_validator(mode="after")
    def _same_rules_as_the_resource(self) -> WebhookConfig:
        WebhookInputs(name=self.name or "webhook", eventTypes=self.eventTypes, targetUri=self.targetUri)
        return self


class TrunkConfig(_Strict):
    """One Connect trunk, as written under `genesys-trunks:trunks` in Pulumi.<stack>.yaml."""

    #: Any name Genesys allows (trunks made elsewhere are adopted by theirs), but no control or invisible
    #: character (newlines forge log lines, zero-width ones make look-alikes) and no space at either end.
    name: str = Field(min_length=1, max_length=200, pattern=NAME_PATTERN)
    edgeGroupId: str | None = Field(None, min_length=1, max_length=100)
    sipProfileId: str | None = Field(None, min_length=1, max_length=100)
    maxConcurrentSessions: int = Field(100, ge=1, le=2000)
    codecs: list[Codec] = Field(default_factory=lambda: ["G711u", "G729", "Opus"], min_length=1)
    registration: RegistrationConfig
    healthProbe: HealthProbeSpec = Field(default_factory=HealthProbeSpec)
    description: str | None = Field(None, max_length=500)
    webhook: WebhookConfig | None = None
    adopt: bool = False
    registrationTimeoutSeconds: float = Field(60, ge=0, le=3600)
    fromStacks: dict[Literal[REFERABLE], StackOutputRef] = Field(default_factory=dict)  # type: ignore[valid-type]

    @field_validator("codecs")
    @classmethod
    def _unique_codecs(cls, value: list[str]) -> list[str]:
        return unique_codecs(value)

    @model_validator(mode="after")
    def _every_setting_has_a_source(self) -> TrunkConfig:
        for path in ("edgeGroupId", "sipProfileId", "registration.host", "registration.username"):
            obj: Any = self
            for part in path.split("."):
                obj = getattr(obj, part)
            if obj is None and path not in self.fromStacks:
                raise ValueError(f"{path} is required (set it, or take it from another stack under fromStacks)")
        return self


class StackConfig(_Strict):
    trunks: list[TrunkConfig] = Field(min_length=1)

    @model_validator(mode="after")
    def _unique_names(self) -> StackConfig:
        seen: dict[str, int] = {}
        for i, trunk in enumerate(self.trunks):
            key = trunk.name.lower()
            if key in seen:
                raise ValueError(
                    f"trunks[{i}].name: {trunk.name!r} is already the name of trunks[{seen[key]}]; "
                    "trunk names are unique per stack"
                )
            seen[key] = i
        return self


class ConfigError(ValueError):
    """Every problem of the stack's config, one per line, each naming its path."""


def parse_trunks(raw_trunks: Any, *, key: str = "trunks") -> list[TrunkConfig]:
    if raw_trunks is None:
        raise ConfigError(
            f"{key}: no trunks configured; add a list under `genesys-trunks:{key}` in Pulumi.<stack>.yaml"
        )
    try:
        return StackConfig.model_validate({"trunks": raw_trunks}).trunks
    except pydantic.ValidationError as exc:
        lines = []
        for error in exc.errors(include_url=False):
            secret = "password" in error["loc"] or "headers" in error["loc"]
            lines.append(failure_reason(error, show_input=not secret))
        raise ConfigError("invalid stack config:\n  " + "\n  ".join(lines)) from None
