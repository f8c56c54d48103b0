"""The notification topics an org offers (``GET /api/v2/notifications/availabletopics``): the trunk topics and a
few neighbours, in the shape of the SDK's ``AvailableTopicEntityListing``.

Public code subscribes to the trunk topics over WebSocket only and no source lists them for EventBridge, so
the emulator offers them on ``Websocket`` alone; a real org answers for itself (the doctor reports what it
says). ``transports`` and ``schema`` are shown only when asked for with ``expand``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

TOPICS_PATH = "/api/v2/notifications/availabletopics"
EXPANDABLE = frozenset({"description", "requiresPermissions", "enforced", "schema", "visibility", "transports"})


@dataclass(frozen=True)
class Topic:
    id: str
    description: str
    permissions: tuple[str, ...]
    transports: tuple[str, ...]
    parameters: tuple[str, ...] = ("id",)

    def doc(self, expand: set[str]) -> dict[str, Any]:
        doc: dict[str, Any] = {
            "id": self.id,
            "requiresPermissions": list(self.permissions),
            "requiresDivisionPermissions": False,
            "requiresAnyValidator": False,
            "enforced": True,
            "visibility": "Public",
            "requiresCurrentUser": False,
            "requiresCurrentUserOrPermission": False,
            "permissionDetails": [
                {
                    "type": "requiresPermissions",
                    "permissions": list(self.permissions),
                    "allowsCurrentUser": False,
                    "enforced": True,
                }
            ],
            "publicApiTemplateUriPaths": [],
            "topicParameters": list(self.parameters),
        }
        if "description" in expand:
            doc["description"] = self.description
        if "transports" in expand:
            doc["transports"] = list(self.transports)
        if "schema" in expand:
            doc["schema"] = {"type": "object", "id": self.id.replace("{id}", "id")}
        return doc


TOPICS: tuple[Topic, ...] = (
    Topic(
        "v2.telephony.providers.edges.trunks.{id}",
        "A trunk's status changed (connected, registers, options, in service).",
        ("telephony:plugin:all",),
        ("Websocket",),
    ),
    Topic(
        "v2.telephony.providers.edges.trunks.{id}.metrics",
        "A trunk's call and media metrics.",
        ("telephony:plugin:all",),
        ("Websocket",),
    ),
    Topic(
        "v2.telephony.providers.edges.{id}",
        "An Edge's status changed.",
        ("telephony:plugin:all",),
        ("Websocket",),
    ),
    Topic(
        "v2.operations.events.{id}",
        "A system event of the org's operations.",
        ("operations:event:view",),
        ("All",),
    ),
)


def listing(expand: set[str]) -> dict[str, Any]:
    """Every topic; the listing is not paged (the SDK's model has ``entities`` only)."""
    return {"entities": [t.doc(expand) for t in TOPICS]}
