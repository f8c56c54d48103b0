"""The engine floor: per trunk, a component with an edge-like, a webhook-like and (when the program has
one) an audit-like resource, wired as genesys-trunks wires them; none of them calls any API.

Config: `trunks` (how many), `perTrunk` (dynamic resources per trunk, 1..3, to match the program),
`sessions` (the one field the update step changes), `webhook` (false: the program has no webhook, as the
cloud dialect's has none: its second resource is the audit-like one, which every write of the edge-like
one updates).
"""

from __future__ import annotations

from typing import Any

import pulumi
from noop_provider import Noop


class FloorTrunk(pulumi.ComponentResource):
    def __init__(self, name: str, sessions: int, per_trunk: int, with_webhook: bool = True) -> None:
        super().__init__("bench-floor:index:TrunkStack", name, None, None)
        child = pulumi.ResourceOptions(parent=self)
        edge = Noop(f"{name}-edge", {"name": name, "maxConcurrentSessions": sessions}, child)
        parts: dict[str, pulumi.Output[Any]] = {"edge": edge.entityId}
        after: list[pulumi.Resource] = []
        if per_trunk >= 2 and with_webhook:
            webhook = Noop(
                f"{name}-status-webhook",
                {"name": f"{name} status", "filterCriteria": edge.entityId.apply(lambda i: f"resourceIds:[{i}]")},
                pulumi.ResourceOptions(parent=self, depends_on=[edge]),
            )
            parts["webhook"] = webhook.entityId
            after.append(webhook)
        if per_trunk >= (3 if with_webhook else 2):
            audit = Noop(
                f"{name}-registration",
                {"edgeId": edge.entityId, "edgeVersion": edge.version},
                pulumi.ResourceOptions(parent=self, depends_on=after),
            )
            parts["audit"] = audit.version
        self.summary = pulumi.Output.all(**parts)
        self.register_outputs({"summary": self.summary})


config = pulumi.Config()
sessions = config.get_int("sessions") or 100
per_trunk = config.get_int("perTrunk") or 3
with_webhook = config.get_bool("webhook") is not False
trunks = {f"t{i}": FloorTrunk(f"t{i}", sessions, per_trunk, with_webhook) for i in range(config.get_int("trunks") or 1)}
pulumi.export("trunks", {name: t.summary for name, t in trunks.items()})
