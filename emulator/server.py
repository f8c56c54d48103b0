"""Running the app under uvicorn, with the two things stock uvicorn does not give us:

* the ready line (``emulator listening on http://HOST:PORT``) once the socket is bound, which is what
  a parent process waits for;
* access to the connection's transport from the app, so a fault can close the socket without sending
  any HTTP reply (uvicorn answers 500 when an app returns without a response, unless the client is
  already gone).
"""

from __future__ import annotations

import asyncio
import socket
import sys
from typing import Any

import uvicorn
from uvicorn.protocols.http.h11_impl import H11Protocol

from .app import build_app
from .faults import TRANSPORT_KEY
from .settings import Settings


class DroppableH11Protocol(H11Protocol):
    """h11 protocol that puts its transport in every request's scope (under ``emulator.transport``)."""

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        inner = self.app

        async def app_with_transport(scope: Any, receive: Any, send: Any) -> None:
            scope[TRANSPORT_KEY] = transport
            await inner(scope, receive, send)

        self.app = app_with_transport


class EmulatorServer(uvicorn.Server):
    """uvicorn server that prints the ready line after binding."""

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        await super().startup(sockets=sockets)
        if not self.started:
            return
        host, port = self.config.host, self.config.port
        for server in getattr(self, "servers", []):
            for sock in server.sockets or []:
                port = sock.getsockname()[1]
                break
        shown = f"[{host}]" if ":" in host else host
        print(f"emulator listening on http://{shown}:{port}", flush=True)


def run(settings: Settings) -> None:
    """Serve until SIGINT/SIGTERM."""
    config = uvicorn.Config(
        build_app(settings),
        host=settings.host,
        port=settings.port,
        http=DroppableH11Protocol,
        ws="none",
        lifespan="on",
        log_level=settings.log_level,
        access_log=settings.log_level in ("debug", "trace"),
        timeout_graceful_shutdown=3,
        server_header=False,
    )
    server = EmulatorServer(config)
    server.run()
    if not server.started:
        sys.exit(1)
