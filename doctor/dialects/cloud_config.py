"""A cloud-dialect trunk of the stack, as the doctor and the exporter read it: the one place they touch the
program's cloud trunk config (``name``, ``inboundSiteId``, ``siteId``, ``trunkMetabaseId``, ``codecs``,
``carrier``, ``credentials``, ``properties``, ``description``, ``adopt``, ``registrationTimeoutSeconds``,
``fromStacks``).

Until the program's own schema for that config exists, this reads those names leniently and names what a
check needs and cannot find; the full rules are the schema's, and `pulumi preview` applies them. The values
a trunk sends come from the client's mapping, as in the program.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from providers.genesys_api.cloud import (
    BYOC_CARRIER_METABASE,
    KEY_CODECS,
    MappingError,
    carrier_properties,
    codecs_to_wire,
    credential_properties,
)

KEYS = (
    "name",
    "inboundSiteId",
    "siteId",
    "trunkMetabaseId",
    "codecs",
    "carrier",
    "credentials",
    "properties",
    "description",
    "adopt",
    "registrationTimeoutSeconds",
    "fromStacks",
)


@dataclass
class CloudTrunk:
    name: str
    inbound_site_id: str | None
    site_id: str | None
    metabase_id: str
    codecs: list[str]
    properties: dict[str, Any]
    adopt: bool
    from_stacks: dict[str, Any]
    sent: dict[str, tuple[str, Any]] = field(default_factory=dict)
    """Every property the trunk sends, by API key: (the config path inside the trunk it comes from, value).
    The password is left out: the checks never need it."""


def read(raw: Any) -> tuple[list[CloudTrunk], list[str]]:
    """The trunks, and one line per problem (``trunks[1].carrier.transport: ...``)."""
    if raw is None:
        return [], ["the stack sets no trunks"]
    if not isinstance(raw, list):
        return [], [f"trunks must be a list, got {type(raw).__name__}"]
    trunks, problems = [], []
    for i, entry in enumerate(raw):
        found = problems_of(entry)
        problems += [f"trunks[{i}].{p}: {m}" if p else f"trunks[{i}]: {m}" for p, m in found]
        if isinstance(entry, Mapping) and not found:
            trunks.append(_trunk(entry))
    return trunks, problems


def problems_of(entry: Any) -> list[tuple[str, str]]:
    """(path inside the entry, message) for what makes ``entry`` unreadable as a cloud trunk."""
    if not isinstance(entry, Mapping):
        return [("", f"must be a mapping, got {type(entry).__name__}")]
    found: list[tuple[str, str]] = []
    unknown = sorted(set(entry) - set(KEYS))
    found += [(key, f"is not a setting of a cloud trunk; allowed: {', '.join(KEYS)}") for key in unknown]
    name = entry.get("name")
    if not isinstance(name, str) or not name.strip():
        found.append(("name", "is required (a non-empty string)"))
    from_stacks = entry.get("fromStacks") or {}
    if not entry.get("inboundSiteId") and "inboundSiteId" not in from_stacks:
        found.append(("inboundSiteId", "is required: the id of the site that takes the trunk's inbound calls"))
    for key in ("carrier", "credentials", "properties", "fromStacks"):
        if entry.get(key) is not None and not isinstance(entry.get(key), Mapping):
            found.append((key, "must be a mapping"))
    if found:
        return found
    try:
        _sent(entry)
    except MappingError as exc:
        found.append((exc.path, exc.message))
    return found


def _trunk(entry: Mapping[str, Any]) -> CloudTrunk:
    return CloudTrunk(
        name=str(entry["name"]),
        inbound_site_id=entry.get("inboundSiteId"),
        site_id=entry.get("siteId"),
        metabase_id=entry.get("trunkMetabaseId") or BYOC_CARRIER_METABASE,
        codecs=list(entry.get("codecs") or []),
        properties=dict(entry.get("properties") or {}),
        adopt=bool(entry.get("adopt")),
        from_stacks=dict(entry.get("fromStacks") or {}),
        sent=_sent(entry),
    )


def _sent(entry: Mapping[str, Any]) -> dict[str, tuple[str, Any]]:
    sent: dict[str, tuple[str, Any]] = {}
    if entry.get("codecs") is not None:
        if not isinstance(entry["codecs"], list):
            raise MappingError("codecs", "must be a list of codec names in preference order")
        sent[KEY_CODECS] = ("codecs", codecs_to_wire(entry["codecs"]))
    carrier = entry.get("carrier") or {}
    if carrier:
        if not carrier.get("host"):
            raise MappingError("carrier.host", "is required (the carrier's SIP server)")
        values = carrier_properties(str(carrier["host"]), carrier.get("port"), str(carrier.get("transport") or "udp"))
        sent.update({key: ("carrier", value) for key, value in values.items()})
    credentials = entry.get("credentials") or {}
    values = credential_properties(credentials.get("username"), None, credentials.get("realm"))
    sent.update({key: ("credentials", value) for key, value in values.items()})
    for key, value in (entry.get("properties") or {}).items():
        sent[str(key)] = (f"properties.{key}", value)
    return sent
