"""A dynamic provider that does as its inputs say: `fail: refusal` fails the check with an error type of this
project (a message for the user), `fail: bug` with a Python exception (a bug report); `seconds` is how long
a create takes."""

from __future__ import annotations

import time
import uuid
from typing import Any

import pulumi
from pulumi.dynamic import CheckResult, CreateResult, ResourceProvider


class ProbeRefusal(Exception):
    """An error this project raises on purpose."""


class ProbeProvider(ResourceProvider):
    def check(self, olds: dict[str, Any], news: dict[str, Any]) -> CheckResult:
        if news.get("fail") == "refusal":
            raise ProbeRefusal("the probe refuses: say why, and what to change")
        if news.get("fail") == "bug":
            checked: dict[str, CheckResult] = {}
            return checked["no-such-key"]
        return CheckResult(news, [])

    def create(self, props: dict[str, Any]) -> CreateResult:
        time.sleep(float(props.get("seconds") or 0))
        return CreateResult(id_=uuid.uuid4().hex, outs=props)


class Probe(pulumi.dynamic.Resource, module="check", name="Probe"):
    def __init__(self, name: str, fail: str, seconds: float = 0.0, opts: pulumi.ResourceOptions | None = None):
        super().__init__(ProbeProvider(), name, {"fail": fail, "seconds": seconds}, opts)
