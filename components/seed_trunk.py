"""A trunk in the seed dialect: an edge, its status webhook and its registration outcome.

Its config is the edge's settings (``EdgeBase``, defined once in its home) and the webhook's, extended with
what only a stack has: the webhook's place in the trunk, settings taken from other stacks (``fromStacks``),
the registration wait and the adopt switch. ``TrunkStack`` declares the Edge (whose check validates its
codecs against its SIP profile and group before anything is created), a Webhook subscribed to that edge's
status events when a target is configured, and the RegistrationOutcome that waits for the outcome of the
edge's last write. The Edge does not wait for its carrier, so the webhook is made while the edge registers
and delivers that outcome too; the outcome waits after the webhook, so waits never hold the engine's slots
while webhooks queue.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Literal, get_args

import pulumi
from pydantic import Field, model_validator

from entities.edge import Edge as EdgeResource
from entities.edge import EdgeBase, EdgeInputs, RegistrationBase
from entities.edge_registration import RegistrationOutcome
from entities.webhook import Webhook, WebhookBase, WebhookName, WebhookSpec
from genesys_api import EntityId, Flag, Host, Password, Username, WaitSeconds
from lifecycle.config import Section, StackContext, StackOutputRef, put_at, require_sources, unique_names
from lifecycle.outcome import RegistrationStatus

from .trunk_summary import say_adopted, trunk_summary

#: Trunk settings that may come from another stack's output instead of this stack's config.
ReferablePath = Literal[
    "registration.host", "registration.port", "registration.username", "edgeGroupId", "sipProfileId"
]
REFERABLE: tuple[str, ...] = get_args(ReferablePath)


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


def one_trunk_per_registration(trunks: Sequence[TrunkConfig], _stack: Mapping[str, Sequence[Any]]) -> list[str]:
    """An edge group registers a username at a host once: a second trunk with the same would pass preview and
    then fail its create with a conflict, halfway through an `up`."""
    seen: dict[tuple[str, str, str], int] = {}
    for i, trunk in enumerate(trunks):
        group, reg = trunk.edge_group_id, trunk.registration
        if group is None or reg.host is None or reg.username is None:
            continue  # taken from another stack: known only when the edge is written
        key = (group, reg.host.lower(), reg.username)
        if key in seen:
            return [
                f"trunks[{i}].registration: host {reg.host!r} and username {reg.username!r} in edge group "
                f"{group} are already those of trunks[{seen[key]}].registration; an edge group registers "
                "a username at a host once (use another username or edge group)"
            ]
        seen[key] = i
    return []


class TrunkStack(pulumi.ComponentResource):
    """`genesys-trunks:index:TrunkStack`: an edge, its status webhook and its registration outcome."""

    edge: EdgeResource
    webhook: Webhook | None
    registration: RegistrationOutcome
    summary: pulumi.Output[dict[str, Any]]

    def __init__(
        self,
        name: str,
        trunk: TrunkConfig,
        *,
        stack_outputs: dict[str, pulumi.Output[Any]] | None = None,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        """``stack_outputs``: by config path (`registration.host`), the settings taken from other stacks."""
        super().__init__("genesys-trunks:index:TrunkStack", name, None, opts)
        if trunk.adopt:
            say_adopted(self, trunk.name, "trunk with this registration")
        edge_inputs = trunk.edge_inputs()
        for path, value in (stack_outputs or {}).items():
            put_at(edge_inputs, path, value)
        self.edge = EdgeResource(f"{name}-edge", edge_inputs, opts=pulumi.ResourceOptions(parent=self))
        self.webhook = None
        webhook_inputs = trunk.webhook_inputs()
        if webhook_inputs is not None:
            # The resource id stays known in a preview of an in-place update (edgeId would not).
            webhook_inputs["filterCriteria"] = self.edge.id.apply(lambda edge_id: f"resourceIds:[{edge_id}]")
            self.webhook = Webhook(
                f"{name}-status-webhook",
                webhook_inputs,
                opts=pulumi.ResourceOptions(parent=self, depends_on=[self.edge]),
            )
        self.registration = RegistrationOutcome(
            f"{name}-registration",
            trunk=trunk.name,
            edge_id=self.edge.edgeId,
            edge_version=self.edge.version,
            edge_registration=self.edge.registrationState,
            timeout_seconds=trunk.registration_timeout_seconds,
            opts=pulumi.ResourceOptions(parent=self, depends_on=[self.webhook] if self.webhook else []),
        )
        self.registration.status.apply(lambda status: self._warn_on_failure(trunk.name, status))
        self.summary = pulumi.Output.all(
            edge_id=self.edge.edgeId,
            webhook_id=self.webhook.webhookId if self.webhook else None,
            codecs=self.edge.codecs,
            registration=self.edge.registration,
            outcome=self.registration.outcome,
            events=self.registration.events,
        ).apply(trunk_summary)
        # The summary reaches the stack through `trunks`; stored here too it would double the state.
        self.register_outputs({})

    def _warn_on_failure(self, trunk_name: str, status: str | None) -> None:
        if status == RegistrationStatus.FAILED:
            pulumi.log.warn(
                f"trunk {trunk_name!r}: registration with the carrier failed; see trunks.{trunk_name}."
                "registrationReason (fix the registration settings or password and run `pulumi up` again)",
                resource=self,
            )
        elif status == RegistrationStatus.REGISTERING:
            pulumi.log.warn(f"trunk {trunk_name!r}: registration has no outcome yet", resource=self)
        elif status == RegistrationStatus.UNKNOWN:
            pulumi.log.warn(
                f"trunk {trunk_name!r}: the registration outcome could not be read; see trunks.{trunk_name}."
                "registrationReason (the next `pulumi up` reads it again)",
                resource=self,
            )


def trunk_stack(trunk: TrunkConfig, context: StackContext) -> TrunkStack:
    return TrunkStack(trunk.name, trunk, stack_outputs=context.stack_outputs(trunk.from_stacks))


TRUNKS = Section(
    "trunks",
    TrunkConfig,
    trunk_stack,
    required=True,
    rules=(unique_names("trunks", "trunk"), one_trunk_per_registration),
    noun="trunk",
)
