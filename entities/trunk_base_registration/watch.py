"""Trunk bases waiting for their instances' outcome in this process, sharing each polling round.

A few bases read their own instances; more share one paged list of every BYOC (``EXTERNAL``) instance, so a
50-trunk `up` spends a page or two per round instead of fifty reads.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable

from entities.trunk_base.models import EXTERNAL
from genesys_api import GenesysClient
from lifecycle.outcome import RegistrationStatus
from lifecycle.polling import PollingWatcher

from .api import TrunkInstancesApi
from .models import Trunk
from .status import TrunkBaseStatus, roll_up

#: Seconds between reads of a base's trunk instances while it registers (the first read waits this long too:
#: the platform has not connected anything the moment a write returns).
ROUND_SECONDS = 1.0
#: Up to this many bases waiting, a round reads each one's instances (as cheap as one page of all of them).
PER_BASE_UP_TO = 3


class TrunkInstanceWatcher(PollingWatcher[list[Trunk]]):
    """Trunk bases waiting for their instances' outcome, sharing each round."""

    def __init__(
        self,
        api: GenesysClient,
        sleep: Callable[[float], None] | None = None,
        clock: Callable[[], float] | None = None,
    ) -> None:
        super().__init__(self._instances, list, sleep=sleep, clock=clock, round_seconds=ROUND_SECONDS)
        self._trunks = TrunkInstancesApi(api)

    def wait(self, base_id: str, timeout: float) -> TrunkBaseStatus:
        """The base's rolled-up status once its instances exist and none is registering, or at ``timeout``."""
        trunks = self.watch(
            base_id, timeout, lambda found: bool(found) and roll_up(found).status != RegistrationStatus.REGISTERING
        )
        return roll_up(trunks)

    def _instances(self, base_ids: set[str]) -> dict[str, list[Trunk]]:
        if len(base_ids) <= PER_BASE_UP_TO:
            return {base_id: self._trunks.trunks(base_id) for base_id in base_ids}
        by_base: dict[str, list[Trunk]] = defaultdict(list)
        for instance in self._trunks.trunks(trunk_type=EXTERNAL):
            if instance.trunk_base is not None and instance.trunk_base.id in base_ids:
                by_base[instance.trunk_base.id].append(instance)
        return by_base
