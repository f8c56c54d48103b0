"""The Platform API's read-only world: sites, the cloud edges that host trunk instances, trunk metabases
and each metabase's property template (``{type, value: {default, instance}, enum | items | pattern ...}``)."""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import Any

from ..documents import seeded

EDGES_PATH = "/api/v2/telephony/providers/edges"
SITES_PATH = f"{EDGES_PATH}/sites"
METABASES_PATH = f"{EDGES_PATH}/trunkbasesettings/availablemetabases"
BYOC_CARRIER = "external_sip_pcv_byoc_carrier.json"
BYOC_PBX = "external_sip_pcv_byoc_pbx.json"
PHONE_CDM = "phone_connections_cdm.json"
#: The metabases CX-as-Code's acceptance tests make trunk bases of in real orgs.
EXTERNAL_SIP = "external_sip.json"
PHONE_WEBRTC = "phone_connections_webrtc.json"
PASSWORD_KEY = "trunk_sip_authentication_credentials_password"
USERNAME_KEY = "trunk_sip_authentication_credentials_username"
PROXY_KEY = "trunk_transport_serverProxyList"
ENABLED_KEY = "trunk_enabled"
SECRET_KEYS = frozenset({PASSWORD_KEY})
CODECS = ("audio/opus", "audio/pcmu", "audio/pcma", "audio/g729", "audio/g722")
OVERRIDE_METHODS = ["Always", "Unassigned DID"]


def ref(entity_id: str, name: str, path: str) -> dict[str, Any]:
    """A ``DomainEntityRef``."""
    return {"id": entity_id, "name": name, "selfUri": f"{path}/{entity_id}"}


@dataclass(frozen=True)
class Site:
    id: str
    name: str
    media_model: str
    description: str

    def doc(self) -> dict[str, Any]:
        return seeded(
            self.id,
            self.name,
            SITES_PATH,
            description=self.description,
            mediaModel=self.media_model,
            managed=False,
            coreSite=False,
            mediaRegionsUseLatencyBased=False,
            mediaRegions=["us-east-1"] if self.media_model == "Cloud" else [],
            primarySites=[],
            secondarySites=[],
        )

    def ref(self) -> dict[str, Any]:
        return ref(self.id, self.name, SITES_PATH)


SITES: tuple[Site, ...] = (
    Site("5d1a7e0c-2b3f-4c5d-8e9f-0a1b2c3d4e01", "Cloud BYOC Site", "Cloud", "Inbound site for BYOC carrier trunks"),
    Site("5d1a7e0c-2b3f-4c5d-8e9f-0a1b2c3d4e02", "Cloud Media EU", "Cloud", "Media site in Europe"),
    Site("5d1a7e0c-2b3f-4c5d-8e9f-0a1b2c3d4e03", "Premises HQ", "Premises", "On-premises Edges at headquarters"),
)
_SITES = {s.id: s for s in SITES}

# The cloud edges on which the platform creates one trunk instance per trunk base.
CLOUD_EDGES: tuple[tuple[str, str], ...] = (
    ("7c2e9f10-4a5b-4c6d-9e8f-1a2b3c4d5e01", "Cloud Edge us-east-1a"),
    ("7c2e9f10-4a5b-4c6d-9e8f-1a2b3c4d5e02", "Cloud Edge us-east-1b"),
)


def site(site_id: str) -> Site | None:
    return _SITES.get(site_id)


def _prop(kind: str, default: Any, **schema: Any) -> dict[str, Any]:
    return {"type": kind, **schema, "value": {"default": default, "instance": copy.deepcopy(default)}}


def _strings(default: Any, **schema: Any) -> dict[str, Any]:
    return _prop("array", default, items={"type": "string"}, uniqueItems=True, **schema)


_EXTERNAL_COMMON: dict[str, dict[str, Any]] = {
    "trunk_label": _prop("string", ""),
    ENABLED_KEY: _prop("boolean", True),
    "trunk_protocol": _prop("string", "SIP", enum=["SIP"]),
    "trunk_language": _prop("string", "en-US"),
    PROXY_KEY: _strings(None, required=True),
    "trunk_transport_protocolVariant": _prop("string", "udp", enum=["udp", "tcp", "tls"]),
    "trunk_sip_termination_uri": _prop("string", ""),
    "trunk_sip_authentication_credentials_realm": _prop("string", ""),
    USERNAME_KEY: _prop("string", ""),
    PASSWORD_KEY: _prop("string", ""),
    "trunk_access_acl_allowList": _strings([]),
    "trunk_access_acl_denyList": _strings([]),
    "trunk_media_codec": _prop(
        "array",
        ["audio/opus", "audio/pcmu", "audio/pcma"],
        items={"type": "string", "enum": list(CODECS)},
        uniqueItems=True,
    ),
    "trunk_media_dtmf_method": _prop("string", "RTP Events", enum=["None", "RTP Events", "In-band Audio"]),
    "trunk_media_dtmf_payload": _prop("integer", 101, minimum=96, maximum=127),
    "trunk_media_srtpCipherSuites": _strings([]),
    "trunk_media_disconnectOnIdleRTP": _prop("boolean", True),
    "trunk_maxDialTimeout": _prop("string", "2m", pattern=r"^[0-9]+(ms|s|m|h)$"),
    "trunk_maxCallRate": _prop("string", "40/5s", pattern=r"^[0-9]+/[0-9]+(ms|s|m|h)$"),
    "trunk_outboundIdentity_callingName": _prop("string", "", pattern=r"^[\S ]{0,40}$"),
    "trunk_outboundIdentity_callingName_overrideMethod": _prop("string", "Always", enum=OVERRIDE_METHODS),
    "trunk_outboundIdentity_callingAddress": _prop("string", ""),
    "trunk_outboundIdentity_callingAddress_overrideMethod": _prop("string", "Always", enum=OVERRIDE_METHODS),
    "trunk_outboundIdentity_callingAddress_omitPlusPrefix": _prop("boolean", False),
    "trunk_outboundIdentity_calledAddress_omitPlusPrefix": _prop("boolean", False),
    "trunk_recording_enabled": _prop("boolean", False),
    "trunk_transfer_takeback_enabled": _prop("boolean", False),
    "trunk_rlt_enabled": _prop("boolean", False),
    "trunk_calling_id_priority": _prop(
        "array",
        ["Source", "Trunk", "Site", "Extension"],
        items={"type": "string", "enum": ["Source", "Trunk", "Site", "Extension"]},
        uniqueItems=True,
    ),
}


@dataclass(frozen=True)
class Metabase:
    """A trunk make/model: its ``Metabase.type``, the ``trunkType`` of its bases and its property template."""

    id: str
    name: str
    type: str
    trunk_type: str
    template: dict[str, dict[str, Any]] = field(repr=False)

    @property
    def byoc(self) -> bool:
        """BYOC metabases need an ``inboundSite``; every other metabase refuses one."""
        return self.id.startswith("external_sip_pcv_byoc")

    def doc(self) -> dict[str, Any]:
        return seeded(self.id, self.name, METABASES_PATH, type=self.type)

    def ref(self) -> dict[str, Any]:
        return ref(self.id, self.name, METABASES_PATH)


def _external(trunk_type: str) -> dict[str, dict[str, Any]]:
    return {"trunk_type": _prop("string", trunk_type, enum=[trunk_type]), **copy.deepcopy(_EXTERNAL_COMMON)}


METABASES: tuple[Metabase, ...] = (
    Metabase(
        BYOC_CARRIER,
        "Generic BYOC Carrier",
        "EXTERNAL_BYOC_CARRIER",
        "EXTERNAL",
        _external("external.pcv.byoc.carrier"),
    ),
    Metabase(BYOC_PBX, "Generic BYOC PBX", "EXTERNAL_BYOC_PBX", "EXTERNAL", _external("external.pcv.byoc.pbx")),
    Metabase(EXTERNAL_SIP, "Generic SIP", "EXTERNAL", "EXTERNAL", _external("external.sip")),
    Metabase(
        PHONE_WEBRTC,
        "WebRTC Phone Trunk",
        "STATION_CDM_WEBRTC",
        "PHONE",
        {
            "trunk_type": _prop("string", "station.webrtc", enum=["station.webrtc"]),
            ENABLED_KEY: _prop("boolean", True),
            "trunk_label": _prop("string", ""),
            "trunk_media_codec": copy.deepcopy(_EXTERNAL_COMMON["trunk_media_codec"]),
        },
    ),
    Metabase(
        PHONE_CDM,
        "CDM SIP Phone Trunk",
        "STATION_CDM",
        "PHONE",
        {
            "trunk_type": _prop("string", "station.cdm", enum=["station.cdm"]),
            ENABLED_KEY: _prop("boolean", True),
            "trunk_sip_maxRegistrationRate": _prop("string", "600/1m", pattern=r"^[0-9]+/[0-9]+(ms|s|m|h)$"),
            "trunk_media_codec": copy.deepcopy(_EXTERNAL_COMMON["trunk_media_codec"]),
        },
    ),
)
_METABASES = {m.id: m for m in METABASES}


def metabase(metabase_id: str) -> Metabase | None:
    return _METABASES.get(metabase_id)
