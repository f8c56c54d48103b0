"""CloudTrunkStack: one BYOC carrier trunk on the Platform API, the cloud dialect's TrunkStack.

Declares the TrunkBase (whose check validates its settings against its metabase's template and its sites
before anything is created) and the TrunkBaseOutcome that waits for the registration outcome of the
base's last write on the trunk instances the platform runs for it, and records the base's audit events.
Its summary has the seed's shape, so a consumer stack reads both dialects alike.
"""

from __future__ import annotations

from typing import Any

import pulumi

from providers.registration_status import RegistrationStatus
from providers.trunk_base import TrunkBase
from providers.trunk_base_outcome import TrunkBaseOutcome

from .cloud_trunk_config import CloudTrunkConfig
from .trunk_config import put_at
from .trunk_stack import say_adopted, trunk_summary


class CloudTrunkStack(pulumi.ComponentResource):
    """`genesys-trunks:index:TrunkStack` in the cloud dialect: a trunk base and its registration outcome."""

    trunk_base: TrunkBase
    registration: TrunkBaseOutcome
    summary: pulumi.Output[dict[str, Any]]

    def __init__(
        self,
        name: str,
        trunk: CloudTrunkConfig,
        *,
        stack_outputs: dict[str, pulumi.Output[Any]] | None = None,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        """``stack_outputs``: by config path (`carrier.host`), the settings taken from other stacks."""
        super().__init__("genesys-trunks:index:TrunkStack", name, None, opts)
        if trunk.adopt:
            say_adopted(self, trunk.name, "trunk base with this name")
        inputs = trunk.trunk_base_inputs()
        for path, value in (stack_outputs or {}).items():
            put_at(inputs, path, value)
        self.trunk_base = TrunkBase(f"{name}-trunk-base", inputs, opts=pulumi.ResourceOptions(parent=self))
        self.registration = TrunkBaseOutcome(
            f"{name}-registration",
            trunk=trunk.name,
            trunk_base_id=self.trunk_base.trunkBaseId,
            trunk_base_version=self.trunk_base.version,
            written_at=self.trunk_base.dateModified,
            timeout_seconds=trunk.registration_timeout_seconds,
            opts=pulumi.ResourceOptions(parent=self),
        )
        self.registration.status.apply(lambda status: self._warn_on_failure(trunk.name, status))
        self.summary = pulumi.Output.all(
            trunk_base_id=self.trunk_base.trunkBaseId,
            codecs=self.trunk_base.codecs,
            carrier=self.trunk_base.carrier,
            outcome=self.registration.outcome,
            events=self.registration.events,
            instances=self.registration.instances,
        ).apply(cloud_trunk_summary)
        self.register_outputs({})

    def _warn_on_failure(self, trunk_name: str, status: str | None) -> None:
        if status == RegistrationStatus.FAILED:
            pulumi.log.warn(
                f"trunk {trunk_name!r}: the carrier refused or did not answer; see trunks.{trunk_name}."
                "registrationReason (fix carrier or credentials and run `pulumi up` again)",
                resource=self,
            )
        elif status in (RegistrationStatus.REGISTERING, RegistrationStatus.UNKNOWN):
            pulumi.log.warn(
                f"trunk {trunk_name!r}: no registration outcome yet; see trunks.{trunk_name}.registrationReason",
                resource=self,
            )


def cloud_trunk_summary(values: dict[str, Any]) -> dict[str, Any]:
    """One entry of the stack's `trunks` output, in the seed's shape plus the trunk base and its instances."""
    instances = values["instances"] or []
    seed_shape = trunk_summary({**values, "edge_id": None, "webhook_id": None, "registration": values["carrier"]})
    return {
        "trunkBaseId": values["trunk_base_id"],
        "trunkIds": [i["trunkId"] for i in instances],
        **seed_shape,
        "instances": instances,
    }
