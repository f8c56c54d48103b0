"""Typed errors: each status maps to its class with status, message, code, contextId; nothing secret."""

from __future__ import annotations

import pickle

import httpx
import pytest
import respx

from entities.edge.api import EdgeApi, EdgeSpec
from genesys_api import (
    ConflictError,
    FieldError,
    ForbiddenError,
    GenesysApiError,
    NotFoundError,
    RateLimitedError,
    ServerError,
    UnauthorizedError,
    ValidationError,
    VersionConflictError,
)
from genesys_api.errors import error_from_response
from genesys_api.testing import (
    TEST_BASE_URL,
    client_for_tests,
    error_body,
    settings_for,
    token_reply,
)

EDGES = "/api/v2/telephony/providers/edges"
CONTEXT = "0b5e6a9e-7c1d-4f2a-9a53-2f1f5b0c9d11"
PASSWORD = "carrier-password-9f8e7d"
SPEC = EdgeSpec.model_validate(
    {
        "name": "trunk-a",
        "edgeGroupId": "g1",
        "sipProfileId": "p1",
        "maxConcurrentSessions": 10,
        "codecs": ["G711u"],
        "registration": {"host": "sip.example.com", "username": "u1", "password": PASSWORD},
    }
)


@pytest.fixture
def router():
    with respx.mock(base_url=TEST_BASE_URL, assert_all_called=False) as r:
        r.post("/oauth/token").mock(return_value=httpx.Response(200, json=token_reply("tok-SECRET-123")))
        yield r


@pytest.mark.parametrize(
    "status,code,cls",
    [
        (400, "bad.request", ValidationError),
        (401, "bad.credentials", UnauthorizedError),
        (403, "missing.any.permissions", ForbiddenError),
        (404, "not.found", NotFoundError),
        (409, "general.conflict", ConflictError),
        (409, "version.mismatch", VersionConflictError),
        (429, "too.many.requests", RateLimitedError),
        (500, "internal.server.error", ServerError),
        (503, "service.unavailable", ServerError),
        (418, "teapot", GenesysApiError),
    ],
)
def test_status_maps_to_typed_error(status, code, cls):
    response = httpx.Response(status, json=error_body(status, code, f"message for {status}"))
    err = error_from_response(response, method="GET", path=f"{EDGES}/e1")
    assert type(err) is cls
    assert isinstance(err, GenesysApiError)
    assert (err.status, err.code, err.context_id, err.message) == (
        status,
        code,
        CONTEXT,
        f"message for {status}",
    )
    assert f"contextId={CONTEXT}" in str(err) and f"GET {EDGES}/e1" in str(err)


def test_version_conflict_is_a_conflict():
    assert issubclass(VersionConflictError, ConflictError)


def test_validation_error_carries_field_errors(router):
    message = "codecs[1]: 'G722' is not an allowed codec; allowed: G711u, G711a, G729, Opus, GSM"
    body = error_body(
        400,
        "bad.request",
        message,
        errors=[{"message": message, "code": "bad.request", "fieldName": "codecs[1]"}],
    )
    router.post(EDGES).mock(return_value=httpx.Response(400, json=body))
    with pytest.raises(ValidationError) as info:
        EdgeApi(client_for_tests()).create(SPEC)
    err = info.value
    assert err.errors == [FieldError(message=body["errors"][0]["message"], code="bad.request", field_name="codecs[1]")]
    assert "G722" in str(err)
    assert PASSWORD not in str(err) and PASSWORD not in repr(err)


def test_duplicate_edge_is_conflict(router):
    message = "An edge with registration host sip.example.com and username u1 already exists in edge group g1"
    router.post(EDGES).mock(return_value=httpx.Response(409, json=error_body(409, "general.conflict", message)))
    with pytest.raises(ConflictError) as info:
        EdgeApi(client_for_tests()).create(SPEC)
    assert not isinstance(info.value, VersionConflictError)
    assert "already exists" in str(info.value)


def test_forbidden_names_the_scope(router):
    message = "Missing any of the permissions: telephony:edge:write"
    router.post(EDGES).mock(return_value=httpx.Response(403, json=error_body(403, "missing.any.permissions", message)))
    with pytest.raises(ForbiddenError, match="telephony:edge:write"):
        EdgeApi(client_for_tests()).create(SPEC)


def test_errors_never_show_token_or_request(router):
    router.get(f"{EDGES}/e1").mock(return_value=httpx.Response(404, json=error_body(404, "not.found", "no")))
    with pytest.raises(NotFoundError) as info:
        EdgeApi(client_for_tests()).get("e1")
    err = info.value
    for text in (str(err), repr(err), str(err.__dict__)):
        assert "tok-SECRET-123" not in text and "Bearer" not in text and "Authorization" not in text
    assert err.__cause__ is None  # no httpx exception (which holds the request) chained on


def test_non_json_error_body_still_maps():
    err = error_from_response(httpx.Response(502, text="<html>bad gateway</html>"), method="GET", path="/x")
    assert isinstance(err, ServerError) and err.status == 502 and err.message == "Bad Gateway"


def test_errors_pickle_with_their_fields():
    err = RateLimitedError("slow down", status=429, code="too.many.requests", retry_after=3.0, method="GET", path="/p")
    again = pickle.loads(pickle.dumps(err))
    assert type(again) is RateLimitedError
    assert (again.status, again.code, again.retry_after, str(again)) == (
        429,
        "too.many.requests",
        3.0,
        str(err),
    )


def test_max_retries_zero_means_one_attempt(router):
    get = router.get(f"{EDGES}/e1").mock(return_value=httpx.Response(503, json=error_body(503, "x", "y")))
    with pytest.raises(ServerError):
        EdgeApi(client_for_tests(settings_for(max_retries=0))).get("e1")
    assert get.call_count == 1


def _reply(status: int, body: object) -> httpx.Response:
    return httpx.Response(status, json=body, request=httpx.Request("PUT", f"{TEST_BASE_URL}/x"))


@pytest.mark.parametrize(
    "status,message",
    [
        (409, "The version number of the modified resource must match the version number in the database."),
        (400, "Trunk base settings version 3 does not match the current version 4"),
    ],
)
def test_platform_version_mismatch_texts_are_version_conflicts(status: int, message: str):
    error = error_from_response(
        _reply(status, {"message": message, "code": "general.conflict"}), method="PUT", path="/x"
    )
    assert isinstance(error, VersionConflictError) and error.status == status


def test_a_plain_400_or_409_is_not_a_version_conflict():
    bad = error_from_response(_reply(400, {"message": "name is required"}), method="PUT", path="/x")
    taken = error_from_response(_reply(409, {"message": "duplicate", "code": "duplicate"}), method="POST", path="/x")
    assert type(bad) is ValidationError and type(taken) is ConflictError


def test_platform_error_body_details_become_field_errors():
    body = {
        "message": "Validation failed",
        "code": "bad.request",
        "status": 400,
        "contextId": CONTEXT,
        "details": [{"errorCode": "required", "fieldName": "inboundSite"}],
        "errors": [],
    }
    error = error_from_response(_reply(400, body), method="POST", path="/x")
    assert error.context_id == CONTEXT
    assert error.errors == [FieldError(message="required", code="required", field_name="inboundSite")]


def test_an_error_body_of_unexpected_shape_still_gives_the_status():
    error = error_from_response(_reply(404, ["not", "an", "object"]), method="GET", path="/x")
    assert isinstance(error, NotFoundError) and error.message == "Not Found"
