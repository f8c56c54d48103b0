"""An edge's calls on the seed API (as pinned in docs/wire-contract.md), and what the API returns of it.

A create is never sent twice blindly: a lost reply is an ``OutcomeUnknownError`` (then
``find_by_registration``), a registration the edge group already holds a ``ConflictError``. An update PUTs
with the version the caller knows (else a fresh GET's) and re-reads on a version conflict. The password
is unwrapped only in the body, and only when the spec carries one.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any

from pydantic import Field, SecretStr, model_validator

from genesys_api import Call, Collection, Entity, EntityRef, GenesysClient, Page, Refreshed

from .settings import EdgeSettings, RegistrationSettings

EDGES = "/api/v2/telephony/providers/edges"
#: The largest page the seed's edge list serves.
MAX_PAGE_SIZE = 500


class RegistrationSpec(RegistrationSettings):
    """The registration a write sends. The password is write-only and never printed."""

    password: SecretStr | None = None
    """None on an update keeps the password the server has."""


class EdgeSpec(EdgeSettings):
    """The body of an edge's create or update: its settings, and the password when it is to be set."""

    registration: RegistrationSpec


class Registration(Refreshed):
    """Registration as the API returns it: never a password."""

    type: str | None = None
    host: str | None = None
    port: int | None = None
    username: str | None = None


class HealthProbe(Refreshed):
    enabled: bool | None = None
    interval_seconds: int | None = None


class Edge(Entity, Refreshed):
    """A Connect trunk as the API returns it."""

    name: str
    edge_group_id: str | None = None
    edge_group: EntityRef | None = None
    sip_profile_id: str | None = None
    max_concurrent_sessions: int | None = None
    codecs: list[str] = Field(default_factory=list)
    registration: Registration | None = None
    health_probe: HealthProbe | None = None
    description: str | None = None
    registration_status: str | None = None
    registration_status_reason: str | None = None
    registration_status_changed_at: datetime | None = None

    @model_validator(mode="after")
    def _flat_group_id(self) -> Edge:
        """The edge group id, whichever of the flat or nested forms the server sent."""
        if self.edge_group_id is None and self.edge_group is not None:
            self.edge_group_id = self.edge_group.id
        return self

    @property
    def group_id(self) -> str | None:
        return self.edge_group_id

    def registers_as(self, host: str, username: str) -> bool:
        """Whether this edge registers as ``username`` at ``host`` (host case-insensitive): the registration
        an edge group holds once."""
        reg = self.registration
        return reg is not None and reg.username == username and (reg.host or "").lower() == host.lower()


# ---------------------------------------------------------------------------------------------- calls


CALLS = Collection(EDGES)


def get_edge(edge_id: str) -> Call:
    return CALLS.get(edge_id)


def list_edges(page_number: int, page_size: int, name: str | None = None, edge_group_id: str | None = None) -> Call:
    return CALLS.list(page_number, page_size, name=name, edgeGroupId=edge_group_id)


def create_edge(spec: EdgeSpec) -> Call:
    return CALLS.create(edge_body(spec))


def update_edge(edge_id: str, spec: EdgeSpec, version: int) -> Call:
    return CALLS.update(edge_id, edge_body(spec), version)


def delete_edge(edge_id: str) -> Call:
    return CALLS.delete(edge_id)


def edge_body(spec: EdgeSpec) -> dict[str, Any]:
    """The wire body: camelCase, the password unwrapped here and only here, absent fields left out (a PUT
    without a password keeps the stored one)."""
    body = spec.model_dump(by_alias=True, exclude_none=True, exclude={"registration": {"password"}})
    password = spec.registration.password
    if password is not None:
        body["registration"]["password"] = password.get_secret_value()
    return body


class EdgeApi:
    """An edge's operations over a ``GenesysClient``; cheap to build wherever needed."""

    def __init__(self, client: GenesysClient) -> None:
        self.client = client

    def get(self, edge_id: str) -> Edge:
        """The edge; ``NotFoundError`` when it does not exist."""
        return Edge.model_validate(self.client.request_json(get_edge(edge_id)))

    def list(self, name: str | None = None, edge_group_id: str | None = None) -> Iterator[Edge]:
        """All edges matching the filters (``name`` exact, case-insensitive), following every page lazily."""
        return self.client.paged(
            lambda n, size: list_edges(n, size, name=name, edge_group_id=edge_group_id),
            Page[Edge].model_validate,
            self.client.page_size_up_to(MAX_PAGE_SIZE),
        )

    def find_by_registration(self, edge_group_id: str, host: str, username: str) -> Edge | None:
        """The live edge of ``edge_group_id`` registering as ``username`` at ``host`` (host case-insensitive):
        the one a 409 on create or an ``OutcomeUnknownError`` points at."""
        return next((e for e in self.list(edge_group_id=edge_group_id) if e.registers_as(host, username)), None)

    def create(self, spec: EdgeSpec) -> Edge:
        """Create an edge: ``OutcomeUnknownError`` when it may have been applied, ``ConflictError`` when the
        registration already exists in the group."""
        return Edge.model_validate(self.client.request_json(create_edge(spec)))

    def update(self, edge_id: str, spec: EdgeSpec, version: int | None = None) -> Edge:
        """Replace the edge's settings: PUT with ``version`` when the caller knows it, else GET it first;
        re-read and retry on a version conflict."""
        return self.client.update_versioned(
            "edge",
            edge_id,
            self.get,
            lambda v: Edge.model_validate(self.client.request_json(update_edge(edge_id, spec, v))),
            known_version=version,
        )

    def delete(self, edge_id: str) -> bool:
        """Delete the edge; False when it was already gone."""
        return self.client.delete(delete_edge(edge_id))
