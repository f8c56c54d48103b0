"""A dynamic provider that fails its check as told: `refusal` raises an error type of this project (a message
for the user), `bug` a Python exception (a bug report)."""

from __future__ import annotations

import pulumi
from pulumi.dynamic import CheckResult, ResourceProvider


class ProbeRefusal(Exception):
    """An error this project raises on purpose."""


class ProbeProvider(ResourceProvider):
    def check(self, olds, news):
        if news.get("fail") == "refusal":
            raise ProbeRefusal("the probe refuses: say why, and what to change")
        if news.get("fail") == "bug":
            return {}["no-such-key"]
        return CheckResult(news, [])


class Probe(pulumi.dynamic.Resource, module="check", name="Probe"):
    def __init__(self, name: str, fail: str, opts: pulumi.ResourceOptions | None = None):
        super().__init__(ProbeProvider(), name, {"fail": fail}, opts)
