"""Builders for Platform API bodies, made of the SDK's own models."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from PureCloudPlatformClientV2 import models

from ..helpers import unique, wait_for

BYOC = "external_sip_pcv_byoc_carrier.json"
BYOC_PBX = "external_sip_pcv_byoc_pbx.json"
PHONE = "phone_connections_cdm.json"
INBOUND_SITE = "5d1a7e0c-2b3f-4c5d-8e9f-0a1b2c3d4e01"
MEDIA_SITE = "5d1a7e0c-2b3f-4c5d-8e9f-0a1b2c3d4e02"
PROXIES = "trunk_transport_serverProxyList"
USERNAME = "trunk_sip_authentication_credentials_username"
PASSWORD_KEY = "trunk_sip_authentication_credentials_password"
CODECS = "trunk_media_codec"
PASSWORD = "correct-horse-battery"
M = TypeVar("M")

__all__ = ["unique", "wait_for"]


def model(cls: Callable[[], M], **attrs: Any) -> M:
    """An SDK model with ``attrs`` set through its own setters (its constructor takes no arguments)."""
    instance = cls()
    for name, value in attrs.items():
        setattr(instance, name, value)
    return instance


def ref(entity_id: str) -> models.DomainEntityRef:
    return model(models.DomainEntityRef, id=entity_id)


def instances(values: dict[str, Any]) -> dict[str, Any]:
    return {key: {"value": {"instance": value}} for key, value in values.items()}


def byoc_base(
    name: str | None = None,
    *,
    metabase: str = BYOC,
    inbound_site: str | None = INBOUND_SITE,
    site: str | None = None,
    **props: Any,
) -> models.TrunkBase:
    """A BYOC carrier trunk base as a user would POST it (template defaults for the rest)."""
    values = {PROXIES: ["sip.carrier.example.com"], USERNAME: unique("acct"), PASSWORD_KEY: PASSWORD, **props}
    return model(
        models.TrunkBase,
        name=name or unique("Carrier"),
        state="active",
        trunk_type="EXTERNAL",
        managed=False,
        trunk_metabase=ref(metabase),
        inbound_site=ref(inbound_site) if inbound_site else None,
        site=ref(site) if site else None,
        properties=instances({k: v for k, v in values.items() if v is not None}),
    )


def instance_of(base: Any, key: str) -> Any:
    """A property's instance value from a ``TrunkBase`` model or its JSON."""
    props = base["properties"] if isinstance(base, dict) else base.properties
    return props[key]["value"].get("instance")


def until(check: Callable[[], Any], what: str, timeout: float = 10.0) -> Any:
    return wait_for(check, timeout, 0.05, what)
