"""`fromStacks` references in the form the stack's backend resolves, checked before anything is declared.

A self-managed backend (file://, s3://, azblob://, gs://) keeps every stack in one organization named
`organization`, so a reference there is `organization/<project>/<stack>`; on Pulumi Cloud the first part
is the organization that owns the stack. Pulumi itself refuses a wrong organization only when it resolves
the StackReference ("organization name must be 'organization'"), naming neither the setting nor the form
to write; this check names both, at preview, with nothing created.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from .config import ConfigError

#: The one organization of a self-managed backend (what `pulumi.get_organization()` returns there).
SELF_MANAGED_ORGANIZATION = "organization"
SELF_MANAGED = "a self-managed backend (file://, s3://, azblob://, gs://)"


def reference_problem(stack: str, organization: str) -> str | None:
    """Why ``stack`` (`org/project/stack`) cannot be read from a stack in ``organization``, or None."""
    org, _, rest = stack.partition("/")
    if organization == SELF_MANAGED_ORGANIZATION and org != SELF_MANAGED_ORGANIZATION:
        return (
            f"{stack!r} names the organization {org!r}, but this stack's state is on {SELF_MANAGED}, where "
            f"every stack is in the organization {SELF_MANAGED_ORGANIZATION!r}: write "
            f"'{SELF_MANAGED_ORGANIZATION}/{rest}' (on Pulumi Cloud it would be '<your organization>/{rest}')"
        )
    if organization != SELF_MANAGED_ORGANIZATION and org == SELF_MANAGED_ORGANIZATION:
        return (
            f"{stack!r} is the form of {SELF_MANAGED}, but this stack is on Pulumi Cloud in the organization "
            f"{organization!r}: write '{organization}/{rest}' (or the organization that owns that stack)"
        )
    return None


def reference_problems(sections: Mapping[str, Sequence[Any]], organization: str) -> list[str]:
    """One line per reference of the wrong form, each with its config path (`<section>[i].fromStacks.<setting>`);
    ``sections``: each config section's parsed entries, e.g. ``{"trunks": [...]}``."""
    lines = []
    for section, entries in sections.items():
        for i, entry in enumerate(entries):
            for setting, ref in (getattr(entry, "from_stacks", None) or {}).items():
                problem = reference_problem(ref.stack, organization)
                if problem:
                    lines.append(f"{section}[{i}].fromStacks.{setting}.stack: {problem}")
    return lines


def check_stack_references(sections: Mapping[str, Sequence[Any]], organization: str | None) -> None:
    """Raise a ConfigError naming every `fromStacks` reference this backend cannot resolve; ``organization``
    is `pulumi.get_organization()` (None outside a deployment: nothing to check against)."""
    if not organization:
        return
    problems = reference_problems(sections, organization)
    if problems:
        raise ConfigError("invalid stack config:\n  " + "\n  ".join(problems))
