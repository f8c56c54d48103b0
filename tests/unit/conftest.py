from __future__ import annotations

import pytest
import respx

from providers import session, sip_profiles
from providers.genesys_api import close_shared_clients
from providers.genesys_api.testing import TEST_BASE_URL, TEST_CLIENT_ID, TEST_CLIENT_SECRET, token_reply


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
        yield router
    close_shared_clients()
    sip_profiles.reset_cache()
