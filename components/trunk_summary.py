"""What both dialects' trunks say the same way: a trunk's entry in the stack's `trunks` output, and the
preview line of a trunk that takes an existing one over."""

from __future__ import annotations

from typing import Any

import pulumi


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
