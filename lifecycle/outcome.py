"""Resources that record a trunk's registration outcome: shared by every dialect's outcome entity.

A trunk registers with its carrier some time after a write. Waiting for that in the write's own create would
hold back everything that depends on the trunk (the seed's status webhook first, which would then miss the
events it subscribes to). So the entity returns once written, and an outcome resource declared after it waits
(bounded) for the outcome of its last write and records it with its audit events. It owns nothing in Genesys:
delete is a no-op, and refresh keeps what it recorded.
"""

from __future__ import annotations

import uuid
from enum import StrEnum
from typing import Any, ClassVar

import pulumi
from pulumi.dynamic import CreateResult, DiffResult, ReadResult, Resource, UpdateResult

from .errors import concise_errors
from .validated_provider import InputsT, ValidatedProvider
from .values import contains_unknown, user_inputs


class RegistrationStatus(StrEnum):
    """A trunk's registration with its carrier, as the API reports it and as recorded here."""

    REGISTERING = "registering"
    """The trunk registers: no outcome yet."""
    REGISTERED = "registered"
    FAILED = "failed"
    UNKNOWN = "unknown"
    """Not an API status: the outcome could not be read (the next `pulumi up` reads it again)."""


#: Inputs that shape the wait, not what is waited for: never a reason to wait again.
WAIT_ONLY = frozenset({"timeoutSeconds"})
#: The outputs of every registration outcome beside its inputs.
OUTCOME_OUTPUTS = ("status", "outcome", "events")
#: Audit and registration events of a trunk kept in the outputs, newest last.
KEPT_EVENTS = 20


def unread_report(reason: str) -> dict[str, Any]:
    """The outcome when it could not be read: unknown, and why."""
    return {
        "status": RegistrationStatus.UNKNOWN,
        "outcome": {"status": RegistrationStatus.UNKNOWN, "reason": reason, "latencySeconds": None, "at": None},
        "events": [],
    }


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
