"""The policy pack's own unit tests (in its virtualenv), and what the pack assumes of the program.

The pack runs apart from the program (its own virtualenv, no import of the program's code), so the type
tokens and defaults it reads resources by are checked here against the program's own definitions.
"""

from __future__ import annotations

import importlib.util
import re
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest
from pulumi.dynamic import Resource

from entities.edge import Edge
from entities.outbound_route import OutboundRoute, OutboundRouteProvider
from entities.trunk_base import CarrierSettings, TrunkBase
from entities.webhook import Webhook

REPO = Path(__file__).resolve().parents[2]
PACK = REPO / "policy"
PACK_PYTHON = PACK / ".venv" / "bin" / "python"


def pack_module(name: str) -> ModuleType:
    """A module of the pack that needs nothing but the standard library, loaded from its file."""
    spec = importlib.util.spec_from_file_location(f"pack_{name}", PACK / "genesys_policy" / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def type_token(resource_class: type[Resource]) -> str:
    """The type the engine sees for a resource of ``resource_class`` (as `pulumi.dynamic.Resource` makes it)."""
    return f"pulumi-python:{resource_class._resource_type_name}"


def test_the_pack_reads_the_programs_resource_types_and_defaults() -> None:
    resources = pack_module("resources")
    assert type_token(TrunkBase) == resources.TRUNK_BASE
    assert type_token(Edge) == resources.EDGE
    assert type_token(Webhook) == resources.WEBHOOK
    assert type_token(OutboundRoute) == resources.OUTBOUND_ROUTE
    route_inputs = {"name", "siteId", "classificationTypes", "trunkBaseIds", "distribution", "enabled", "adopt"}
    assert route_inputs <= OutboundRouteProvider.inputs_keys()  # the inputs the emergency rule reads
    assert CarrierSettings.model_fields["transport"].default == resources.DEFAULT_TRANSPORT


def test_the_packs_unit_tests_pass_in_its_virtualenv() -> None:
    if not PACK_PYTHON.exists():
        pytest.fail(f"{PACK_PYTHON} does not exist: run `make policy-venv` (`make test` does)")
    run = subprocess.run(
        [str(PACK_PYTHON), "-m", "unittest", "discover", "-s", "tests", "-t", ".", "-v"],
        cwd=PACK,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 0, run.stderr
    ran = re.search(r"^Ran (\d+) tests?", run.stderr, re.MULTILINE)
    assert ran and int(ran.group(1)) >= 29, run.stderr
    assert run.stderr.rstrip().endswith("OK"), run.stderr
