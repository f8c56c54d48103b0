"""The policy pack through the real pulumi CLI (`pulumi preview --policy-pack policy`), against the emulator.

Each rule's violation fails the preview (mandatory) or warns (advisory), on a stack that previews clean
without the pack, and nothing is written to the org; a compliant stack passes; a level set in the pack's
config takes effect; the example stacks pass. The pack runs in its own virtualenv (`make policy-venv`),
started by the project's language host (`RunPlugin`).
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from devtools.pulumi_cli import PulumiProject
from devtools.trunks_project import REPO, SITE_INBOUND, cloud_trunk, copy_program, trunk
from emulator.testing import EmulatorHandle

from .conftest import writes

pytestmark = pytest.mark.e2e

PACK = REPO / "policy"
PROBE_PROJECT = Path(__file__).with_name("policy_probe_project")
#: `- [mandatory]  rule-id  (type: resource-name)`, as the CLI lists a policy violation.
VIOLATION = re.compile(r"^\s*- \[(mandatory|advisory)\]\s+(\S+)\s+\((\S+): (.+)\)\s*$", re.MULTILINE)
ACL = {"trunk_access_acl_allowList": ["203.0.113.0/24"]}


@pytest.fixture(scope="module", autouse=True)
def pack_venv() -> None:
    if not (PACK / ".venv" / "bin" / "python").exists():
        pytest.fail("the policy pack has no virtualenv: run `make policy-venv` (`make test` does)")


def violations(output: str) -> list[tuple[str, str, str]]:
    """(level, rule, resource name) of each violation the CLI printed, sorted."""
    return sorted((level, rule, name) for level, rule, _type, name in VIOLATION.findall(output))


def preview_with_pack(
    project: PulumiProject, config: dict[str, Any] | None = None, *, where: Path | None = None
) -> subprocess.CompletedProcess:
    args = ["--policy-pack", str(PACK)]
    if config is not None:
        path = (where or project.workdir.parent) / "pack-config.json"
        path.write_text(json.dumps(config))
        args += ["--policy-pack-config", str(path)]
    return project.preview(*args, check=False)


def no_writes_during(emulator: EmulatorHandle, run: Any) -> subprocess.CompletedProcess:
    """``run()``'s result, after checking it wrote nothing to the org."""
    emulator.reset_requests()
    result = run()
    assert writes(emulator.requests()) == [], emulator.requests()
    return result


def output(proc: subprocess.CompletedProcess) -> str:
    return proc.stdout + proc.stderr


def test_a_compliant_cloud_stack_passes_the_pack_on_a_production_stack(emulator, new_project):
    acl_only = cloud_trunk("pp-acl", carrier={"transport": "udp"}, properties={**ACL})
    del acl_only["credentials"]
    project = new_project(
        [cloud_trunk("pp-tls", carrier={"transport": "tls", "port": 5061}, properties={**ACL}), acl_only],
        stack="prod-compliant",
        dialect="cloud",
    )
    proc = no_writes_during(emulator, lambda: preview_with_pack(project))
    assert proc.returncode == 0, output(proc)
    assert violations(proc.stdout) == [], proc.stdout
    assert "genesys-trunks@v0.1.0" in proc.stdout and "Traceback" not in output(proc)


def test_a_trunk_open_to_anyone_fails_preview_naming_trunk_rule_and_remediation(emulator, new_project):
    open_trunk = cloud_trunk("pp-open", carrier={"transport": "udp"})
    del open_trunk["credentials"]
    project = new_project([open_trunk, cloud_trunk("pp-fine", carrier={"transport": "tls"})], dialect="cloud")
    clean = project.preview(check=False)
    assert clean.returncode == 0, output(clean)  # the stack is fine but for the rule

    proc = no_writes_during(emulator, lambda: preview_with_pack(project))
    assert proc.returncode != 0, proc.stdout
    assert violations(proc.stdout) == [("mandatory", "trunk-accepts-only-its-carrier", "pp-open-trunk-base")]
    assert "trunk 'pp-open' accepts calls from anyone" in proc.stdout
    assert "Remediation: set `credentials` on the trunk" in proc.stdout
    assert "Traceback" not in output(proc)

    # `pulumi up` previews first: the same violation stops it before anything is made.
    up = no_writes_during(
        emulator, lambda: project.run("up", "--yes", "--stack", project.stack, "--policy-pack", str(PACK), check=False)
    )
    assert up.returncode != 0 and "trunk-accepts-only-its-carrier" in up.stdout, output(up)


def test_credentials_over_udp_fail_a_prod_stack_warn_elsewhere_and_the_packs_config_changes_the_level(
    emulator, new_project, tmp_path
):
    trunks = [cloud_trunk("pp-udp", carrier={"transport": "udp"}, properties={**ACL})]
    expected = ("digest-credentials-over-tls", "pp-udp-trunk-base")

    prod = new_project(trunks, stack="prod-eu", dialect="cloud")
    failed = no_writes_during(emulator, lambda: preview_with_pack(prod))
    assert failed.returncode != 0, failed.stdout
    assert violations(failed.stdout) == [("mandatory", *expected)]
    assert "trunk 'pp-udp' sends its digest credentials (username 'user-pp-udp') over udp" in failed.stdout
    assert "Remediation: set `carrier.transport: tls`" in failed.stdout

    relaxed = no_writes_during(
        emulator, lambda: preview_with_pack(prod, {"digest-credentials-over-tls": "advisory"}, where=tmp_path)
    )
    assert relaxed.returncode == 0, output(relaxed)
    assert violations(relaxed.stdout) == [("advisory", *expected)]

    staging = new_project(trunks, stack="staging", dialect="cloud")
    warned = no_writes_during(emulator, lambda: preview_with_pack(staging))
    assert warned.returncode == 0, output(warned)
    assert violations(warned.stdout) == [("advisory", *expected)]


def test_trunks_sharing_a_termination_identifier_or_a_carrier_account_warn(emulator, new_project):
    shared = {**ACL, "trunk_sip_termination_uri": "acme-main"}
    project = new_project(
        [
            cloud_trunk("pp-a", carrier={"transport": "tls"}, properties=shared, credentials={"username": "acme"}),
            cloud_trunk("pp-b", carrier={"transport": "tls"}, properties=shared, credentials={"username": "acme"}),
        ],
        dialect="cloud",
    )
    proc = no_writes_during(emulator, lambda: preview_with_pack(project))
    assert proc.returncode == 0, output(proc)
    assert violations(proc.stdout) == [("advisory", "unique-termination-and-account", "pp-b-trunk-base")] * 2
    assert "trunk 'pp-b' has the inbound SIP termination identifier 'acme-main'" in proc.stdout
    assert "trunk 'pp-b' uses the carrier account of trunk 'pp-a'" in proc.stdout


def test_the_session_bound_comes_from_the_packs_config_and_so_does_its_level(emulator, new_project, tmp_path):
    project = new_project([trunk("pp-big", maxConcurrentSessions=800)])
    within = no_writes_during(emulator, lambda: preview_with_pack(project))
    assert within.returncode == 0 and violations(within.stdout) == [], output(within)

    bounded = {"session-limit-within-bound": {"max": 500}}
    warned = no_writes_during(emulator, lambda: preview_with_pack(project, bounded, where=tmp_path))
    assert warned.returncode == 0, output(warned)
    assert violations(warned.stdout) == [("advisory", "session-limit-within-bound", "pp-big-edge")]
    assert "trunk 'pp-big' allows 800 concurrent sessions (maxConcurrentSessions), above this stack's bound of 500" in (
        warned.stdout
    )

    enforced = {"session-limit-within-bound": {"enforcementLevel": "mandatory", "max": 500}}
    failed = no_writes_during(emulator, lambda: preview_with_pack(project, enforced, where=tmp_path))
    assert failed.returncode != 0, failed.stdout
    assert violations(failed.stdout) == [("mandatory", "session-limit-within-bound", "pp-big-edge")]


def test_a_pack_config_naming_a_rule_the_pack_lacks_fails_naming_its_rules(emulator, new_project, tmp_path):
    project = new_project([trunk("pp-typo")])
    proc = no_writes_during(
        emulator, lambda: preview_with_pack(project, {"digest-credentials-over-tsl": "mandatory"}, where=tmp_path)
    )
    assert proc.returncode != 0
    said = output(proc)
    assert "'digest-credentials-over-tsl', which is not a rule of the genesys-trunks pack" in said, said
    assert "trunk-accepts-only-its-carrier" in said and "Traceback" not in said


@pytest.mark.parametrize(
    ("stack", "expected"),
    [
        pytest.param("dev", [], id="dev-seed"),
        # carrier-b-hd sends credentials over the default transport, udp: a warning on a stack not named prod*.
        pytest.param(
            "dev-cloud", [("advisory", "digest-credentials-over-tls", "carrier-b-hd-trunk-base")], id="dev-cloud"
        ),
    ],
)
def test_the_example_stacks_pass_the_pack(emulator, tmp_path, stack, expected):
    workdir = tmp_path / "genesys-trunks"
    copy_program(workdir)
    stack_file = f"Pulumi.{stack}.yaml"
    (workdir / stack_file).write_text((REPO / stack_file).read_text().replace("http://127.0.0.1:8787", emulator.url))
    project = PulumiProject(workdir=workdir, stack=stack, backend_dir=tmp_path / "state")
    project.init()
    proc = no_writes_during(emulator, lambda: preview_with_pack(project))
    assert proc.returncode == 0, output(proc)
    assert violations(proc.stdout) == expected, proc.stdout
    config = yaml.safe_load((workdir / stack_file).read_text())["config"]
    configured, routes = config["genesys-trunks:trunks"], config.get("genesys-trunks:outboundRoutes", [])
    whole = 1 + 3 * len(configured) + (stack == "dev") + len(routes)
    assert f"+ {whole} to create" in proc.stdout  # the whole stack was judged


def test_the_webhook_rule_on_stand_ins_of_its_type(tmp_path):
    """The program itself refuses a plain-http webhook target before declaring anything: stand-ins of the
    program's type (a provider that calls nothing) carry those inputs to the pack."""
    project = PulumiProject.copied(PROBE_PROJECT, tmp_path)
    resources = [
        {
            "kind": "Webhook",
            "name": "plain",
            "inputs": {"name": "a status", "targetUri": "http://hooks.example.com/in"},
        },
        {"kind": "Webhook", "name": "local", "inputs": {"name": "b status", "targetUri": "http://127.0.0.1:9/in"}},
    ]
    stack_file = project.workdir / f"Pulumi.{project.stack}.yaml"
    doc = (yaml.safe_load(stack_file.read_text()) if stack_file.exists() else None) or {}
    doc.setdefault("config", {})["policy-probe:resources"] = resources
    stack_file.write_text(yaml.safe_dump(doc))
    clean = project.preview(check=False)
    assert clean.returncode == 0, output(clean)  # fine but for the rules
    proc = preview_with_pack(project)
    assert proc.returncode == 0, output(proc)  # advisory: a warning
    assert violations(proc.stdout) == [("advisory", "webhook-target-https", "plain")], proc.stdout
    assert "webhook 'a status' delivers trunk events to http://hooks.example.com without TLS" in proc.stdout


def test_a_taken_over_default_route_without_emergency_fails_unless_another_route_carries_it(emulator, new_project):
    trunks = [cloud_trunk("pp-route", carrier={"transport": "tls"}, properties={**ACL})]
    project = new_project(trunks, dialect="cloud")
    default = {"name": "Default Outbound Route", "siteId": SITE_INBOUND, "trunks": ["pp-route"]}
    project.set_routes([{**default, "classificationTypes": ["National", "International"]}])
    clean = project.preview(check=False)
    assert clean.returncode == 0, output(clean)  # fine but for the rule

    proc = no_writes_during(emulator, lambda: preview_with_pack(project))
    assert proc.returncode != 0, proc.stdout
    assert violations(proc.stdout) == [
        ("mandatory", "emergency-route-kept", "outbound-route-Default Outbound Route")
    ], proc.stdout
    assert f"site {SITE_INBOUND}: the stack takes over its route(s) 'Default Outbound Route'" in proc.stdout

    emergency = {"name": "Emergency", "siteId": SITE_INBOUND, "trunks": ["pp-route"]}
    project.set_routes(
        [{**default, "classificationTypes": ["National"]}, {**emergency, "classificationTypes": ["Emergency"]}]
    )
    kept = no_writes_during(emulator, lambda: preview_with_pack(project))
    assert kept.returncode == 0 and violations(kept.stdout) == [], output(kept)


def test_a_pack_without_its_virtualenv_fails_saying_how_to_make_it(emulator, new_project, tmp_path):
    bare = tmp_path / "pack"
    bare.mkdir()
    for name in ("PulumiPolicy.yaml", "__main__.py", "genesys_policy"):
        source = PACK / name
        if source.is_dir():
            shutil.copytree(source, bare / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(source, bare / name)
    project = new_project([trunk("pp-novenv")])
    proc = no_writes_during(emulator, lambda: project.preview("--policy-pack", str(bare), check=False))
    assert proc.returncode != 0
    said = output(proc)
    assert f"{bare / '.venv' / 'bin' / 'python'} does not exist" in said, said
    assert "`make policy-venv`" in said and "Traceback" not in said
