"""The Platform API dialect: every path, query and body of the BYOC trunk calls, and the parsing of replies.

Paths follow the official SDK (``telephony_providers_edge_api.py``, ``audit_api.py``). Bodies carry the
password only inside ``Call.body``, which never shows in a repr or a log line.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

from ..dialect import Call, path_segment
from .mapping import property_body, template_defaults
from .models import (
    AuditRealtimeQueryResultsResponse,
    Site,
    SiteEntityListing,
    Trunk,
    TrunkBase,
    TrunkBaseEntityListing,
    TrunkBaseShape,
    TrunkBaseSpec,
    TrunkBaseTemplate,
    TrunkEntityListing,
    TrunkMetabaseEntityListing,
)

EDGES = "/api/v2/telephony/providers/edges"
TRUNK_BASES = f"{EDGES}/trunkbasesettings"
TEMPLATE = f"{TRUNK_BASES}/template"
METABASES = f"{TRUNK_BASES}/availablemetabases"
SITES = f"{EDGES}/sites"
TRUNKS = f"{EDGES}/trunks"
AUDITS_REALTIME = "/api/v2/audits/query/realtime"
AVAILABLE_TOPICS = "/api/v2/notifications/availabletopics"

AUDIT_SERVICE = "Telephony"
AUDIT_ENTITY_TYPE = "TrunkBase"


def _iso(moment: datetime) -> str:
    """UTC, whole seconds, as in the API's own examples (a naive time is taken as UTC)."""
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


class CloudDialect:
    """Genesys Cloud's Platform API for BYOC carrier trunks (trunk base settings, sites, trunks, audits)."""

    name = "cloud"
    token_path = "/oauth/token"
    max_page_size = 100
    """The largest ``pageSize`` the telephony list endpoints are asked for."""
    audit_page_size = 500

    # ------------------------------------------------------------------------------------------ catalog

    def get_template(self, metabase_id: str) -> Call:
        return Call("GET", TEMPLATE, TEMPLATE, params={"trunkMetabaseId": metabase_id})

    def list_metabases(self, page_number: int, page_size: int, trunk_type: str = "EXTERNAL") -> Call:
        params: dict[str, str | int] = {"type": trunk_type, "pageSize": page_size, "pageNumber": page_number}
        return Call("GET", METABASES, METABASES, params=params)

    def get_site(self, site_id: str) -> Call:
        return Call("GET", f"{SITES}/{path_segment(site_id)}", f"{SITES}/{{id}}")

    def list_sites(self, page_number: int, page_size: int, name: str | None = None) -> Call:
        params: dict[str, str | int] = {"pageSize": page_size, "pageNumber": page_number}
        if name is not None:
            params["name"] = name
        return Call("GET", SITES, SITES, params=params)

    # ------------------------------------------------------------------------------------------ trunk bases

    def get_trunk_base(self, base_id: str) -> Call:
        """``ignoreHidden=true``: leave out the properties meant for the platform's own use (as the
        CX-as-Code provider always does)."""
        path = f"{TRUNK_BASES}/{path_segment(base_id)}"
        return Call("GET", path, f"{TRUNK_BASES}/{{id}}", params={"ignoreHidden": "true"})

    def list_trunk_bases(
        self, page_number: int, page_size: int, name: str | None = None, properties: bool = False
    ) -> Call:
        """``properties``: each entry with its properties (``expand=properties``, hidden ones left out as on
        a GET), so that reading every base costs one call per page rather than one per base."""
        params: dict[str, str | int] = {"pageSize": page_size, "pageNumber": page_number}
        if name is not None:
            params["name"] = name
        if properties:
            params.update(expand="properties", ignoreHidden="true")
        return Call("GET", TRUNK_BASES, TRUNK_BASES, params=params)

    def create_trunk_base(self, spec: TrunkBaseSpec, template: TrunkBaseShape | None = None) -> Call:
        return Call("POST", TRUNK_BASES, TRUNK_BASES, body=self.trunk_base_body(spec, template))

    def update_trunk_base(
        self, base_id: str, spec: TrunkBaseSpec, version: int, template: TrunkBaseShape | None = None
    ) -> Call:
        body = {**self.trunk_base_body(spec, template), "version": version}
        return Call("PUT", f"{TRUNK_BASES}/{path_segment(base_id)}", f"{TRUNK_BASES}/{{id}}", body=body)

    def delete_trunk_base(self, base_id: str) -> Call:
        return Call("DELETE", f"{TRUNK_BASES}/{path_segment(base_id)}", f"{TRUNK_BASES}/{{id}}")

    def trunk_base_body(self, spec: TrunkBaseSpec, template: TrunkBaseShape | None = None) -> dict[str, Any]:
        """The whole ``TrunkBase`` to write: the template's defaults for every key the spec leaves out (when
        a template is given), then the spec's values. Secrets come only from the spec."""
        values: dict[str, Any] = template_defaults(template) if template is not None else {}
        values.update(spec.properties)
        body: dict[str, Any] = {
            "name": spec.name,
            "state": "active",
            "trunkType": spec.trunk_type,
            "managed": False,
            "trunkMetabase": {"id": spec.trunk_metabase_id},
            "properties": property_body(values),
        }
        if spec.description is not None:
            body["description"] = spec.description
        if spec.inbound_site_id is not None:
            body["inboundSite"] = {"id": spec.inbound_site_id}
        if spec.site_id is not None:
            body["site"] = {"id": spec.site_id}
        return body

    # ------------------------------------------------------------------------------------------ trunk instances

    def list_trunks(
        self, page_number: int, page_size: int, base_id: str | None = None, trunk_type: str | None = None
    ) -> Call:
        """Trunk instances: of one base, or every one of a type (``EXTERNAL`` for BYOC carriers)."""
        params: dict[str, str | int] = {"pageSize": page_size, "pageNumber": page_number}
        if base_id is not None:
            params["trunkBase.id"] = base_id
        if trunk_type is not None:
            params["trunkType"] = trunk_type
        return Call("GET", TRUNKS, TRUNKS, params=params)

    # ------------------------------------------------------------------------------------------ notifications

    def list_available_topics(self) -> Call:
        """The notification topics the org offers, with the transports that carry each (not paged)."""
        return Call("GET", AVAILABLE_TOPICS, AVAILABLE_TOPICS, params={"expand": "transports"})

    # ------------------------------------------------------------------------------------------ audits

    def query_audits(
        self,
        entity_id: str,
        since: datetime,
        until: datetime,
        page_number: int,
        page_size: int,
        filters: Mapping[str, str] | None = None,
    ) -> Call:
        """Realtime audit query for one trunk base, oldest first: a POST that changes nothing (retried)."""
        body = {
            "interval": f"{_iso(since)}/{_iso(until + timedelta(seconds=1))}",
            "serviceName": AUDIT_SERVICE,
            "filters": [
                {"property": "EntityType", "value": AUDIT_ENTITY_TYPE},
                {"property": "EntityId", "value": entity_id},
                *({"property": k, "value": v} for k, v in (filters or {}).items()),
            ],
            "sort": [{"name": "Timestamp", "sortOrder": "ascending"}],
            "pageNumber": page_number,
            "pageSize": page_size,
        }
        return Call("POST", AUDITS_REALTIME, AUDITS_REALTIME, body=body, read_only=True)

    # ------------------------------------------------------------------------------------------ parsing

    def parse_trunk_base(self, data: Any) -> TrunkBase:
        return TrunkBase.model_validate(data)

    def parse_template(self, data: Any) -> TrunkBaseTemplate:
        return TrunkBaseTemplate.model_validate(data)

    def parse_trunk_base_page(self, data: Any) -> TrunkBaseEntityListing:
        return TrunkBaseEntityListing.model_validate(data)

    def parse_metabase_page(self, data: Any) -> TrunkMetabaseEntityListing:
        return TrunkMetabaseEntityListing.model_validate(data)

    def parse_site(self, data: Any) -> Site:
        return Site.model_validate(data)

    def parse_site_page(self, data: Any) -> SiteEntityListing:
        return SiteEntityListing.model_validate(data)

    def parse_trunk(self, data: Any) -> Trunk:
        return Trunk.model_validate(data)

    def parse_trunk_page(self, data: Any) -> TrunkEntityListing:
        return TrunkEntityListing.model_validate(data)

    def parse_audit_page(self, data: Any) -> AuditRealtimeQueryResultsResponse:
        return AuditRealtimeQueryResultsResponse.model_validate(data)
