"""The Webhook provider: its rules at check time and its lifecycle against a mocked API."""

from __future__ import annotations

import json

import httpx
import pytest

from entities.webhook import WebhookProvider
from genesys_api.fields import target_problem
from lifecycle import created_here
from tests.support.results import outs_of
from tests.unit.provider_fixtures import WEBHOOKS, page

provider = WebhookProvider()


@pytest.fixture(autouse=True)
def _no_edge_created_yet():
    """Each test starts as a fresh provider process that has created no edge."""
    created_here.forget_all()
    yield
    created_here.forget_all()


def webhook_inputs(**over):
    base = {
        "name": "trunk-a status",
        "eventTypes": ["telephony:edge:status:changed"],
        "filterCriteria": "resourceIds:[e1]",
        "targetUri": "https://monitor.example.com/hooks",
        "headers": {"Authorization": "Bearer receiver-token"},
    }
    base.update(over)
    return base


def webhook_entity(webhook_id="w1", version=1, **over):
    base = {
        "id": webhook_id,
        "version": version,
        "state": "active",
        "selfUri": f"{WEBHOOKS}/{webhook_id}",
        "name": "trunk-a status",
        "apiVersion": "v2",
        "eventType": ["telephony:edge:status:changed"],
        "filterCriteria": "resourceIds:[e1]",
        "targetUri": "https://monitor.example.com/hooks",
        "headers": {"Authorization": "Bearer receiver-token"},
        "enabled": True,
        "dateCreated": "2026-11-28T13:00:00.000Z",
        "dateModified": "2026-11-28T13:00:00.000Z",
    }
    base.update(over)
    return base


@pytest.mark.parametrize(
    ("uri", "allowed"),
    [
        ("https://monitor.example.com/hooks", True),
        ("http://127.0.0.1:9000/hook", True),
        ("http://localhost/hook", True),
        ("http://[::1]:8080/hook", True),
        ("http://monitor.example.com/hooks", False),
        ("http://10.0.0.5/hooks", False),
        ("ftp://monitor.example.com/", False),
        ("/relative/path", False),
        ("monitor.example.com", False),
    ],
)
def test_target_rules(uri, allowed):
    assert (target_problem(uri) is None) is allowed


def test_check_names_bad_target_and_event_type():
    result = provider.check(
        {},
        {
            "__provider": "p",
            **webhook_inputs(targetUri="http://monitor.example.com/x", eventTypes=["telephony:edge:exploded"]),
        },
    )
    reasons = {f.property: f.reason for f in result.failures}
    assert set(reasons) == {"targetUri", "eventTypes"}
    assert "https" in reasons["targetUri"]
    assert "telephony:edge:exploded" in reasons["eventTypes"] and "audit:edge:created" in reasons["eventTypes"]


def test_check_refuses_header_injection_without_echoing_the_value():
    bad = {"X-Token": "receiver-token\r\nX-Injected: 1", "Bad Name": "v"}
    reasons = [f.reason for f in provider.check({}, {"__provider": "p", **webhook_inputs(headers=bad)}).failures]
    assert any("headers.X-Token: header values must be printable ASCII" in r for r in reasons), reasons
    assert any("header names must be tokens" in r for r in reasons), reasons
    assert all("receiver-token" not in r for r in reasons)


def test_check_never_echoes_headers():
    result = provider.check({}, {"__provider": "p", **webhook_inputs(headers={"Authorization": 12})})
    assert result.failures and all("receiver-token" not in f.reason for f in result.failures)


def test_lifecycle(api):
    inputs = provider.check({}, {"__provider": "p", **webhook_inputs()}).inputs
    api.get(WEBHOOKS).respond(200, json=page())  # no webhook left by an interrupted run
    post = api.post(WEBHOOKS).respond(201, json=webhook_entity())
    created = provider.create({"__provider": "p", **inputs})
    outs = outs_of(created)
    assert created.id == "w1" and outs["webhookId"] == "w1"
    body = json.loads(post.calls[0].request.content)
    assert body["eventType"] == ["telephony:edge:status:changed"] and body["filterCriteria"] == "resourceIds:[e1]"

    api.get(f"{WEBHOOKS}/w1").respond(200, json=webhook_entity())
    read = provider.read("w1", outs)
    assert provider.diff("w1", outs_of(read), inputs).changes is False

    api.put(f"{WEBHOOKS}/w1").respond(200, json=webhook_entity(version=2, targetUri="https://new.example.com/"))
    news = {**inputs, "targetUri": "https://new.example.com/"}
    assert provider.diff("w1", outs, news).changes is True
    assert outs_of(provider.update("w1", outs, news))["version"] == 2

    api.delete(f"{WEBHOOKS}/w1").respond(204)
    provider.delete("w1", outs)


def test_create_with_unknown_outcome_finds_the_landed_webhook(api):
    post = api.post(WEBHOOKS).mock(side_effect=httpx.RemoteProtocolError("dropped"))
    api.get(WEBHOOKS).mock(
        side_effect=[httpx.Response(200, json=page()), httpx.Response(200, json=page(webhook_entity("landed")))]
    )
    inputs = provider.check({}, {"__provider": "p", **webhook_inputs()}).inputs
    assert provider.create({"__provider": "p", **inputs}).id == "landed"
    assert post.call_count == 1


def test_create_takes_over_the_webhook_an_interrupted_run_made(api):
    """A pending create cleared after a killed `up`: the webhook it made is subscribed to our edge."""
    api.get(WEBHOOKS).respond(
        200, json=page(webhook_entity("other", targetUri="https://x.example.com/"), webhook_entity("left"))
    )
    put = api.put(f"{WEBHOOKS}/left").respond(200, json=webhook_entity("left", version=2))
    post = api.post(WEBHOOKS).respond(201, json=webhook_entity())
    inputs = provider.check({}, {"__provider": "p", **webhook_inputs()}).inputs
    assert provider.create({"__provider": "p", **inputs}).id == "left"
    assert put.call_count == 0  # made with these very settings: nothing to write
    assert post.call_count == 0


def test_create_on_an_edge_this_process_created_looks_for_no_leftover(api):
    created_here.note("e1")
    listed = api.get(WEBHOOKS).respond(200, json=page(webhook_entity("left")))
    api.post(WEBHOOKS).respond(201, json=webhook_entity())
    inputs = provider.check({}, {"__provider": "p", **webhook_inputs()}).inputs
    assert provider.create({"__provider": "p", **inputs}).id == "w1"
    assert listed.call_count == 0
