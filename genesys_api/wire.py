"""What every call and every reply of any Genesys entity is made of: the request (``Call``), the read models'
common fields, references and pages. An entity's own paths, bodies and read models live in its home.

Read models are lenient (unknown fields ignored) so a field Genesys adds never breaks a refresh; field names
are snake_case with the API's camelCase as aliases.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Generic, TypeVar
from urllib.parse import quote

from pydantic import BaseModel, ConfigDict, Field
from pydantic.alias_generators import to_camel

from .errors import NotFoundError

_RETRY_SAFE_METHODS = frozenset({"GET", "HEAD", "PUT", "DELETE"})
#: Where a client-credentials token is asked for, under the login host.
TOKEN_PATH = "/oauth/token"
#: An entity in this state may still be listed, but it is gone.
DELETED = "deleted"


@dataclass(frozen=True)
class Call:
    """One API request, before auth: what the transport sends and what stats and logs are keyed by."""

    method: str
    path: str
    template: str
    """The path with ids as placeholders, e.g. ``/api/v2/webhooks/{id}``: the stats/log key."""
    params: Mapping[str, str | int] | None = None
    body: Any = field(default=None, repr=False)  # may hold a password: never in a repr
    read_only: bool = False
    """A POST that changes nothing (a query): as safe to retry as a GET."""

    @property
    def retry_safe(self) -> bool:
        """Whether sending this twice cannot do harm (idempotent or read-only)."""
        return self.read_only or self.method in _RETRY_SAFE_METHODS


def path_segment(entity_id: str) -> str:
    """An id as one path segment: a stray ``/`` or ``?`` in an id must not address another resource."""
    if not entity_id:
        raise ValueError("entity id must be a non-empty string")
    return quote(str(entity_id), safe="")


def paging(page_number: int, page_size: int, **filters: str | int | None) -> dict[str, str | int]:
    """A list call's query: the page, and every filter that is set."""
    params: dict[str, str | int] = {"pageSize": page_size, "pageNumber": page_number}
    params.update({k: v for k, v in filters.items() if v is not None})
    return params


@dataclass(frozen=True)
class Collection:
    """An entity kind's calls: its list at ``path``, one of them at ``path/{id}``. ``template`` is ``path`` with
    the ids it holds as placeholders (a site's routes: ``/sites/{id}/outboundroutes``), the key of stats, logs
    and permission checks; a top-level collection's is its path."""

    path: str
    template: str = ""

    @property
    def list_template(self) -> str:
        return self.template or self.path

    @property
    def one_template(self) -> str:
        return f"{self.list_template}/{{id}}"

    def one(self, entity_id: str) -> str:
        return f"{self.path}/{path_segment(entity_id)}"

    def list(self, page_number: int, page_size: int, **filters: str | int | None) -> Call:
        return Call("GET", self.path, self.list_template, params=paging(page_number, page_size, **filters))

    def get(self, entity_id: str, params: Mapping[str, str | int] | None = None) -> Call:
        return Call("GET", self.one(entity_id), self.one_template, params=params)

    def create(self, body: Any) -> Call:
        return Call("POST", self.path, self.list_template, body=body)

    def update(self, entity_id: str, body: Mapping[str, Any], version: int) -> Call:
        """A PUT of the whole entity at ``version`` (a stale one is refused: the API's optimistic lock)."""
        return Call("PUT", self.one(entity_id), self.one_template, body={**body, "version": version})

    def delete(self, entity_id: str) -> Call:
        return Call("DELETE", self.one(entity_id), self.one_template)


class WireModel(BaseModel):
    """A reply's shape: camelCase on the wire, snake_case here, unknown fields ignored."""

    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True, extra="ignore")


class Refreshed(WireModel):
    """An entity whose settings refresh reads back: fields it does not declare are kept (under their wire
    names), so a setting the schema gains is read back without an edit here (see ``fields.settings_of``)."""

    model_config = ConfigDict(extra="allow")


class EntityRef(WireModel):
    """A reference to another entity, as in ``edgeGroup: {id, selfUri}`` or ``inboundSite: {id, name}``."""

    id: str
    name: str | None = None
    self_uri: str | None = None


class Entity(WireModel):
    """Fields every Genesys entity carries."""

    id: str
    name: str | None = None
    self_uri: str | None = None
    version: int | None = None
    state: str | None = None
    """``active``, ``inactive`` or ``deleted``: a deleted entity may still be listed and is treated as gone."""
    date_created: datetime | None = None
    date_modified: datetime | None = None

    @property
    def deleted(self) -> bool:
        return self.state == DELETED


T = TypeVar("T")
E = TypeVar("E", bound=Entity)


def live(model: type[E], data: object, call: Call) -> E:
    """``data`` as ``model``, unless it is in state ``deleted``: then it is gone, as a 404 would say."""
    entity = model.model_validate(data)
    if entity.deleted:
        raise NotFoundError(f"{entity.id} was deleted", status=404, method=call.method, path=call.path)
    return entity


class Page(WireModel, Generic[T]):
    """One page of a list reply."""

    entities: list[T] = Field(default_factory=list)
    page_size: int | None = None
    page_number: int | None = None
    total: int | None = None
    page_count: int | None = None

    def has_more(self, requested_page_size: int) -> bool:
        """Whether a next page exists; falls back to "a full page came back" when pageCount is missing."""
        if not self.entities:
            return False
        if self.page_count is not None and self.page_number is not None:
            return self.page_number < self.page_count
        return len(self.entities) >= requested_page_size
