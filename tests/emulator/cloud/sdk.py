"""The official Python SDK (``PureCloudPlatformClientV2``) pointed at the emulator, and a strict check of
every reply against the SDK's model of it: a field the model does not have, a value of the wrong type or
an enum value the SDK does not know fails the test (the SDK itself would silently drop or mangle them)."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import PureCloudPlatformClientV2 as genesys
from PureCloudPlatformClientV2 import models
from PureCloudPlatformClientV2.rest import ApiException

from emulator.testing import EmulatorHandle

PRIMITIVES: dict[str, tuple[type, ...]] = {"str": (str,), "int": (int,), "float": (int, float), "bool": (bool,)}
_LIST = re.compile(r"^list\[(.+)\]$")
_DICT = re.compile(r"^dict\(([^,]+), (.+)\)$")


def problems(data: Any, type_name: str, path: str = "$") -> list[str]:
    """Where ``data`` (the JSON of a reply) departs from the SDK's ``type_name``."""
    if data is None or type_name == "object":
        return []
    if match := _LIST.match(type_name):
        if not isinstance(data, list):
            return [f"{path}: expected a list for {type_name}, got {type(data).__name__}"]
        return [p for i, item in enumerate(data) for p in problems(item, match.group(1), f"{path}[{i}]")]
    if match := _DICT.match(type_name):
        if not isinstance(data, dict):
            return [f"{path}: expected an object for {type_name}, got {type(data).__name__}"]
        return [p for k, v in data.items() for p in problems(v, match.group(2), f"{path}.{k}")]
    if type_name in PRIMITIVES:
        ok = isinstance(data, PRIMITIVES[type_name]) and not (type_name != "bool" and isinstance(data, bool))
        return [] if ok else [f"{path}: expected {type_name}, got {type(data).__name__} {data!r}"]
    if type_name in ("datetime", "date"):
        try:
            datetime.fromisoformat(str(data))
        except ValueError:
            return [f"{path}: {data!r} is not an ISO-8601 {type_name}"]
        return []
    klass = getattr(models, type_name)
    if not isinstance(data, dict):
        return [f"{path}: expected an object for {type_name}, got {type(data).__name__}"]
    instance = klass()
    by_key = {key: attr for attr, key in instance.attribute_map.items()}
    found = []
    for key, value in data.items():
        attr = by_key.get(key)
        if attr is None:
            found.append(f"{path}.{key}: {type_name} has no field {key!r}")
            continue
        kind = instance.swagger_types[attr]
        found += problems(value, kind, f"{path}.{key}")
        if kind == "str" and isinstance(value, str):
            setattr(instance, attr, value)  # an enum setter answers "outdated_sdk_version" for an unknown value
            if getattr(instance, attr) != value:
                found.append(f"{path}.{key}: {value!r} is not a {type_name}.{attr} value the SDK knows")
    return found


@dataclass
class Sdk:
    """The SDK's API classes on one authenticated client."""

    client: genesys.ApiClient
    telephony: genesys.TelephonyProvidersEdgeApi
    audit: genesys.AuditApi

    def raw(self) -> Any:
        """The JSON of the last reply."""
        return json.loads(self.client.last_response.data)

    def check(self, type_name: str) -> Any:
        """Assert that the last reply conforms to ``type_name``; returns its JSON."""
        data = self.raw()
        found = problems(data, type_name)
        assert not found, "\n".join(found)
        return data

    def error(self, exc: ApiException) -> Any:
        """The ``ErrorBody`` of a failed call, checked against the SDK's model, as the SDK's object."""
        data = json.loads(exc.body)
        found = problems(data, "ErrorBody")
        assert not found, "\n".join(found)

        class Reply:
            def __init__(self) -> None:
                self.data = exc.body

            def getheader(self, name: str) -> str:
                return "application/json"

        return self.client.deserialize(Reply(), "ErrorBody")


def connect(emu: EmulatorHandle, client_id: str | None = None, secret: str | None = None) -> Sdk:
    """An SDK client with a token from the emulator's own OAuth endpoint."""
    client = genesys.ApiClient(host=emu.url).get_client_credentials_token(
        client_id or emu.client_id, secret or emu.client_secret
    )
    return Sdk(client, genesys.TelephonyProvidersEdgeApi(client), genesys.AuditApi(client))
