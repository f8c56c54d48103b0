"""An edge's registration outcome (seed dialect): waited for after its last write, read from the analytics
events (``events``), in polling rounds shared by every waiting edge (``watch``), reported per trunk
(``report``) by the `RegistrationOutcome` resource (``provider``)."""

from .events import EVENT_TYPES, STATUS_EVENTS, Event, EventActor, read_events
from .provider import OutcomeInputs, RegistrationOutcome, RegistrationProvider
from .watch import EdgeRegistration, RegistrationWatcher

__all__ = [
    "EVENT_TYPES",
    "STATUS_EVENTS",
    "EdgeRegistration",
    "Event",
    "EventActor",
    "OutcomeInputs",
    "RegistrationOutcome",
    "RegistrationProvider",
    "RegistrationWatcher",
    "read_events",
]
