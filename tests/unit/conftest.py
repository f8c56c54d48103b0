from __future__ import annotations

import json
import re

import httpx
import pytest
import respx

from entities.edge_registration import RegistrationWatcher
from genesys_api import close_shared_clients
from genesys_api.testing import TEST_BASE_URL, TEST_CLIENT_ID, TEST_CLIENT_SECRET, token_reply
from lifecycle import client_access
from lifecycle.listings import reset_listings
from lifecycle.polling import watcher_for
from tests.unit.provider_fixtures import CREATED, EVENTS, GROUP, GROUPS, SUCCESS


def registered_events(request: httpx.Request) -> httpx.Response:
    """Every edge asked about was created and then registered."""
    match = re.search(r"resourceIds:\[([^\]]*)\]", json.loads(request.content)["filter"])
    ids = match.group(1).split(",") if match else []
    events = [dict(e, resourceId=i, id=f"{e['id']}-{i}") for i in ids for e in (CREATED, SUCCESS)]
    return httpx.Response(200, json={"events": events})


@pytest.fixture
def router():
    """A respx router for the test API with a token endpoint: for tests of the client alone (a module that needs
    another token reply defines its own)."""
    with respx.mock(base_url=TEST_BASE_URL, assert_all_called=False) as r:
        r.post("/oauth/token").respond(200, json=token_reply())
        yield r


@pytest.fixture
def api():
    """A respx router for the test API, with a token endpoint, and the providers' session pointed at it."""
    close_shared_clients()
    reset_listings()
    config = {
        "genesys:apiUrl": TEST_BASE_URL,
        "genesys:clientId": TEST_CLIENT_ID,
        "genesys:clientSecret": TEST_CLIENT_SECRET,
        "genesys:maxRetries": "1",
    }
    client_access.configure(config.get)
    # The watcher of this client sleeps between its event queries: not in unit tests.
    watcher_for(client_access.client(), RegistrationWatcher, sleep=lambda _seconds: None)
    with respx.mock(base_url=TEST_BASE_URL, assert_all_called=False) as router:
        router.post("/oauth/token").respond(200, json=token_reply())
        router.post(EVENTS, name="events").mock(side_effect=registered_events)
        router.get(f"{GROUPS}/{GROUP}", name="group").respond(200, json={"id": GROUP, "name": "Primary BYOC Group"})
        yield router
    close_shared_clients()
    reset_listings()
