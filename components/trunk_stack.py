"""TrunkStack: one Connect trunk the Pulumi way, as the seed's ProvisionTrunk did it imperatively.

Declares the Edge (whose check validates its codecs against its SIP profile and group before
anything is created), a Webhook subscribed to that edge's status events when a target is
configured, and the RegistrationOutcome that waits for the outcome of the edge's last write and records
the audit trail. The Edge does not wait for its carrier, so the webhook is made while the edge
registers and delivers that outcome too; the RegistrationOutcome waits after the webhook, so waits never
hold the engine's slots while webhooks queue.
"""

from __future__ import annotations

from typing import Any

import pulumi

from providers.edge import Edge
from providers.registration import RegistrationOutcome
from providers.registration_status import RegistrationStatus
from providers.webhook import Webhook

from .trunk_config import TrunkConfig, put_at


class TrunkStack(pulumi.ComponentResource):
    """`genesys-trunks:index:TrunkStack`: an edge, its status webhook and its registration outcome."""

    edge: Edge
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
        self.edge = Edge(f"{name}-edge", edge_inputs, opts=pulumi.ResourceOptions(parent=self))
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


def say_adopted(stack: pulumi.ComponentResource, trunk_name: str, existing: str) -> None:
    """Shown by `pulumi preview` and `up`, so that taking an org's entity over is never a surprise."""
    pulumi.log.info(
        f"trunk {trunk_name!r}: adopt: when it is created, an existing {existing} is taken over instead; "
        "its settings are written over it and the password set",
        resource=stack,
    )


def trunk_summary(values: dict[str, Any]) -> dict[str, Any]:
    """One entry of the stack's `trunks` output: what other stacks and operators need."""
    outcome = values["outcome"] or {}
    return {
        "edgeId": values["edge_id"],
        "webhookId": values["webhook_id"],
        "codecs": values["codecs"],
        "registrationHost": (values["registration"] or {}).get("host"),
        "registrationStatus": outcome.get("status"),
        "registrationReason": outcome.get("reason"),
        "registrationLatencySeconds": outcome.get("latencySeconds"),
        "auditEvents": values["events"] or [],
    }
