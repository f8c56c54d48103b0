"""`read_json`: a GET's reply as the server sent it, for checks of fields the read models leave out."""

from __future__ import annotations

import httpx
import pytest
import respx

from entities.edge import api as edge_api
from entities.edge.api import EdgeApi
from genesys_api.testing import TEST_BASE_URL, client_for_tests, token_reply

EDGE = "/api/v2/telephony/providers/edges/e1"


@respx.mock
def test_read_json_returns_what_the_models_drop():
    respx.post(f"{TEST_BASE_URL}/oauth/token").mock(return_value=httpx.Response(200, json=token_reply()))
    reply = {"id": "e1", "name": "t", "registration": {"host": "h", "password": "****"}}
    route = respx.get(f"{TEST_BASE_URL}{EDGE}").mock(return_value=httpx.Response(200, json=reply))
    client = client_for_tests()

    assert client.read_json(edge_api.get_edge("e1")) == reply
    assert EdgeApi(client).get("e1").registration is not None  # the model has no password field at all
    assert route.call_count == 2


@respx.mock
def test_read_json_sends_nothing_but_a_get():
    client = client_for_tests()
    with pytest.raises(ValueError, match="read_json sends GETs only, not DELETE /api/v2/telephony/providers/edges/"):
        client.read_json(edge_api.delete_edge("e1"))
    assert respx.calls.call_count == 0
