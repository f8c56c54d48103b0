"""Runs one of the pack's policies on given properties the way the policy SDK's server does (properties behind
the SDK's unknown-checking proxy, the policy's config), for the pack's unit tests."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from pulumi_policy import (
    PolicyCustomTimeouts,
    PolicyResource,
    PolicyResourceOptions,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    StackValidationArgs,
    StackValidationPolicy,
)
from pulumi_policy.proxy import UNKNOWN_STRING_VALUE, UnknownValueError, unknown_checking_proxy

from .pack import policy
from .rules import RULES

#: A value unknown during preview, as the engine sends it (in any property, of any type).
UNKNOWN = UNKNOWN_STRING_VALUE


@dataclass
class Outcome:
    """What a policy said: its violations (message, urn) and, when it could not be decided during a preview,
    the SDK's note about the unknown value."""

    level: str
    violations: list[tuple[str, str | None]] = field(default_factory=list)
    undecided: str | None = None

    def report(self, message: str, at: str | None = None) -> None:
        """The policy SDK's `report_violation`."""
        self.violations.append((message, at))

    @property
    def messages(self) -> list[str]:
        return [message for message, _ in self.violations]


def _options() -> PolicyResourceOptions:
    return PolicyResourceOptions(False, [], None, [], PolicyCustomTimeouts(0, 0, 0), [])


def urn(resource_type: str, name: str, stack: str = "dev") -> str:
    return f"urn:pulumi:{stack}::genesys-trunks::{resource_type}::{name}"


def check_resource(
    rule_id: str,
    resource_type: str,
    props: Mapping[str, Any],
    *,
    stack: str = "dev",
    config: Mapping[str, Any] | None = None,
) -> Outcome:
    made = policy(_rule(rule_id), stack)
    assert isinstance(made, ResourceValidationPolicy), f"{rule_id} is a stack rule"
    name = str(props.get("name", "r"))
    args = ResourceValidationArgs(
        resource_type,
        unknown_checking_proxy(dict(props)),
        urn(resource_type, name, stack),
        name,
        _options(),
        None,
        dict(config or {}),
    )
    outcome = Outcome(level=str(made.enforcement_level.value if made.enforcement_level else ""))
    try:
        made.validate(args, outcome.report)
    except UnknownValueError as exc:
        outcome.undecided = exc.message
    return outcome


def check_stack(
    rule_id: str,
    resources: Sequence[tuple[str, Mapping[str, Any]]],
    *,
    stack: str = "dev",
    config: Mapping[str, Any] | None = None,
) -> Outcome:
    """``resources``: (type, properties) per resource; each resource's urn is named after its `name`."""
    made = policy(_rule(rule_id), stack)
    assert isinstance(made, StackValidationPolicy), f"{rule_id} is a resource rule"
    policy_resources = [
        PolicyResource(
            t,
            unknown_checking_proxy(dict(p)),
            urn(t, str(p.get("name")), stack),
            str(p.get("name")),
            _options(),
            None,
            None,
            [],
            {},
        )
        for t, p in resources
    ]
    outcome = Outcome(level=str(made.enforcement_level.value if made.enforcement_level else ""))
    made.validate(StackValidationArgs(policy_resources, dict(config or {})), outcome.report)
    return outcome


def _rule(rule_id: str) -> Any:
    for rule in RULES:
        if rule.id == rule_id:
            return rule
    raise KeyError(f"no rule {rule_id!r}")
