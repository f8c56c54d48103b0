from __future__ import annotations

import json
import re
import time

import httpx
import pytest
import respx

from providers import catalog, registration_watch, session
from providers.genesys_api import close_shared_clients
from providers.genesys_api.testing import TEST_BASE_URL, TEST_CLIENT_ID, TEST_CLIENT_SECRET, token_reply
from tests.unit.provider_fixtures import CREATED, EVENTS, GROUP, GROUPS, SUCCESS


def registered_events(request: httpx.Request) -> httpx.Response:
    """Every edge asked about was created and then registered."""
    match = re.search(r"resourceIds:\[([^\]]*)\]", json.loads(request.content)["filter"])
    ids = match.group(1).split(",") if match else []
    events = [dict(e, resourceId=i, id=f"{e['id']}-{i}") for i in ids for e in (CREATED, SUCCESS)]
    return httpx.Response(200, json={"events": events})


@pytest.fixture
def api():
    """A respx router for the test API, with a token endpoint, and the providers' session pointed at it."""
    close_shared_clients()
    catalog.reset_caches()
    config = {
        "genesys:apiUrl": TEST_BASE_URL,
        "genesys:clientId": TEST_CLIENT_ID,
        "genesys:clientSecret": TEST_CLIENT_SECRET,
        "genesys:maxRetries": "1",
    }
    session.configure(config.get)
    with respx.mock(base_url=TEST_BASE_URL, assert_all_called=False) as router:
        router.post("/oauth/token").respond(200, json=token_reply())
        router.post(EVENTS, name="events").mock(side_effect=registered_events)
        router.get(f"{GROUPS}/{GROUP}", name="group").respond(200, json={"id": GROUP, "name": "Primary BYOC Group"})
        yield router
    close_shared_clients()
    catalog.reset_caches()


class _TimeWithoutWaits:
    """The time module as the registration watcher sees it, minus the waiting."""

    monotonic = staticmethod(time.monotonic)

    @staticmethod
    def sleep(_seconds: float) -> None:
        return None


@pytest.fixture(autouse=True)
def no_registration_waits(monkeypatch):
    """Waiting for a registration outcome sleeps between event queries: not in unit tests. Only the
    watcher's clock is replaced: tests that keep a request in flight with a real sleep still wait."""
    monkeypatch.setattr(registration_watch, "time", _TimeWithoutWaits)
