from __future__ import annotations

import pytest
import respx

from providers import registration_outcome, session, sip_profiles
from providers.genesys_api import close_shared_clients
from providers.genesys_api.testing import TEST_BASE_URL, TEST_CLIENT_ID, TEST_CLIENT_SECRET, token_reply
from tests.unit.provider_fixtures import CREATED, EVENTS, SUCCESS


@pytest.fixture
def api():
    """A respx router for the test API, with a token endpoint, and the providers' session pointed at it."""
    close_shared_clients()
    sip_profiles.reset_cache()
    config = {
        "genesys:apiUrl": TEST_BASE_URL,
        "genesys:clientId": TEST_CLIENT_ID,
        "genesys:clientSecret": TEST_CLIENT_SECRET,
        "genesys:maxRetries": "1",
    }
    session.configure(config.get)
    with respx.mock(base_url=TEST_BASE_URL, assert_all_called=False) as router:
        router.post("/oauth/token").respond(200, json=token_reply())
        router.post(EVENTS, name="events").respond(200, json={"events": [CREATED, SUCCESS]})
        yield router
    close_shared_clients()
    sip_profiles.reset_cache()


@pytest.fixture(autouse=True)
def no_registration_waits(monkeypatch):
    """Waiting for a registration outcome sleeps between event queries: not in unit tests."""
    monkeypatch.setattr(registration_outcome.time, "sleep", lambda _seconds: None)
