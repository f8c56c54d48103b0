"""Trunk bases waiting for their instances' outcome in this process, sharing each polling round.

A few bases read their own instances; more share one paged list of every BYOC (``EXTERNAL``) instance, so a
50-trunk `up` spends a page or two per round instead of fifty reads. A few: as many as that list has pages
(until a round has read it, ``PER_BASE_UP_TO``), so a round never reads more than the list would cost. The
bases a round settles have their audit events read in that round too, in one query for all of them
(``audits``).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime

from entities.trunk_base.models import EXTERNAL
from genesys_api import GenesysApiError, GenesysClient
from lifecycle.outcome import KEPT_EVENTS, RegistrationStatus
from lifecycle.polling import PollingWatcher, seconds_until

from .api import TrunkInstancesApi
from .audits import newest_events
from .models import AuditLogMessage, Trunk
from .status import TrunkBaseStatus, roll_up

#: Seconds between reads of the waiting bases' trunk instances. A round that settles bases costs two requests (their
#: instances and their audits): at 0.75 s, 160 of an org's 300 a minute at most while trunks wait.
ROUND_SECONDS = 0.75
#: Seconds from a base's write to the first read of its instances: the platform has not connected anything the
#: moment a write returns.
FIRST_LOOK_SECONDS = 1.0
#: Up to this many bases waiting, a round reads each one's instances, until a round has learned how many pages
#: the list of every BYOC instance has.
PER_BASE_UP_TO = 3


@dataclass(frozen=True)
class BaseReading:
    """What the rounds read of one trunk base: its live instances and, once settled, its newest audit events
    (oldest first), or the error that kept them from being read."""

    instances: list[Trunk] = field(default_factory=list)
    events: list[AuditLogMessage] = field(default_factory=list)
    events_error: GenesysApiError | None = None

    @property
    def status(self) -> TrunkBaseStatus:
        return roll_up(self.instances)


class TrunkInstanceWatcher(PollingWatcher[BaseReading]):
    """Trunk bases waiting for their instances' outcome, sharing each round."""

    def __init__(
        self,
        api: GenesysClient,
        sleep: Callable[[float], None] | None = None,
        clock: Callable[[], float] | None = None,
    ) -> None:
        super().__init__(
            self._instances,
            BaseReading,
            sleep=sleep,
            clock=clock,
            round_seconds=ROUND_SECONDS,
            settled=self._with_events,
        )
        self._trunks = TrunkInstancesApi(api)
        self._per_base_up_to = PER_BASE_UP_TO

    def wait(self, base_id: str, timeout: float, written_at: datetime | None = None) -> BaseReading:
        """The base's instances and audit events once its instances exist and none is registering, or at
        ``timeout``; ``written_at``: when the base was written (the API's time)."""
        return self.watch(
            base_id,
            timeout,
            lambda found: bool(found.instances) and found.status.status != RegistrationStatus.REGISTERING,
            seconds_until(written_at, FIRST_LOOK_SECONDS),
        )

    def _instances(self, base_ids: set[str]) -> dict[str, BaseReading]:
        if len(base_ids) <= self._per_base_up_to:
            return {base_id: BaseReading(self._trunks.trunks(base_id)) for base_id in base_ids}
        pages = self._trunks.trunk_pages(trunk_type=EXTERNAL)
        self._per_base_up_to = len(pages)
        by_base: dict[str, list[Trunk]] = defaultdict(list)
        for instance in (t for page in pages for t in page):
            if instance.trunk_base is not None and instance.trunk_base.id in base_ids:
                by_base[instance.trunk_base.id].append(instance)
        return {base_id: BaseReading(instances) for base_id, instances in by_base.items()}

    def _with_events(self, settled: dict[str, BaseReading]) -> dict[str, BaseReading]:
        """The settled bases' readings with their audit events: a report beside the outcome (with its own
        scope), so an error reading them is kept for the outcome to say, not raised."""
        try:
            events = newest_events(self._trunks, settled, KEPT_EVENTS)
        except GenesysApiError as exc:
            return {base_id: replace(reading, events_error=exc) for base_id, reading in settled.items()}
        return {base_id: replace(reading, events=events.get(base_id, [])) for base_id, reading in settled.items()}
