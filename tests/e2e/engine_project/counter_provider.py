"""A tiny dynamic provider in an importable module, so it is pickled by reference."""

from __future__ import annotations

import uuid

import pulumi
from pulumi.dynamic import CreateResult, DiffResult, ResourceProvider, UpdateResult


class CounterProvider(ResourceProvider):
    def create(self, props):
        return CreateResult(id_=uuid.uuid4().hex, outs={**props, "writes": 1})

    def diff(self, _id, olds, news):
        changed = olds.get("label") != news.get("label")
        return DiffResult(changes=changed, replaces=[])

    def update(self, _id, olds, news):
        return UpdateResult(outs={**news, "writes": olds.get("writes", 0) + 1})


class Counter(pulumi.dynamic.Resource, module="engine", name="Counter"):
    label: pulumi.Output[str]
    writes: pulumi.Output[int]

    def __init__(self, name: str, label: pulumi.Input[str], opts: pulumi.ResourceOptions | None = None):
        super().__init__(CounterProvider(), name, {"label": label, "writes": None}, opts)
