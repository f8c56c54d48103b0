"""The form of `fromStacks` references against the stack's backend: `organization/<project>/<stack>` on a
self-managed one, `<org>/<project>/<stack>` on Pulumi Cloud; a wrong one names its config path and the form."""

from __future__ import annotations

import pytest

from components import CLOUD_TRUNKS
from devtools.trunks_project import cloud_trunk, trunk
from lifecycle.config import ConfigError
from lifecycle.stack_references import check_stack_references, reference_problem
from tests.support.stack_config import parse_entries


def sections(*stacks: str):
    """One seed trunk per referenced stack, as the `trunks` section."""
    return {"trunks": seed_trunks(*stacks)}


def seed_trunks(*stacks: str):
    return parse_entries(
        [
            trunk(f"t{i}", fromStacks={"registration.host": {"stack": stack, "output": "sipHost"}})
            for i, stack in enumerate(stacks)
        ]
    )


def test_a_self_managed_backend_takes_the_organization_form():
    check_stack_references(sections("organization/network/prod"), "organization")


def test_another_organization_on_a_self_managed_backend_names_the_path_and_the_form():
    referring = trunk(
        "ref",
        fromStacks={
            "registration.host": {"stack": "acme/network/prod", "output": "sipHost"},
            "edgeGroupId": {"stack": "organization/network/prod", "output": "group"},
        },
    )
    parsed = parse_entries([trunk("plain"), referring])

    with pytest.raises(ConfigError) as caught:
        check_stack_references({"trunks": parsed}, "organization")

    message = str(caught.value)
    lines = message.splitlines()[1:]
    assert len(lines) == 1, message  # the edge group's reference is of the right form
    assert lines[0].strip().startswith("trunks[1].fromStacks.registration.host.stack: 'acme/network/prod'")
    assert "write 'organization/network/prod'" in message
    assert "'<your organization>/network/prod'" in message  # and what it would be on Pulumi Cloud


def test_every_wrong_reference_is_named_in_the_cloud_dialect_too():
    parsed = parse_entries(
        [
            cloud_trunk("a"),
            cloud_trunk(
                "b",
                carrier={"host": None, "transport": "udp"},
                fromStacks={"carrier.host": {"stack": "acme/network/prod", "output": "carrierBSipHost"}},
            ),
            cloud_trunk(
                "c",
                inboundSiteId=None,
                fromStacks={"inboundSiteId": {"stack": "platform/sites/prod", "output": "site"}},
            ),
        ],
        CLOUD_TRUNKS,
    )
    with pytest.raises(ConfigError) as caught:
        check_stack_references({"trunks": parsed}, "organization")
    paths = [line.strip().split(":", 1)[0] for line in str(caught.value).splitlines()[1:]]
    assert paths == ["trunks[1].fromStacks.carrier.host.stack", "trunks[2].fromStacks.inboundSiteId.stack"]


def test_on_pulumi_cloud_the_self_managed_form_names_the_stacks_own_organization():
    with pytest.raises(ConfigError, match=r"trunks\[0\]\.fromStacks\.registration\.host\.stack: .*write 'acme/n/p'"):
        check_stack_references(sections("organization/n/p"), "acme")
    # Another organization on Pulumi Cloud is the user's to name (a stack of another org they belong to).
    check_stack_references(sections("acme/n/p", "partner/n/p"), "acme")


def test_outside_a_deployment_there_is_nothing_to_check_against():
    check_stack_references(sections("acme/n/p"), None)


@pytest.mark.parametrize(
    ("stack", "organization", "wrong"),
    [
        ("organization/p/s", "organization", False),
        ("acme/p/s", "organization", True),
        ("Organization/p/s", "organization", True),  # the CLI compares exactly
        ("acme/p/s", "acme", False),
        ("organization/p/s", "acme", True),
    ],
)
def test_reference_problem(stack, organization, wrong):
    assert (reference_problem(stack, organization) is not None) is wrong


def test_any_section_is_checked_and_an_entry_without_references_is_skipped():
    class Route:
        from_stacks = {"trunkBaseId": type("Ref", (), {"stack": "acme/trunks/prod"})()}

    with pytest.raises(ConfigError, match=r"outboundRoutes\[1\]\.fromStacks\.trunkBaseId\.stack: 'acme/trunks/prod'"):
        check_stack_references({"trunks": [], "outboundRoutes": [object(), Route()]}, "organization")
