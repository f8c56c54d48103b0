"""TrunkStack's wiring, with pulumi's mocks standing in for the engine and the providers."""

from __future__ import annotations

from typing import Any

import pulumi
import pytest

from components import TrunkStack
from tests.component.recording_mocks import RecordingMocks, installed
from tests.support.stack_config import parse_entries


class Mocks(RecordingMocks):
    def new_resource(self, args: pulumi.runtime.MockResourceArgs) -> tuple[str, dict[str, Any]]:
        self.resources.append(args)
        outputs = dict(args.inputs)
        if args.typ.endswith(":Edge"):
            outputs.update(
                edgeId=f"{args.name}-id",
                version=3,
                registrationState={"status": "registering", "reason": None, "changedAt": "2026-11-28T13:00:00.000Z"},
            )
            return f"{args.name}-id", outputs
        if args.typ.endswith(":Registration"):
            outputs.update(
                status="registered",
                outcome={"status": "registered", "reason": None, "latencySeconds": 1.5},
                events=[{"type": "audit:edge:created"}],
            )
        if args.typ.endswith(":Webhook"):
            outputs.update(webhookId=f"{args.name}-id")
        return f"{args.name}-id", outputs


@pytest.fixture
def mocks() -> Mocks:
    return installed(Mocks())


def config(**over: Any) -> dict[str, Any]:
    base = {
        "name": "trunk-a",
        "edgeGroupId": "group-1",
        "sipProfileId": "profile-1",
        "codecs": ["G711u"],
        "registration": {"host": "sip.example.com", "username": "u", "password": "pw-123456"},
        "webhook": {"targetUri": "https://hooks.example.com/x"},
    }
    base.update(over)
    return base


@pulumi.runtime.test
def test_webhook_is_filtered_to_its_edge_and_summary_has_the_outputs(mocks):
    stack = TrunkStack("trunk-a", parse_entries([config()])[0])

    def check(args):
        summary, webhook_filter, password = args
        assert summary["edgeId"] == "trunk-a-edge-id"
        assert summary["webhookId"] == "trunk-a-status-webhook-id"
        assert summary["registrationStatus"] == "registered"
        assert summary["registrationLatencySeconds"] == 1.5
        assert summary["registrationHost"] == "sip.example.com"
        assert webhook_filter == "resourceIds:[trunk-a-edge-id]"
        assert password == "pw-123456"
        assert summary["auditEvents"] == [{"type": "audit:edge:created"}]
        types = [r.typ for r in mocks.resources]
        assert types.count("pulumi-python:dynamic/genesys:Edge") == 1
        assert types.count("pulumi-python:dynamic/genesys:Webhook") == 1
        registration = next(r for r in mocks.resources if r.typ.endswith(":Registration"))
        # It waits on the edge's own outputs, not on the webhook: the two are created side by side.
        assert registration.inputs["edgeId"] == "trunk-a-edge-id" and registration.inputs["edgeVersion"] == 3
        assert registration.inputs["edgeRegistration"]["status"] == "registering"
        assert registration.inputs["trunk"] == "trunk-a"

    assert stack.webhook is not None  # the trunk's config has one
    return pulumi.Output.all(stack.summary, stack.webhook.filterCriteria, stack.edge.registrationPassword).apply(check)


@pulumi.runtime.test
def test_no_webhook_without_a_target(mocks):
    stack = TrunkStack("trunk-b", parse_entries([config(name="trunk-b", webhook=None)])[0])
    assert stack.webhook is None

    def check(summary):
        assert summary["webhookId"] is None
        assert [r.typ for r in mocks.resources if "Webhook" in r.typ] == []

    return stack.summary.apply(check)


@pulumi.runtime.test
def test_settings_from_other_stacks_replace_the_configured_ones(mocks):
    trunk = parse_entries(
        [
            config(
                registration={"username": "u", "password": "pw-123456"},
                fromStacks={"registration.host": {"stack": "org/net/dev", "output": "sipHost"}},
            )
        ]
    )[0]
    stack = TrunkStack("trunk-c", trunk, stack_outputs={"registration.host": pulumi.Output.from_input("sip.net")})
    return stack.edge.registration.apply(lambda reg: _assert(reg["host"] == "sip.net"))


def _assert(condition: bool) -> None:
    assert condition
