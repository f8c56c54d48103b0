"""The `RegistrationOutcome` dynamic resource: the outcome of an edge's registration with its carrier.

An edge registers asynchronously after a write. Waiting for that in the Edge's own create would hold
back everything that depends on the edge, the status webhook first, which would then miss the very
events it subscribes to. So the Edge returns once written, and this resource (declared after the
webhook) waits for the outcome of the edge's last write and records it with the edge's audit events.
It owns nothing in Genesys: delete is a no-op, and refresh keeps what it recorded.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any, ClassVar

import pulumi
from pulumi.dynamic import CreateResult, DiffResult, ReadResult, Resource, UpdateResult
from pydantic import BaseModel, ConfigDict, Field

from genesys_api import GenesysApiError
from genesys_api.fields import EntityId, Integer, Text, WaitSeconds

from . import client_access
from .provider_errors import concise_errors
from .registration_outcome import registration_report, unread_report, wait_for_events
from .registration_status import RegistrationStatus
from .registration_watch import EdgeRegistration
from .validated_provider import InputsT, ValidatedProvider
from .values import contains_unknown, user_inputs

#: Inputs that shape the wait, not what is waited for: never a reason to wait again.
WAIT_ONLY = frozenset({"timeoutSeconds"})


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


class OutcomeProvider(ValidatedProvider[InputsT]):
    """The lifecycle of a resource that records a trunk's registration outcome: create and update wait for
    it (``outcome``), refresh keeps what was recorded, and delete has nothing to delete in Genesys."""

    #: Inputs whose change is no new write to wait for (the wait's length; what ``read_again`` judges).
    not_a_write: ClassVar[frozenset[str]] = WAIT_ONLY

    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        """A new write is a new outcome to wait for; an outcome may also want reading again."""
        inputs = user_inputs(news)
        written = any(
            key not in self.not_a_write and (contains_unknown(value) or olds.get(key) != value)
            for key, value in inputs.items()
        )
        return DiffResult(changes=written or self.read_again(olds, inputs), replaces=[], delete_before_replace=False)

    def read_again(self, olds: dict[str, Any], _inputs: dict[str, Any]) -> bool:
        """An unknown outcome is read again by every `up` until it is known."""
        return bool(olds.get("status") == RegistrationStatus.UNKNOWN)

    def outcome(self, model: InputsT) -> dict[str, Any]:
        """``{status, outcome, events, ...}``: the outputs beside the inputs."""
        raise NotImplementedError

    @concise_errors
    def create(self, props: dict[str, Any]) -> CreateResult:
        inputs = user_inputs(props)
        return CreateResult(id_=uuid.uuid4().hex, outs={**inputs, **self.outcome(self.desired(inputs))})

    @concise_errors
    def update(self, _id: str, _olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        inputs = user_inputs(news)
        return UpdateResult(outs={**inputs, **self.outcome(self.desired(inputs))})

    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        return ReadResult(id_=id_, outs=user_inputs(props), inputs=self.recorded_inputs(props))

    def delete(self, _id: str, _props: dict[str, Any]) -> None:
        """Nothing in Genesys belongs to it."""


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


#: The outputs of every registration outcome beside its inputs.
OUTCOME_OUTPUTS = ("status", "outcome", "events")


class OutcomeResource(Resource):
    """The registration outcome of a trunk's last write, with its events; a subclass names the outputs it
    has beside these."""

    own_outputs: ClassVar[tuple[str, ...]] = ()

    status: pulumi.Output[str]
    """`registered`, `failed`, `registering` when no outcome arrived within the timeout, or `unknown` when
    the events could not be read (the next `up` reads them again): a ``RegistrationStatus``."""
    outcome: pulumi.Output[dict]
    """{status, reason, latencySeconds, at}."""
    events: pulumi.Output[list]
    """The trunk's audit (and, on the seed's API, registration) events [{type, time, actor}], newest last."""

    def __init__(
        self,
        provider: OutcomeProvider[Any],
        resource_name: str,
        inputs: dict[str, Any],
        opts: pulumi.ResourceOptions | None,
    ) -> None:
        props = {**inputs, **dict.fromkeys((*OUTCOME_OUTPUTS, *self.own_outputs))}
        super().__init__(provider, resource_name, props, opts)


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
