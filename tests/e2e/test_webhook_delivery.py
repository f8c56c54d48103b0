"""A new trunk's status webhook exists before its edge registers, so it delivers the registration outcome."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from devtools.trunks_project import trunk
from tests.support.waiting import wait_until

pytestmark = pytest.mark.e2e


@pytest.fixture
def receiver() -> Iterator[tuple[str, list[dict]]]:
    """A loopback HTTP receiver: its URL and the JSON bodies POSTed to it."""
    received: list[dict] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 - the http.server hook name
            received.append(json.loads(self.rfile.read(int(self.headers["Content-Length"]))))
            self.send_response(204)
            self.end_headers()

        def log_message(self, *_args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/genesys-events", received
    finally:
        server.shutdown()


def test_the_webhook_receives_the_registration_outcome_of_its_new_trunk(emulator, new_project, receiver):
    url, received = receiver
    emulator.settings(registration_delay_seconds=1.5)  # a carrier takes a moment, as real ones do
    try:
        project = new_project([trunk("hook-a", webhook={"targetUri": url}), trunk("hook-b")])
        project.up()
    finally:
        emulator.settings(registration_delay_seconds=0.3)
    out = project.trunks_output()["hook-a"]
    assert out["registrationStatus"] == "registered"
    success = "telephony:edge:registration:success"

    def delivered() -> bool:
        return any(
            d["eventType"] == success and d["status"] == "delivered" for d in emulator.deliveries(out["webhookId"])
        )

    assert wait_until(delivered, 10), emulator.deliveries(out["webhookId"])
    bodies = [b for b in received if b.get("eventType") == success]
    assert [b.get("resourceId") for b in bodies] == [out["edgeId"]], received  # only its own edge's events
