"""Errors a user can act on reach them as their message alone, not wrapped in the provider server's traceback.

Each case drives the real CLI against the emulator into one of the errors the providers raise on purpose
(the project's own error types), and checks the output holds the message and no Python traceback. The last
tests show where the line runs: a bug (a Python exception) keeps its traceback, since that is a bug report.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx
import pytest

from devtools.pulumi_cli import PulumiProject
from devtools.trunks_project import trunk
from emulator.testing import EmulatorHandle
from tests.e2e.conftest import edge_made_by_hand

pytestmark = pytest.mark.e2e

EDGES = "/api/v2/telephony/providers/edges"
SIP_PROFILES = "/api/v2/telephony/providers/sipprofiles"
PROBE_PROJECT = Path(__file__).with_name("probe_project")


def assert_message_alone(output: str, message: str) -> None:
    assert message in output, f"{message!r} not in:\n{output}"
    assert "Traceback" not in output, output
    assert 'File "' not in output, output


def test_a_wrong_client_secret(new_project) -> None:
    project = new_project([trunk("err-secret")], client_secret="not-the-secret")
    preview = project.preview(check=False)
    assert preview.returncode != 0
    assert_message_alone(preview.stdout + preview.stderr, "rejected the OAuth client 'genesys-trunks-dev'")


@pytest.mark.parametrize("dialect", [None, "seed"], ids=["dialect-from-region", "seed"])
def test_an_unknown_region(new_project, dialect: str | None) -> None:
    """Said by the program while it chooses the dialect (the region would choose it), or, with the dialect set,
    by the provider that connects."""
    project = new_project([trunk("err-region")])
    project.run("config", "rm", "genesys:apiUrl", "--stack", project.stack)
    project.config_set("genesys:region", "mars-north-1")
    if dialect is not None:
        project.config_set("genesys:dialect", dialect)
    preview = project.preview(check=False)
    assert preview.returncode != 0
    assert_message_alone(preview.stdout + preview.stderr, "'mars-north-1' is not a known Genesys Cloud region")


def test_an_api_url_with_an_unsupported_scheme(new_project) -> None:
    project = new_project([trunk("err-scheme")])
    project.config_set("genesys:apiUrl", "ftp://127.0.0.1:8787")
    preview = project.preview(check=False)
    assert preview.returncode != 0
    assert_message_alone(preview.stdout + preview.stderr, "must be an absolute http:// or https:// URL")


@contextlib.contextmanager
def refusing_catalogue_reads(emulator: EmulatorHandle) -> Iterator[str]:
    """A loopback proxy in front of the emulator that answers the SIP-profile read with Genesys' 403 for a
    missing permission (the emulator's own clients all hold the catalogue scopes); yields its URL."""

    class Proxy(BaseHTTPRequestHandler):
        def _forward(self) -> None:
            if self.path.startswith(SIP_PROFILES):
                body = (
                    b'{"message": "Missing the required permission telephony:sipprofile:view", '
                    b'"code": "missing.permissions", "status": 403, "contextId": "ctx-403"}'
                )
                self._reply(403, body, "application/json")
                return
            length = int(self.headers.get("Content-Length") or 0)
            upstream = httpx.request(
                self.command,
                f"{emulator.url}{self.path}",
                content=self.rfile.read(length) if length else None,
                headers={k: v for k, v in self.headers.items() if k.lower() not in ("host", "content-length")},
                timeout=30,
            )
            self._reply(upstream.status_code, upstream.content, upstream.headers.get("content-type", ""))

        def _reply(self, status: int, body: bytes, content_type: str) -> None:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        do_GET = do_POST = do_PUT = do_DELETE = _forward  # noqa: N815 - http.server's names

        def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - http.server's signature
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Proxy)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def test_a_403_on_a_catalogue_read(emulator, new_project) -> None:
    project = new_project([trunk("err-forbidden")])
    with refusing_catalogue_reads(emulator) as url:
        project.config_set("genesys:apiUrl", url)
        preview = project.preview(check=False)
    assert preview.returncode != 0
    assert_message_alone(preview.stdout + preview.stderr, "403 missing.permissions: Missing the required permission")


def test_a_conflict_on_create(emulator, new_project) -> None:
    desired = trunk("err-conflict")
    made = edge_made_by_hand(emulator, desired, "made-by-hand-conflict")
    try:
        project = new_project([desired])
        up = project.up(check=False)
        assert up.returncode != 0
        assert_message_alone(up.stdout + up.stderr, f"already exists in edge group {desired['edgeGroupId']}")
    finally:
        emulator.api("DELETE", f"{EDGES}/{made['id']}")


# --------------------------------------------------------------------------------------------- the line


@pytest.fixture
def error_project(tmp_path: Path) -> PulumiProject:
    return PulumiProject.copied(PROBE_PROJECT, tmp_path)


def test_an_error_type_of_the_project_is_its_message_alone(error_project: PulumiProject) -> None:
    error_project.config_set("fail", "refusal")
    preview = error_project.preview(check=False)
    assert preview.returncode != 0
    assert_message_alone(preview.stdout + preview.stderr, "the probe refuses: say why, and what to change")


def test_a_python_exception_keeps_its_traceback(error_project: PulumiProject) -> None:
    error_project.config_set("fail", "bug")
    preview = error_project.preview(check=False)
    output = preview.stdout + preview.stderr
    assert preview.returncode != 0
    assert "Traceback (most recent call last)" in output, output
    assert "KeyError: 'no-such-key'" in output, output
