"""Builds the emulator: services wired from a :class:`Settings`, routes, middleware, workers."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse

from . import __version__
from .errors import ERROR_SHAPE, ApiError, error_body, error_response
from .gateway import ApiGateway
from .requestlog import RequestLogMiddleware
from .routes import (
    admin,
    analytics,
    audits,
    edges,
    oauth,
    outbound_routes,
    sites,
    topics,
    trunk_bases,
    trunks,
    webhooks,
)
from .services import build_services
from .settings import Settings

log = logging.getLogger("emulator")


def build_app(settings: Settings) -> FastAPI:
    """The ASGI app. Background workers run only while the app's lifespan is active."""
    services = build_services(settings)

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        services.registrations.start(services.registration_completers())
        services.deliveries.start()
        pending = services.registrations.pending()
        if pending:
            log.info("resuming %d pending registration(s)", pending)
        try:
            yield
        finally:
            services.registrations.stop()
            services.deliveries.stop()
            services.store.close()

    app = FastAPI(
        title="Genesys Cloud emulator",
        version=__version__,
        lifespan=lifespan,
        docs_url="/_emulator/docs",
        openapi_url="/_emulator/openapi.json",
        redoc_url=None,
    )
    app.state.services = services
    # The Platform API's routes before the seed's `/edges/{edge_id}`, which would take `trunkbasesettings`,
    # `sites` or `trunks` for an edge id.
    platform = (trunk_bases.router, outbound_routes.router, sites.router, trunks.router, audits.router, topics.router)
    seed = (edges.router, webhooks.router, analytics.router)
    for router in (oauth.router, *platform, *seed, admin.router, trunk_bases.admin_router):
        app.include_router(router)

    @app.exception_handler(ApiError)
    async def api_error(request: Request, exc: ApiError) -> JSONResponse:
        return error_response(exc, getattr(request.state, ERROR_SHAPE, error_body))

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        if exc.status_code == 404:
            code, message = "not.found", f"No resource at {request.method} {request.url.path}"
        elif exc.status_code == 405:
            code, message = "method.not.allowed", f"Method {request.method} is not allowed on {request.url.path}"
        else:
            code, message = "bad.request" if exc.status_code < 500 else "internal.server.error", str(exc.detail)
        return JSONResponse(
            error_body(exc.status_code, code, message),
            status_code=exc.status_code,
            headers=getattr(exc, "headers", None),
        )

    @app.exception_handler(Exception)
    async def unexpected(_: Request, exc: Exception) -> JSONResponse:
        log.error("unhandled error: %s", exc, exc_info=exc)
        return JSONResponse(error_body(500, "internal.server.error", "Internal server error"), status_code=500)

    # added last = outermost: the log sees what the gateway answered
    app.add_middleware(ApiGateway, tokens=services.tokens, limiter=services.limiter, faults=services.faults)
    app.add_middleware(RequestLogMiddleware, log=services.request_log)
    return app
