"""Platform API replies shaped as the official SDK's models, for the cloud dialect's unit tests."""

from __future__ import annotations

from typing import Any

BASES = "/api/v2/telephony/providers/edges/trunkbasesettings"
TEMPLATE = f"{BASES}/template"
SITES = "/api/v2/telephony/providers/edges/sites"
TRUNKS = "/api/v2/telephony/providers/edges/trunks"
AUDITS = "/api/v2/audits/query/realtime"
METABASE = "external_sip_pcv_byoc_carrier.json"
SITE_ID = "5d1a7e0c-2b3f-4c5d-8e9f-0a1b2c3d4e01"
BASE_ID = "b7a1c2d3-0000-4000-8000-000000000001"
PASSWORD = "carrier-pw-7f6e5d"


def prop(kind: str, default: Any, instance: Any = None, **schema: Any) -> dict[str, Any]:
    return {"type": kind, "value": {"default": default, "instance": instance}, **schema}


def template() -> dict[str, Any]:
    """The BYOC carrier template: keys and constraints as the public sources show them."""
    return {
        "name": "Generic BYOC Carrier",
        "state": "active",
        "trunkType": "EXTERNAL",
        "trunkMetabase": {"id": METABASE, "name": "Generic BYOC Carrier"},
        "properties": {
            "trunk_type": prop("string", "external.pcv.byoc.carrier"),
            "trunk_label": prop("string", ""),
            "trunk_enabled": prop("boolean", True),
            "trunk_maxDialTimeout": prop("string", "2m"),
            "trunk_transport_serverProxyList": prop(
                "array", None, items={"type": "string"}, uniqueItems=True, required=True
            ),
            "trunk_transport_protocolVariant": prop("string", "udp", enum=["udp", "tcp", "tls"]),
            "trunk_sip_authentication_credentials_realm": prop("string", ""),
            "trunk_sip_authentication_credentials_username": prop("string", ""),
            "trunk_sip_authentication_credentials_password": prop("string", ""),
            "trunk_media_codec": prop(
                "array",
                ["audio/opus", "audio/pcmu", "audio/pcma"],
                items={
                    "type": "string",
                    "enum": ["audio/opus", "audio/pcmu", "audio/pcma", "audio/g729", "audio/g722"],
                },
                uniqueItems=True,
            ),
            "trunk_media_dtmf_payload": prop("integer", 101, minimum=96, maximum=127),
            "trunk_outboundIdentity_callingName": prop("string", "", pattern=r"^[\S ]{0,40}$"),
        },
    }


def base(
    base_id: str = BASE_ID, name: str = "Carrier-A", version: int = 1, state: str = "active", **instances: Any
) -> dict[str, Any]:
    """A trunk base as a GET returns it (every property in the template's shape)."""
    properties: dict[str, Any] = template()["properties"]
    for key, value in instances.items():
        properties[key]["value"]["instance"] = value
    properties["trunk_sip_authentication_credentials_password"]["value"]["instance"] = "********"
    return {
        "id": base_id,
        "name": name,
        "version": version,
        "state": state,
        "trunkType": "EXTERNAL",
        "managed": False,
        "trunkMetabase": {"id": METABASE, "name": "Generic BYOC Carrier"},
        "inboundSite": {"id": SITE_ID, "name": "Cloud BYOC Site"},
        "properties": properties,
        "selfUri": f"{BASES}/{base_id}",
    }


def listing(entities: list[dict[str, Any]], page: int = 1, page_count: int = 1, size: int = 100) -> dict[str, Any]:
    return {
        "entities": entities,
        "pageSize": size,
        "pageNumber": page,
        "total": len(entities),
        "pageCount": page_count,
    }


def error(status: int, message: str, code: str = "bad.request") -> dict[str, Any]:
    return {"message": message, "code": code, "status": status, "contextId": "ctx-1", "details": [], "errors": []}


def trunk(
    trunk_id: str = "t1",
    connected: bool | None = True,
    registers: list[dict[str, Any]] | None = None,
    options: list[dict[str, Any]] | None = None,
    in_service: bool | None = True,
    state: str = "active",
    **extra: Any,
) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "id": trunk_id,
        "name": f"Carrier-A {trunk_id}",
        "state": state,
        "trunkType": "EXTERNAL",
        "trunkBase": {"id": BASE_ID, "name": "Carrier-A"},
        "inService": in_service,
        "enabled": True,
        **extra,
    }
    if connected is not None:
        doc["connectedStatus"] = {"connected": connected, "connectedStateTime": "2026-12-01T10:00:00.000Z"}
    if registers is not None:
        doc["registersStatus"] = registers
        doc["registersEnabledStatus"] = "ENABLED"
    if options is not None:
        doc["optionsStatus"] = options
        doc["optionsEnabledStatus"] = "ENABLED"
    return doc


def audit(
    event_id: str, base_id: str = BASE_ID, action: str = "Update", at: str = "2026-12-01T10:00:00.000Z"
) -> dict[str, Any]:
    """An ``AuditLogMessage`` of a trunk base, by an OAuth client."""
    return {
        "id": event_id,
        "client": {"id": "oauth-1"},
        "serviceName": "Telephony",
        "eventDate": at,
        "action": action,
        "entity": {"id": base_id, "name": f"base {base_id}"},
        "entityType": "TrunkBase",
        "status": "SUCCESS",
    }
