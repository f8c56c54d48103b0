"""The rules as the policy SDK's policies, and the pack's server.

Each rule becomes a policy of the same id, description and remediation; its level is the rule's default for
the stack the engine names (`stack.StackWatch`), and the stack's `--policy-pack-config` may change it. A
violation's message names the trunk (or site, or webhook) and ends with the remediation, since the CLI shows
the message and not the policy's remediation field.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from pulumi_policy import (
    EnforcementLevel,
    Policy,
    PolicyConfigSchema,
    PolicyPack,
    ReportViolation,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    StackValidationArgs,
    StackValidationPolicy,
)
from pulumi_policy.proxy import UnknownValueError

from . import stack
from .resources import Resource, Unknown
from .rules import RULE_IDS, RULES, ResourceRule, Rule, StackRule, Undecided

PACK_NAME = "genesys-trunks"
DESCRIPTION = "Guardrails for the Genesys Cloud trunks, outbound routes and webhooks of a genesys-trunks stack."


def plain(value: Any, path: tuple[str | int, ...] = ()) -> Any:
    """The SDK's property proxies as plain dicts and lists, with an `Unknown` where the engine sent an unknown
    value (the proxy raises when one is read)."""
    if isinstance(value, Mapping):
        out: dict[str, Any] = {}
        for key in value:
            try:
                out[key] = plain(value[key], (*path, key))
            except UnknownValueError:
                out[key] = Unknown((*path, key))
        return out
    if isinstance(value, Sequence) and not isinstance(value, str | bytes):
        items: list[Any] = []
        for i in range(len(value)):
            try:
                items.append(plain(value[i], (*path, i)))
            except UnknownValueError:
                items.append(Unknown((*path, i)))
        return items
    return value


def _read_unknown(props: Any, unknown: Unknown) -> None:
    """Reads the unknown value through the SDK's proxy, whose error the SDK reports as an advisory "can't run
    policy ... during preview" note, the same for every pack."""
    value = props
    for key in unknown.path:
        value = value[key]


def with_remediation(rule: Rule, message: str) -> str:
    return f"{message}\nRemediation: {rule.remediation}"


def _resource_policy(rule: ResourceRule, level: EnforcementLevel) -> ResourceValidationPolicy:
    def validate(args: ResourceValidationArgs, report: ReportViolation) -> None:
        if args.resource_type not in rule.types:
            return
        for outcome in rule.check(plain(args.props), args.get_config()):
            if isinstance(outcome, Undecided):
                _read_unknown(args.props, outcome.unknown)
            else:
                report(with_remediation(rule, outcome.message), None)

    return ResourceValidationPolicy(
        name=rule.id,
        description=rule.description,
        validate=validate,
        enforcement_level=level,
        config_schema=_schema(rule),
        remediation_steps=rule.remediation,
    )


def _stack_policy(rule: StackRule, level: EnforcementLevel) -> StackValidationPolicy:
    def validate(args: StackValidationArgs, report: ReportViolation) -> None:
        resources = [
            Resource(r.resource_type, r.urn, plain(r.props)) for r in args.resources if r.resource_type in rule.types
        ]
        for violation in rule.check(resources, args.get_config()):
            report(with_remediation(rule, violation.message), violation.urn)

    return StackValidationPolicy(
        name=rule.id,
        description=rule.description,
        validate=validate,
        enforcement_level=level,
        config_schema=_schema(rule),
        remediation_steps=rule.remediation,
    )


def _schema(rule: Rule) -> PolicyConfigSchema | None:
    return PolicyConfigSchema(properties={k: dict(v) for k, v in rule.config.items()}) if rule.config else None


def policy(rule: Rule, stack_name: str | None) -> Policy:
    """``rule`` as a policy, at its default level on ``stack_name``."""
    level = EnforcementLevel(rule.level(stack_name))
    if isinstance(rule, ResourceRule):
        return _resource_policy(rule, level)
    if isinstance(rule, StackRule):
        return _stack_policy(rule, level)
    raise TypeError(f"rule {rule.id!r} is neither a resource rule nor a stack rule")


def set_levels(policies: Sequence[Policy], stack_name: str | None) -> None:
    """Each policy's default level for ``stack_name`` (the engine asks for them after naming the stack)."""
    by_id = {rule.id: rule for rule in RULES}
    for p in policies:
        p.enforcement_level = EnforcementLevel(by_id[p.name].level(stack_name))


def serve() -> None:
    """Serves the pack to the engine until it is stopped (the SDK prints the port the engine reads)."""
    policies = [policy(rule, stack.current()) for rule in RULES]
    stack.serve_with(stack.StackWatch(RULE_IDS, lambda name: set_levels(policies, name), PACK_NAME))
    PolicyPack(name=PACK_NAME, policies=policies, enforcement_level=EnforcementLevel.ADVISORY, description=DESCRIPTION)
