"""The `RegistrationOutcome` dynamic resource (`pulumi-python:dynamic/genesys:Registration`): the outcome of an
edge's registration with its carrier, waited for after the edge's status webhook is made (see
``lifecycle.outcome``)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pulumi
from pydantic import BaseModel, ConfigDict, Field

from genesys_api import EntityId, GenesysApiError, Integer, Text, WaitSeconds
from lifecycle import client_access
from lifecycle.outcome import WAIT_ONLY, OutcomeProvider, OutcomeResource, RegistrationStatus, unread_report
from lifecycle.values import contains_unknown

from .report import registration_report, wait_for_events
from .watch import EdgeRegistration


class EdgeRegistrationState(BaseModel):
    """The Edge's `registrationState` output: its registration as its last write left it."""

    model_config = ConfigDict(extra="forbid")

    status: str | None = None
    reason: str | None = None
    changedAt: datetime | None = None


class OutcomeInputs(BaseModel):
    """The RegistrationOutcome resource's inputs: which write of which edge to wait for, and how long."""

    model_config = ConfigDict(extra="forbid")

    trunk: Text = Field(min_length=1)
    edgeId: EntityId
    #: Changes with every write to the edge, so each write gets its outcome (and audit events) recorded.
    edgeVersion: Integer = Field(ge=1)
    #: None from an Edge recorded before it had this output; its refresh fills it in.
    edgeRegistration: EdgeRegistrationState | None = None
    timeoutSeconds: WaitSeconds = 60

    def edge(self) -> EdgeRegistration:
        state = self.edgeRegistration or EdgeRegistrationState()
        return EdgeRegistration(self.edgeId, state.status, state.reason, state.changedAt)


class RegistrationProvider(OutcomeProvider[OutcomeInputs]):
    """Holds no state: it is pickled by reference into every RegistrationOutcome."""

    inputs_model = OutcomeInputs
    not_a_write = WAIT_ONLY | {"edgeRegistration"}

    def read_again(self, olds: dict[str, Any], inputs: dict[str, Any]) -> bool:
        """The edge's registration state alone changes under a refresh too; it only matters when the recorded
        outcome was still pending and now is not."""
        state = inputs.get("edgeRegistration")
        settled = contains_unknown(state) or (
            isinstance(state, dict) and state.get("status") != RegistrationStatus.REGISTERING
        )
        return super().read_again(olds, inputs) or (olds.get("status") == RegistrationStatus.REGISTERING and settled)

    def outcome(self, model: OutcomeInputs) -> dict[str, Any]:
        edge = model.edge()
        try:
            events = wait_for_events(client_access.client(), edge, model.timeoutSeconds)
        except GenesysApiError as exc:
            # The edge and its webhook are written: failing here would stop the rest of the `up` for a report.
            # Recorded as unknown, the outcome is read again by the next `up`.
            return unread_report(f"reading the edge's registration events failed: {exc}")
        return registration_report(edge, events, model.timeoutSeconds)


class RegistrationOutcome(OutcomeResource, module="genesys", name="Registration"):
    """The registration outcome of an edge's last write, with its audit events (type `genesys:Registration`)."""

    def __init__(
        self,
        resource_name: str,
        *,
        trunk: pulumi.Input[str],
        edge_id: pulumi.Input[str],
        edge_version: pulumi.Input[int],
        edge_registration: pulumi.Input[dict],
        timeout_seconds: pulumi.Input[float] = 60,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        inputs = {
            "trunk": trunk,
            "edgeId": edge_id,
            "edgeVersion": edge_version,
            "edgeRegistration": edge_registration,
            "timeoutSeconds": timeout_seconds,
        }
        super().__init__(RegistrationProvider(), resource_name, inputs, opts)
