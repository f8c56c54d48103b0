"""TrunkStack: one Connect trunk the Pulumi way, as the seed's ProvisionTrunk did it imperatively.

Declares the Edge (whose check validates its codecs against its SIP profile and group before
anything is created), a Webhook subscribed to that edge's status events when a target is
configured, and the Registration that waits for the outcome of the edge's last write and records
the audit trail. The Edge does not wait for its carrier, so the webhook is made while the edge
registers and delivers that outcome too; the Registration waits after the webhook, so waits never
hold the engine's slots while webhooks queue.
"""

from __future__ import annotations

from typing import Any

import pulumi

from providers.edge import Edge
from providers.registration import Registration
from providers.webhook import Webhook

from .trunk_config import TrunkConfig


class TrunkStack(pulumi.ComponentResource):
    """`genesys-trunks:index:TrunkStack`: an edge, its status webhook and its registration outcome."""

    edge: Edge
    webhook: Webhook | None
    registration: Registration
    summary: pulumi.Output[dict[str, Any]]

    def __init__(
        self,
        name: str,
        trunk: TrunkConfig,
        *,
        stack_outputs: dict[str, pulumi.Output[Any]] | None = None,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        super().__init__("genesys-trunks:index:TrunkStack", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        refs = stack_outputs or {}

        def setting(path: str, configured: Any) -> Any:
            return refs.get(path, configured)

        registration = {
            "type": trunk.registration.type,
            "host": setting("registration.host", trunk.registration.host),
            "port": setting("registration.port", trunk.registration.port),
            "username": setting("registration.username", trunk.registration.username),
        }
        self.edge = Edge(
            f"{name}-edge",
            name=trunk.name,
            edge_group_id=setting("edgeGroupId", trunk.edgeGroupId),
            sip_profile_id=setting("sipProfileId", trunk.sipProfileId),
            max_concurrent_sessions=trunk.maxConcurrentSessions,
            codecs=list(trunk.codecs),
            registration=registration,
            registration_password=trunk.registration.password,
            health_probe=trunk.healthProbe.model_dump(by_alias=True),
            description=trunk.description,
            adopt=trunk.adopt,
            opts=child,
        )
        self.webhook = None
        if trunk.webhook is not None:
            self.webhook = Webhook(
                f"{name}-status-webhook",
                name=trunk.webhook.name or f"{trunk.name} status",
                description=f"Status and registration events of trunk {trunk.name}",
                target_uri=trunk.webhook.targetUri,
                event_types=trunk.webhook.eventTypes,
                # The resource id stays known in a preview of an in-place update (edgeId would not).
                filter_criteria=self.edge.id.apply(lambda edge_id: f"resourceIds:[{edge_id}]"),
                headers=trunk.webhook.headers,
                opts=pulumi.ResourceOptions(parent=self, depends_on=[self.edge]),
            )
        self.registration = Registration(
            f"{name}-registration",
            trunk=trunk.name,
            edge_id=self.edge.edgeId,
            edge_version=self.edge.version,
            edge_registration=self.edge.registrationState,
            timeout_seconds=trunk.registrationTimeoutSeconds,
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
        if status == "failed":
            pulumi.log.warn(
                f"trunk {trunk_name!r}: registration with the carrier failed; see trunks.{trunk_name}."
                "registrationReason (fix the registration settings or password and run `pulumi up` again)",
                resource=self,
            )
        elif status == "registering":
            pulumi.log.warn(f"trunk {trunk_name!r}: registration has no outcome yet", resource=self)
        elif status == "unknown":
            pulumi.log.warn(
                f"trunk {trunk_name!r}: the registration outcome could not be read; see trunks.{trunk_name}."
                "registrationReason (the next `pulumi up` reads it again)",
                resource=self,
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
