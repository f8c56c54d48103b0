"""Routes every dialect's entities share: the four of a writable entity (``POST`` the collection; ``GET``,
``PUT``, ``DELETE`` one by id, thin over a service; its list stays with its module, as filters differ)
and the two of a seeded read-only one (list by name, get by id)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from typing import Any, Protocol

from fastapi import APIRouter, Depends
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from ..auth import Principal
from ..errors import not_found
from ..paging import parse_page
from ..services import Services
from .common import read_json, services

Caller = Callable[[Request], Awaitable[Principal]]


class EntityService(Protocol):
    def get(self, entity_id: str) -> dict[str, Any]: ...

    def create(self, body: Any, client_id: str | None) -> dict[str, Any]: ...

    def update(self, entity_id: str, body: Any, client_id: str | None) -> dict[str, Any]: ...

    def delete(self, entity_id: str, client_id: str | None) -> None: ...


class Seeded(Protocol):
    @property
    def id(self) -> str: ...

    @property
    def name(self) -> str: ...

    def doc(self) -> dict[str, Any]: ...


def add_entity_routes(
    router: APIRouter,
    path: str,
    service: Callable[[Services], EntityService],
    *,
    reader: Caller,
    writer: Caller,
    create_status: int,
) -> None:
    """Declare the routes on ``router``; after any fixed sub-path of ``path`` that ``{id}`` would take."""

    async def create(request: Request, who: Principal = Depends(writer)) -> JSONResponse:  # noqa: B008
        body = await read_json(request)
        doc = await run_in_threadpool(service(services(request)).create, body, who.client_id)
        return JSONResponse(doc, status_code=create_status)

    async def get(request: Request, entity_id: str, _: Principal = Depends(reader)) -> JSONResponse:  # noqa: B008
        return JSONResponse(await run_in_threadpool(service(services(request)).get, entity_id))

    async def update(request: Request, entity_id: str, who: Principal = Depends(writer)) -> JSONResponse:  # noqa: B008
        body = await read_json(request)
        return JSONResponse(await run_in_threadpool(service(services(request)).update, entity_id, body, who.client_id))

    async def delete(request: Request, entity_id: str, who: Principal = Depends(writer)) -> Response:  # noqa: B008
        await run_in_threadpool(service(services(request)).delete, entity_id, who.client_id)
        return Response(status_code=204)

    router.add_api_route(path, create, methods=["POST"])
    for endpoint, method in ((get, "GET"), (update, "PUT"), (delete, "DELETE")):
        router.add_api_route(f"{path}/{{entity_id}}", endpoint, methods=[method])


def add_seeded_routes(
    router: APIRouter, path: str, entries: Sequence[Seeded], kind: str, *, reader: Caller, links: bool = False
) -> None:
    """``GET path[?name=]`` (exact name, any case; with the Platform API's paging links when ``links``) and
    ``GET path/{id}``."""
    by_id = {entry.id: entry for entry in entries}

    async def listing(request: Request, _: Principal = Depends(reader)) -> JSONResponse:  # noqa: B008
        page = parse_page(request.query_params)
        name = (request.query_params.get("name") or "").lower()
        found = page.slice([e.doc() for e in entries if not name or e.name.lower() == name])
        return JSONResponse(page.links(found, request.url.path, request.query_params) if links else found)

    async def one(entity_id: str, _: Principal = Depends(reader)) -> JSONResponse:  # noqa: B008
        entry = by_id.get(entity_id)
        if entry is None:
            raise not_found(kind, entity_id)
        return JSONResponse(entry.doc())

    router.add_api_route(path, listing, methods=["GET"])
    router.add_api_route(f"{path}/{{entity_id}}", one, methods=["GET"])
