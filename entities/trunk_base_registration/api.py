"""The reads behind a trunk base's registration outcome on the Platform API: the trunk instances the platform
runs for it (with their status), its audit trail, and the notification topics that would carry both."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import UTC, datetime, timedelta

from genesys_api import Call, GenesysClient, paging

from .models import AuditLogMessage, AuditRealtimeQueryResultsResponse, Trunk, TrunkEntityListing

EDGES = "/api/v2/telephony/providers/edges"
TRUNKS = f"{EDGES}/trunks"
AUDITS_REALTIME = "/api/v2/audits/query/realtime"
AVAILABLE_TOPICS = "/api/v2/notifications/availabletopics"
AUDIT_SERVICE = "Telephony"
AUDIT_ENTITY_TYPE = "TrunkBase"
MAX_PAGE_SIZE = 100
AUDIT_PAGE_SIZE = 500
#: How far back audit events are read by default (the realtime query serves about 14 days).
AUDIT_LOOKBACK = timedelta(days=14)


def _iso(moment: datetime) -> str:
    """UTC, whole seconds, as in the API's own examples (a naive time is taken as UTC)."""
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def list_trunks(page_number: int, page_size: int, base_id: str | None = None, trunk_type: str | None = None) -> Call:
    """Trunk instances: of one base, or every one of a type (``EXTERNAL`` for BYOC carriers)."""
    params = paging(page_number, page_size, **{"trunkBase.id": base_id, "trunkType": trunk_type})
    return Call("GET", TRUNKS, TRUNKS, params=params)


def list_available_topics() -> Call:
    """The notification topics the org offers, with the transports that carry each (not paged)."""
    return Call("GET", AVAILABLE_TOPICS, AVAILABLE_TOPICS, params={"expand": "transports"})


def query_audits(
    entity_id: str | None,
    since: datetime,
    until: datetime,
    page_number: int,
    page_size: int,
    filters: Mapping[str, str] | None = None,
    newest_first: bool = False,
) -> Call:
    """Realtime audit query for one trunk base (every one without ``entity_id``: the query filters by one id
    at most), oldest first unless ``newest_first``: a POST that changes nothing (retried)."""
    body = {
        "interval": f"{_iso(since)}/{_iso(until + timedelta(seconds=1))}",
        "serviceName": AUDIT_SERVICE,
        "filters": [
            {"property": "EntityType", "value": AUDIT_ENTITY_TYPE},
            *([{"property": "EntityId", "value": entity_id}] if entity_id is not None else []),
            *({"property": k, "value": v} for k, v in (filters or {}).items()),
        ],
        "sort": [{"name": "Timestamp", "sortOrder": "descending" if newest_first else "ascending"}],
        "pageNumber": page_number,
        "pageSize": page_size,
    }
    return Call("POST", AUDITS_REALTIME, AUDITS_REALTIME, body=body, read_only=True)


def _window(since: datetime | None, until: datetime | None) -> tuple[datetime, datetime]:
    """The audit window: by default the last 14 days."""
    until = until or datetime.now(UTC)
    return since or until - AUDIT_LOOKBACK, until


class TrunkInstancesApi:
    """The instances and audit trail of trunk bases, over a ``GenesysClient``."""

    def __init__(self, client: GenesysClient) -> None:
        self.client = client

    def trunks(self, base_id: str | None = None, trunk_type: str | None = None) -> list[Trunk]:
        """The live trunk instances the platform runs for the base (one per cloud edge), or, without a base,
        every live instance (of ``trunk_type`` when given)."""
        return [t for page in self.trunk_pages(base_id, trunk_type) for t in page]

    def trunk_pages(self, base_id: str | None = None, trunk_type: str | None = None) -> list[list[Trunk]]:
        """``trunks`` page by page: what the list cost."""
        pages = self.client.pages(
            lambda n, size: list_trunks(n, size, base_id, trunk_type),
            TrunkEntityListing.model_validate,
            self.client.page_size_up_to(MAX_PAGE_SIZE),
        )
        return [[t for t in page.entities if not t.deleted] for page in pages]

    def audit_events(
        self,
        base_id: str,
        since: datetime | None = None,
        until: datetime | None = None,
        filters: Mapping[str, str] | None = None,
    ) -> list[AuditLogMessage]:
        """The base's audit trail (service ``Telephony``, entity type ``TrunkBase``), oldest first; by default
        the last 14 days. ``filters`` adds ``Action``/``UserId``/``ClientId`` filters."""
        since, until = _window(since, until)
        pages = self.client.paged(
            lambda n, size: query_audits(base_id, since, until, n, size, filters),
            AuditRealtimeQueryResultsResponse.model_validate,
            AUDIT_PAGE_SIZE,
        )
        return list(pages)

    def every_audit_page(
        self, since: datetime | None = None, until: datetime | None = None
    ) -> Iterator[tuple[list[AuditLogMessage], bool]]:
        """Every trunk base's audit events (by default of the last 14 days), newest first, a page at a time
        with whether it is the last: the next page is read only when asked for."""
        since, until = _window(since, until)
        for page in self.client.pages(
            lambda n, size: query_audits(None, since, until, n, size, newest_first=True),
            AuditRealtimeQueryResultsResponse.model_validate,
            AUDIT_PAGE_SIZE,
        ):
            yield page.entities, not page.has_more(AUDIT_PAGE_SIZE)
