"""A trunk base's registration outcome (cloud dialect): the trunk instances the platform runs for it
(``models``, ``api``), rolled up (``status``), polled in shared rounds (``watch``) that also read the settled
bases' audit events together (``audits``), and recorded by the `TrunkBaseOutcome` resource (``provider``)."""

from .api import TrunkInstancesApi
from .models import AuditLogMessage, Trunk
from .provider import TrunkBaseOutcome, TrunkBaseOutcomeProvider, outcome_report
from .status import InstanceStatus, TrunkBaseStatus, instance_status, roll_up
from .watch import BaseReading, TrunkInstanceWatcher

__all__ = [
    "AuditLogMessage",
    "BaseReading",
    "InstanceStatus",
    "Trunk",
    "TrunkBaseOutcome",
    "TrunkBaseOutcomeProvider",
    "TrunkBaseStatus",
    "TrunkInstanceWatcher",
    "TrunkInstancesApi",
    "instance_status",
    "outcome_report",
    "roll_up",
]
