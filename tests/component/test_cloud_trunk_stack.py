"""CloudTrunkStack's wiring, with pulumi's mocks standing in for the engine and the providers."""

from __future__ import annotations

from typing import Any

import pulumi
import pytest

from components import CLOUD_TRUNKS, CloudTrunkConfig, CloudTrunkStack, TrunkConfig
from registry import DIALECTS
from tests.component.recording_mocks import RecordingMocks, installed
from tests.support.stack_config import parse_entries


class Mocks(RecordingMocks):
    def new_resource(self, args: pulumi.runtime.MockResourceArgs) -> tuple[str, dict[str, Any]]:
        self.resources.append(args)
        outputs = dict(args.inputs)
        if args.typ.endswith(":TrunkBase"):
            outputs.update(trunkBaseId=f"{args.name}-id", version=2, dateModified="2026-12-01T10:00:00.000Z")
        if args.typ.endswith(":TrunkBaseRegistration"):
            outputs.update(
                status="failed",
                outcome={"status": "failed", "reason": "REGISTER to sip.example.com: 401", "latencySeconds": 1.2},
                events=[{"type": "TrunkBase:Create"}],
                instances=[{"trunkId": "t1", "status": "failed"}, {"trunkId": "t2", "status": "registered"}],
            )
        return f"{args.name}-id", outputs


@pytest.fixture
def mocks() -> Mocks:
    return installed(Mocks())


def config(**over: Any) -> dict[str, Any]:
    base = {
        "name": "byoc-a",
        "inboundSiteId": "site-1",
        "codecs": ["G711u", "G722"],
        "carrier": {"host": "sip.example.com", "port": 5061},
        "credentials": {"username": "u", "password": "pw-123456"},
    }
    base.update(over)
    return base


@pulumi.runtime.test
def test_the_summary_has_the_seed_shape_with_the_base_and_its_instances(mocks):
    stack = CloudTrunkStack("byoc-a", parse_entries([config()], CLOUD_TRUNKS)[0])

    def check(args):
        summary, password = args
        assert summary["trunkBaseId"] == "byoc-a-trunk-base-id" and summary["trunkIds"] == ["t1", "t2"]
        assert summary["edgeId"] is None and summary["webhookId"] is None
        assert summary["registrationStatus"] == "failed" and "401" in summary["registrationReason"]
        assert summary["registrationLatencySeconds"] == 1.2 and summary["registrationHost"] == "sip.example.com"
        assert summary["codecs"] == ["G711u", "G722"] and summary["auditEvents"] == [{"type": "TrunkBase:Create"}]
        assert password == "pw-123456"
        base = next(r for r in mocks.resources if r.typ.endswith(":TrunkBase"))
        assert "password" not in base.inputs["credentials"]
        outcome = next(r for r in mocks.resources if r.typ.endswith(":TrunkBaseRegistration"))
        assert outcome.inputs["trunkBaseId"] == "byoc-a-trunk-base-id" and outcome.inputs["trunkBaseVersion"] == 2
        assert outcome.inputs["writtenAt"] == "2026-12-01T10:00:00.000Z"

    return pulumi.Output.all(stack.summary, stack.trunk_base.credentialsPassword).apply(check)


@pulumi.runtime.test
def test_settings_from_other_stacks_fill_the_carrier_and_sites(mocks):
    trunk = parse_entries(
        [
            config(
                carrier=None,
                inboundSiteId=None,
                fromStacks={
                    "carrier.host": {"stack": "org/net/dev", "output": "sipHost"},
                    "inboundSiteId": {"stack": "org/net/dev", "output": "siteId"},
                },
            )
        ],
        CLOUD_TRUNKS,
    )[0]
    outputs = {
        "carrier.host": pulumi.Output.from_input("sip.net"),
        "inboundSiteId": pulumi.Output.from_input("site-9"),
    }
    stack = CloudTrunkStack("byoc-b", trunk, stack_outputs=outputs)

    def check(args):
        carrier, _ = args
        assert carrier["host"] == "sip.net"
        base = next(r for r in mocks.resources if r.typ.endswith(":TrunkBase"))
        assert base.inputs["inboundSiteId"] == "site-9"

    return pulumi.Output.all(stack.trunk_base.carrier, stack.summary).apply(check)


def test_each_dialect_reads_its_own_trunks():
    cloud, seed = DIALECTS["cloud"].sections[0], DIALECTS["seed"].sections[0]
    assert cloud.key == seed.key == "trunks"
    assert cloud.entry is CloudTrunkConfig and seed.entry is TrunkConfig
