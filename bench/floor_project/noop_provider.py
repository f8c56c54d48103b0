"""A dynamic provider that does nothing but answer the engine: no API call, no sleep.

It lives in an importable module so the SDK pickles it by reference, as the real providers are.
"""

from __future__ import annotations

import uuid
from typing import Any

import pulumi
from pulumi.dynamic import CreateResult, DiffResult, ReadResult, Resource, ResourceProvider, UpdateResult

PROVIDER_KEY = "__provider"


def _inputs(props: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in props.items() if k != PROVIDER_KEY and k not in ("entityId", "version")}


class NoopProvider(ResourceProvider):
    def create(self, props: dict[str, Any]) -> CreateResult:
        entity_id = uuid.uuid4().hex
        return CreateResult(id_=entity_id, outs={**_inputs(props), "entityId": entity_id, "version": 1})

    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        changed = [k for k, v in _inputs(news).items() if olds.get(k) != v]
        return DiffResult(changes=bool(changed), replaces=[])

    def update(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        version = int(olds.get("version") or 0) + 1
        return UpdateResult(outs={**_inputs(news), "entityId": olds.get("entityId"), "version": version})

    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        return ReadResult(id_=id_, outs=props, inputs=_inputs(props))

    def delete(self, _id: str, _props: dict[str, Any]) -> None:
        return None


class Noop(Resource, module="floor", name="Noop"):
    entityId: pulumi.Output[str]
    version: pulumi.Output[int]

    def __init__(self, name: str, props: dict[str, Any], opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__(NoopProvider(), name, {**props, "entityId": None, "version": None}, opts)
