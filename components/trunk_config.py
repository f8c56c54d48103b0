"""The stack's trunk settings, validated before any resource is declared.

A trunk's config is the seed schema's edge settings (``EdgeBase``, defined once in
genesys_api/models.py) and webhook settings, extended with what only a stack has: the webhook's
place in the trunk, settings taken from other stacks (``fromStacks``), the registration wait and the
adopt switch. Errors name the config path a user wrote (`trunks[2].codecs[1]`) and what is allowed, so a
bad value fails `pulumi preview` with nothing created.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any, Generic, Literal, Protocol, TypeVar, get_args, overload

import pydantic
from pydantic import Field, field_validator, model_validator

from genesys_api.fields import EntityId, Flag, Host, Password, Settings, Text, Username, WaitSeconds
from genesys_api.models import EdgeBase, RegistrationBase, WebhookBase, WebhookName, WebhookSpec
from providers.checks import failure_reason
from providers.edge import EdgeInputs

#: A fully qualified stack name, as a StackReference takes it.
STACK_NAME = re.compile(r"[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+")
#: Trunk settings that may come from another stack's output instead of this stack's config.
ReferablePath = Literal[
    "registration.host", "registration.port", "registration.username", "edgeGroupId", "sipProfileId"
]
REFERABLE: tuple[str, ...] = get_args(ReferablePath)


class StackOutputRef(Settings):
    """`{stack: org/project/stack, output: name}`: read with a StackReference."""

    stack: str = Field(min_length=1)
    output: Text = Field(min_length=1)

    @field_validator("stack")
    @classmethod
    def _fully_qualified(cls, value: str) -> str:
        if not STACK_NAME.fullmatch(value):
            raise ValueError("must be a stack name <organization>/<project>/<stack> (letters, digits, '-', '_', '.')")
        return value


class RegistrationConfig(RegistrationBase):
    """The registration block; host and username may come from another stack instead."""

    host: Host | None = None
    username: Username | None = None
    password: Password


class WebhookConfig(WebhookBase):
    name: WebhookName | None = None
    """Defaults to "<trunk name> status"."""


class TrunkConfig(EdgeBase):
    """One Connect trunk, as written under `genesys-trunks:trunks` in Pulumi.<stack>.yaml."""

    edge_group_id: EntityId | None = None
    sip_profile_id: EntityId | None = None
    registration: RegistrationConfig
    webhook: WebhookConfig | None = None
    adopt: Flag = False
    registration_timeout_seconds: WaitSeconds = 60
    from_stacks: dict[ReferablePath, StackOutputRef] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _every_setting_has_a_source(self) -> TrunkConfig:
        require_sources(self, REFERABLE, self.from_stacks)
        return self

    def edge_inputs(self) -> dict[str, Any]:
        """The Edge's inputs by users' names: every setting this trunk shares with ``EdgeInputs``, and the
        registration password as the Edge's own (secret) input. Settings from other stacks are None here."""
        inputs = self.model_dump(by_alias=True, include=set(EdgeInputs.model_fields))
        inputs["registrationPassword"] = inputs["registration"].pop("password")
        return inputs

    def webhook_inputs(self) -> dict[str, Any] | None:
        """The Webhook's inputs by users' names, but for its filter (the edge's id, known once it exists)."""
        if self.webhook is None:
            return None
        return {
            **self.webhook.model_dump(by_alias=True, include=set(WebhookSpec.model_fields)),
            "name": self.webhook.name or f"{self.name} status",
            "description": f"Status and registration events of trunk {self.name}",
        }


def _at(values: dict[str, Any], path: str) -> Any:
    found: Any = values
    for part in path.split("."):
        found = found.get(part) if isinstance(found, dict) else None
    return found


def put_at(values: dict[str, Any], path: str, value: Any) -> None:
    """Set ``registration.host``-style ``path`` in nested ``values`` (making the blocks on the way)."""
    *parents, leaf = path.split(".")
    for part in parents:
        if not isinstance(values.get(part), dict):
            values[part] = {}
        values = values[part]
    values[leaf] = value


def require_sources(trunk: Settings, required: Iterable[str], from_stacks: Iterable[str]) -> None:
    """Every setting in ``required`` is configured or taken from another stack."""
    configured = trunk.model_dump(by_alias=True)
    for path in required:
        if _at(configured, path) is None and path not in from_stacks:
            raise ValueError(f"{path} is required (set it, or take it from another stack under fromStacks)")


class _NamedTrunk(Protocol):
    @property
    def name(self) -> str: ...


TrunkT = TypeVar("TrunkT", bound=Settings)


class StackConfig(Settings, Generic[TrunkT]):
    trunks: list[TrunkT] = Field(min_length=1)

    @model_validator(mode="after")
    def _unique_names(self) -> StackConfig[TrunkT]:
        seen: dict[str, int] = {}
        trunks: list[_NamedTrunk] = list(self.trunks)  # type: ignore[arg-type]
        for i, trunk in enumerate(trunks):
            key = trunk.name.lower()
            if key in seen:
                raise ValueError(
                    f"trunks[{i}].name: {trunk.name!r} is already the name of trunks[{seen[key]}]; "
                    "trunk names are unique per stack"
                )
            seen[key] = i
        return self

    @model_validator(mode="after")
    def _one_trunk_per_registration(self) -> StackConfig[TrunkT]:
        """An edge group registers a username at a host once: a second trunk with the same would pass
        preview and then fail its create with a conflict, halfway through an `up`."""
        seen: dict[tuple[str, str, str], int] = {}
        for i, trunk in enumerate(self.trunks):
            if not isinstance(trunk, TrunkConfig):
                continue  # registrations are the seed dialect's; a cloud trunk has none
            group, reg = trunk.edge_group_id, trunk.registration
            if group is None or reg.host is None or reg.username is None:
                continue  # taken from another stack: known only when the edge is written
            key = (group, reg.host.lower(), reg.username)
            if key in seen:
                raise ValueError(
                    f"trunks[{i}].registration: host {reg.host!r} and username {reg.username!r} in edge group "
                    f"{group} are already those of trunks[{seen[key]}].registration; an edge group registers "
                    "a username at a host once (use another username or edge group)"
                )
            seen[key] = i
        return self


class ConfigError(ValueError):
    """Every problem of the stack's config, one per line, each naming its path."""


@overload
def parse_trunks(raw_trunks: Any, *, key: str = "trunks") -> list[TrunkConfig]: ...
@overload
def parse_trunks(raw_trunks: Any, *, key: str = "trunks", schema: type[TrunkT]) -> list[TrunkT]: ...
def parse_trunks(raw_trunks: Any, *, key: str = "trunks", schema: type[Settings] = TrunkConfig) -> list[Any]:
    """The trunks as ``schema`` (the dialect's trunk config, the seed's by default) reads them, every problem
    naming its path."""
    if raw_trunks is None:
        raise ConfigError(
            f"{key}: no trunks configured; add a list under `genesys-trunks:{key}` in Pulumi.<stack>.yaml"
        )
    try:
        return StackConfig[schema].model_validate({"trunks": raw_trunks}, by_name=False).trunks  # type: ignore[valid-type]
    except pydantic.ValidationError as exc:
        lines = []
        for error in exc.errors(include_url=False):
            secret = "password" in error["loc"] or "headers" in error["loc"]
            lines.append(failure_reason(error, show_input=not secret))
        raise ConfigError("invalid stack config:\n  " + "\n  ".join(lines)) from None
