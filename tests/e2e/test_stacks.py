"""Stacks per environment, and outputs flowing between stacks through StackReferences."""

from __future__ import annotations

import shutil

import pytest

from devtools.pulumi_cli import PulumiProject
from devtools.trunks_project import REPO, trunk

pytestmark = pytest.mark.e2e
EDGES = "/api/v2/telephony/providers/edges"

NETWORK_PROGRAM = """
import pulumi
pulumi.export("sipHost", "sip.from-network-stack.example.com")
pulumi.export("sipPort", 5070)
"""


def test_two_stacks_side_by_side_keep_separate_state(emulator, new_project, tmp_path):
    # One project directory, two stacks (Pulumi.dev.yaml and Pulumi.staging.yaml), one backend.
    backend, root = tmp_path / "shared-state", tmp_path / "project"
    dev = new_project([trunk("env-dev-a")], stack="dev", backend_dir=backend, root=root)
    staging = new_project([trunk("env-stg-a"), trunk("env-stg-b")], stack="staging", backend_dir=backend, root=root)
    assert dev.workdir == staging.workdir
    dev.up()
    staging.up()
    assert set(dev.trunks_output()) == {"env-dev-a"}
    assert set(staging.trunks_output()) == {"env-stg-a", "env-stg-b"}
    assert len(dev.resources(":Edge")) == 1 and len(staging.resources(":Edge")) == 2

    staging.destroy()
    dev_edge = dev.trunks_output()["env-dev-a"]["edgeId"]
    assert emulator.api("GET", f"{EDGES}/{dev_edge}").status_code == 200
    assert dev.preview_json()["changeSummary"] == {"same": 4}  # the stack, the TrunkStack, edge, registration


def test_settings_from_another_stack_and_outputs_to_a_consumer(emulator, new_project, tmp_path):
    backend = tmp_path / "shared-state"
    network_dir = tmp_path / "network"
    network_dir.mkdir()
    (network_dir / "Pulumi.yaml").write_text("name: network\nruntime: python\n")
    (network_dir / "__main__.py").write_text(NETWORK_PROGRAM)
    network = PulumiProject(workdir=network_dir, stack="net", backend_dir=backend)
    network.init()
    network.up()

    trunks = new_project(
        [
            trunk(
                "ref-a",
                fromStacks={
                    "registration.host": {"stack": "organization/network/net", "output": "sipHost"},
                    "registration.port": {"stack": "organization/network/net", "output": "sipPort"},
                },
            )
        ],
        stack="prod-like",
        backend_dir=backend,
    )
    trunks.up()
    out = trunks.trunks_output()["ref-a"]
    assert out["registrationHost"] == "sip.from-network-stack.example.com"
    registration = emulator.api("GET", f"{EDGES}/{out['edgeId']}").json()["registration"]
    assert registration["host"] == "sip.from-network-stack.example.com" and registration["port"] == 5070

    consumer_dir = tmp_path / "consumer"
    shutil.copytree(REPO / "examples" / "consumer", consumer_dir)
    (consumer_dir / "Pulumi.yaml").write_text(
        (consumer_dir / "Pulumi.yaml").read_text().replace("../../.venv", str(REPO / ".venv"))
    )
    consumer = PulumiProject(workdir=consumer_dir, stack="prod-like", backend_dir=backend)
    consumer.init()
    consumer.up()
    assert consumer.outputs() == {
        "edgeIds": {"ref-a": out["edgeId"]},
        "sipHosts": ["sip.from-network-stack.example.com"],
        "registered": ["ref-a"],
    }


def test_a_reference_naming_another_organization_fails_preview_on_the_file_backend(emulator, new_project):
    """On a self-managed backend every stack is in the organization `organization`: the preview stops before any
    trunk is checked, naming the setting and the form to write, not with Pulumi's own resolution error."""
    project = new_project(
        [
            trunk("org-ok"),
            trunk("org-bad", fromStacks={"registration.host": {"stack": "acme/network/prod", "output": "sipHost"}}),
        ]
    )
    emulator.reset_requests()
    refused = project.preview(check=False)
    text = refused.stdout + refused.stderr
    assert refused.returncode != 0
    assert "trunks[1].fromStacks.registration.host.stack: 'acme/network/prod' names the organization 'acme'" in text
    assert "write 'organization/network/prod'" in text
    assert "organization name must be 'organization'" not in text and "Traceback" not in text
    assert [r for r in emulator.requests() if r["path"].startswith("/api/v2")] == []
