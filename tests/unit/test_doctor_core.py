"""The doctor's dialect-neutral core: settings provenance, the read-only wire, permission judgement, findings."""

from __future__ import annotations

import httpx
import pytest

from doctor import api, cli, connection, render
from emulator.testing import free_port
from genesys_api import Call, ConfigurationError, ForbiddenError, NotFoundError, ServerError
from inspection.findings import Level, Section, exit_status, fail, info, ok, ordered, warn
from inspection.permissions import Need, judge
from inspection.reads import Outcome, QueryRefused, Reads

CREDENTIALS = {"genesys:clientId": "cid", "genesys:clientSecret": "shh"}


@pytest.mark.parametrize(
    ("config", "environ", "source", "dialect", "reason"),
    [
        ({"genesys:apiUrl": "http://127.0.0.1:1"}, {}, "genesys:apiUrl", "seed", "the default for an explicit URL"),
        ({"genesys:region": "eu-west-1"}, {}, "genesys:region", "cloud", "the default for a region"),
        ({}, {"GENESYSCLOUD_REGION": "us-west-2"}, "GENESYSCLOUD_REGION", "cloud", "the default for a region"),
        ({}, {"GENESYSCLOUD_API_URL": "http://h:2"}, "GENESYSCLOUD_API_URL", "seed", "the default for an explicit"),
        (
            {"genesys:apiUrl": "http://127.0.0.1:1", "genesys:region": "eu-west-1", "genesys:dialect": "seed"},
            {"GENESYSCLOUD_REGION": "us-west-2"},
            "genesys:apiUrl",
            "seed",
            "genesys:dialect is 'seed'",
        ),
        ({"genesys:region": "eu-west-1"}, {"GENESYSCLOUD_API_URL": "http://h:2"}, "genesys:region", "cloud", "region"),
    ],
)
def test_the_endpoint_names_the_setting_that_chose_it(config, environ, source, dialect, reason):
    endpoint = api.resolve({**CREDENTIALS, **config}, environ)
    assert (endpoint.source, endpoint.dialect) == (source, dialect)
    assert endpoint.dialect_reason.startswith(reason) or reason in endpoint.dialect_reason
    assert "shh" not in connection.endpoint(endpoint).message


def test_a_region_endpoint_shows_both_hosts():
    endpoint = api.resolve({**CREDENTIALS, "genesys:region": "eu-west-1"}, {})
    assert endpoint.where == "region eu-west-1 (https://api.mypurecloud.ie, login https://login.mypurecloud.ie)"


def test_missing_settings_are_the_clients_own_error():
    with pytest.raises(ConfigurationError, match="genesys:clientId is not set"):
        api.resolve({"genesys:apiUrl": "http://127.0.0.1:1"}, {})


@pytest.mark.parametrize("method", ["PUT", "DELETE", "PATCH", "POST"])
def test_the_wire_refuses_anything_but_a_get_and_the_token(method):
    wire = api.Wire(token_path="/oauth/token")
    settings = api.resolve({**CREDENTIALS, "genesys:apiUrl": "http://127.0.0.1:9"}, {}).settings
    http = wire.http(settings)
    try:
        with pytest.raises(api.WriteRefused, match=f"refused to send {method} /api/v2/x"):
            http.request(method, "http://127.0.0.1:9/api/v2/x")  # nothing listens there: refused before sending
        with pytest.raises(httpx.ConnectError):
            http.get("http://127.0.0.1:9/api/v2/x")
        with pytest.raises(httpx.ConnectError):
            http.post("http://127.0.0.1:9/oauth/token")
    finally:
        wire.close()
    assert wire.exchanges == []


def test_the_wire_sends_the_queries_a_dialect_names_and_no_other_post():
    wire = api.Wire(token_path="/oauth/token", queries=frozenset({"/api/v2/audits/query/realtime"}))
    settings = api.resolve({**CREDENTIALS, "genesys:apiUrl": "http://127.0.0.1:9"}, {}).settings
    http = wire.http(settings)
    try:
        with pytest.raises(httpx.ConnectError):  # let through: nothing listens there
            http.post("http://127.0.0.1:9/api/v2/audits/query/realtime", json={})
        with pytest.raises(api.WriteRefused, match="refused to send POST /api/v2/audits/query"):
            http.post("http://127.0.0.1:9/api/v2/audits/query", json={})
        with pytest.raises(api.WriteRefused, match="refused to send PUT /api/v2/audits/query/realtime"):
            http.put("http://127.0.0.1:9/api/v2/audits/query/realtime", json={})
    finally:
        wire.close()
    client, own_wire = api.open_client(api.resolve({**CREDENTIALS, "genesys:apiUrl": "http://127.0.0.1:9"}, {}))
    try:
        with pytest.raises(QueryRefused, match="it is not a read-only query"):
            Reads(client).query(Call("POST", "/api/v2/x", "/api/v2/x", body={}))
    finally:
        client.close()
        own_wire.close()


def _wire(*exchanges: tuple[str, str, int], headers: dict[str, str] | None = None) -> api.Wire:
    wire = api.Wire(token_path="/oauth/token")
    wire.exchanges = [api.Exchange(*e) for e in exchanges]
    wire.rate_limit = headers or {}
    return wire


LIMIT = {"inin-ratelimit-allowed": "300", "inin-ratelimit-count": "4", "inin-ratelimit-reset": "42"}


def test_rate_limit_headers_seen_are_shown():
    found = connection.rate_limit(_wire(("POST", "/oauth/token", 200), ("GET", "/api/v2/a", 200), headers=LIMIT))
    assert found.level is Level.OK
    assert found.message == (
        "inin-ratelimit-allowed 300, inin-ratelimit-count 4, inin-ratelimit-reset 42 "
        "(1 API read(s) this run, each once)"
    )


def test_no_rate_limit_headers_and_a_spent_window_are_warnings():
    assert connection.rate_limit(_wire(("GET", "/api/v2/a", 200))).level is Level.WARN
    busy = connection.rate_limit(_wire(headers={**LIMIT, "inin-ratelimit-count": "290"}))
    assert busy.level is Level.WARN and busy.fix and busy.fix.startswith("wait 42 s")


def test_a_read_sent_twice_is_reported_but_a_401_retry_is_not():
    wire = _wire(("GET", "/api/v2/a", 401), ("GET", "/api/v2/a", 200), ("GET", "/api/v2/b", 200), headers=LIMIT)
    assert connection.rate_limit(wire).level is Level.OK
    wire.exchanges.append(api.Exchange("GET", "/api/v2/b", 200))
    found = connection.rate_limit(wire)
    assert found.level is Level.WARN and "repeated: GET /api/v2/b" in found.message


READ = "scope r"
WRITE = "scope w"
NEEDS = [
    Need("GET", "/things/{id}", READ, ("preview",)),
    Need("GET", "/things", READ, ("up",)),
    Need("POST", "/things", WRITE, ("up",)),
    Need("GET", "/others", WRITE, ("up",)),
    Need("DELETE", "/others/{id}", WRITE, ("destroy",)),
]


def _forbidden(message: str) -> Outcome:
    return Outcome(error=ForbiddenError(message, status=403, code="missing.any.permissions"))


def _by_subject(evidence: dict[str, Outcome], needs: list[Need] = NEEDS) -> dict[str, tuple[Level, str]]:
    return {f.subject: (f.level, f.message) for f in judge(needs, evidence, "cid")}


def test_a_read_is_judged_by_its_own_reply_and_a_404_still_shows_the_grant():
    found = _by_subject(
        {"GET /things/{id}": Outcome(error=NotFoundError("no such thing", status=404)), "GET /things": Outcome([])}
    )
    assert found["GET /things/{id} [preview]"] == (Level.OK, "allowed (scope r)")
    assert found["GET /things [up]"] == (Level.OK, "allowed (scope r)")


def test_a_write_is_judged_by_a_read_of_the_same_grant_or_named_as_not_checkable():
    found = _by_subject({"GET /others": Outcome([]), "GET /things": Outcome([])})
    assert found["DELETE /others/{id} [destroy]"] == (Level.OK, "needs the scope w, held: GET /others answered with it")
    assert found["POST /things [up]"] == (Level.OK, "needs the scope w, held: GET /others answered with it")
    alone = _by_subject({}, [Need("PUT", "/x/{id}", "scope x", ("up",), if_missing="up stops")])
    assert alone["PUT /x/{id} [up]"] == (Level.INFO, "not checkable without sending a PUT; needs the scope x")


def test_a_refused_grant_fails_every_call_that_needs_it_in_the_orgs_words():
    findings = judge(NEEDS, {"GET /others": _forbidden("Missing scope w"), "GET /things": Outcome([])}, "cid")
    failed = {f.subject: f for f in findings if f.level is Level.FAIL}
    assert set(failed) == {"POST /things [up]", "GET /others [up]", "DELETE /others/{id} [destroy]"}
    assert failed["GET /others [up]"].message == "refused: 403 Missing scope w"
    assert failed["DELETE /others/{id} [destroy]"].message == (
        "needs the scope w, refused on GET /others: 403 Missing scope w"
    )
    assert failed["POST /things [up]"].fix == "give the OAuth client 'cid' the scope w"


def test_a_grant_the_stack_does_not_need_yet_is_a_warning_and_an_error_is_no_verdict():
    needs = [Need("GET", "/hooks", "scope h", ("up",), "no trunk sets webhook")]
    refused = judge(needs, {"GET /hooks": _forbidden("nope")}, "cid")[0]
    assert (
        refused.level is Level.WARN and refused.message == "refused: 403 nope (not needed yet: no trunk sets webhook)"
    )
    broken = judge(needs, {"GET /hooks": Outcome(error=ServerError("down", status=503))}, "cid")[0]
    assert broken.level is Level.WARN and broken.message == "could not tell: 503 down"


def test_exit_status_order_and_text():
    findings = [
        ok(Section.CATALOGUE, "c", "fine"),
        warn(Section.UNKNOWNS, "u", "odd", "look"),
        info(Section.PERMISSIONS, "p", "untold", "grant it"),
        ok(Section.CONNECTION, "token", "fetched"),
    ]
    assert exit_status(findings) == 0
    assert exit_status([*findings, fail(Section.CONFIG, "k", "bad", "fix it")]) == 1
    lines = render.text("head", ordered(findings)).splitlines()
    assert lines == [
        "head",
        "ok    connection   token: fetched",
        "info  permissions  p: untold  -> fix: grant it",
        "ok    catalogue    c: fine",
        "warn  unknowns     u: odd  -> fix: look",
        "summary: 2 ok, 1 info, 1 warn, 0 fail",
    ]


def test_an_endpoint_where_nothing_answers_fails_at_the_token_without_retrying():
    url = f"http://127.0.0.1:{free_port()}"
    endpoint = api.resolve({**CREDENTIALS, "genesys:apiUrl": url}, {})
    client, wire = api.open_client(endpoint)
    try:
        found = connection.token(client, endpoint)
    finally:
        client.close()
        wire.close()
    assert found.level is Level.FAIL and found.message.startswith(
        f"cannot reach {url}: token request failed: ConnectError"
    )
    assert found.fix and "genesys:apiUrl" in found.fix
    assert client.stats.token_fetches == 1


def test_pages_of_one_list_are_not_repeats():
    wire = _wire(headers=LIMIT)
    wire.exchanges = [
        api.Exchange("GET", "/api/v2/things", 200, "pageSize=500&pageNumber=1"),
        api.Exchange("GET", "/api/v2/things", 200, "pageSize=500&pageNumber=2"),
    ]
    assert wire.sent_twice() == []
    assert [str(e) for e in wire.exchanges][1] == "GET /api/v2/things?pageSize=500&pageNumber=2 200"
    wire.exchanges.append(wire.exchanges[1])
    assert wire.sent_twice() == ["GET /api/v2/things?pageSize=500&pageNumber=2"]


def test_a_dialect_without_checks_fails_before_any_request(monkeypatch):
    monkeypatch.setattr(cli, "dialect_named", lambda name: None)
    findings, meta = cli.diagnose({**CREDENTIALS, "genesys:region": "eu-west-1"})
    assert [(f.subject, f.level) for f in findings] == [("endpoint", Level.OK), ("dialect", Level.FAIL)]
    assert findings[1].message == "the doctor has no checks for the 'cloud' dialect"
    assert meta == {"endpoint": "https://api.mypurecloud.ie", "dialect": "cloud", "clientId": "cid"}


def test_missing_credentials_fail_with_the_keys_to_set(monkeypatch):
    for name in ("GENESYSCLOUD_OAUTHCLIENT_ID", "GENESYSCLOUD_OAUTHCLIENT_SECRET"):
        monkeypatch.delenv(name, raising=False)
    findings, _ = cli.diagnose({"genesys:apiUrl": "http://127.0.0.1:1"})
    assert [(f.section, f.subject, f.level) for f in findings] == [(Section.CONNECTION, "settings", Level.FAIL)]
    assert "genesys:clientId is not set" in findings[0].message
    assert "genesys:clientSecret is not set" in findings[0].message
