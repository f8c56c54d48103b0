"""Serves Pulumi dynamic providers (`python -m pulumi.dynamic`) with more gRPC workers, errors a user
can act on as their message alone, and a life bound to the CLI's.

Workers: the SDK's provider server handles 4 calls at a time, and most of a trunk's time is spent
waiting on the network (and a Registration on the carrier), so with 4 workers 50 trunks queue behind
each other. PULUMI_DYNAMIC_PROVIDER_WORKERS sets the count (default: the engine's PULUMI_PARALLEL, else 64).

Errors: the SDK answers every exception a provider raises with its traceback (`_abort_with_traceback`
in pulumi/dynamic/__main__.py), which the CLI prints as the error. An exception of a type the
project's own code defines (a Genesys API error, a configuration error, a provider's error) is a
message written for the user: it is answered with that message alone. Python's and libraries'
exceptions are bugs and keep their traceback.

Life: the process exits as soon as the CLI that started it is gone (see lifeline.py).
"""

from __future__ import annotations

import os
import runpy
import sys
from collections.abc import Callable
from concurrent import futures
from pathlib import Path
from typing import Any

import grpc
import lifeline

WORKERS = int(os.environ.get("PULUMI_DYNAMIC_PROVIDER_WORKERS") or os.environ.get("PULUMI_PARALLEL") or "64")
#: Where the engine starts plugins: the project directory, whose code defines the errors meant for users.
PROJECT = Path.cwd().resolve()
_server = grpc.server


def raised_on_purpose(exc: BaseException, project: Path = PROJECT) -> bool:
    """True for an exception whose type the project's own code defines (outside its virtualenv)."""
    module = sys.modules.get(type(exc).__module__)
    source = getattr(module, "__file__", None)
    if not source:
        return False
    where = Path(source).resolve()
    return where.is_relative_to(project) and not where.is_relative_to(Path(sys.prefix).resolve())


class _MessageOnlyContext:
    """A servicer context whose abort() carries only the message of an exception raised on purpose."""

    def __init__(self, context: grpc.ServicerContext) -> None:
        self._context = context

    def __getattr__(self, name: str) -> Any:
        return getattr(self._context, name)

    def abort(self, code: grpc.StatusCode, details: str) -> None:
        # Called by the SDK from inside its `except`: the exception in flight is the provider's.
        raised = sys.exc_info()[1]
        if raised is not None and raised_on_purpose(raised):
            details = str(raised) or type(raised).__name__
        self._context.abort(code, details)


class MessageOnlyErrors(grpc.ServerInterceptor):
    """Gives every unary call (all a provider serves) a `_MessageOnlyContext`."""

    def intercept_service(self, continuation: Callable[[Any], Any], handler_call_details: Any) -> Any:
        handler = continuation(handler_call_details)
        if handler is None or handler.unary_unary is None:
            return handler
        behaviour = handler.unary_unary

        def message_only(request: Any, context: grpc.ServicerContext) -> Any:
            return behaviour(request, _MessageOnlyContext(context))

        return grpc.unary_unary_rpc_method_handler(
            message_only,
            request_deserializer=handler.request_deserializer,
            response_serializer=handler.response_serializer,
        )


def server(_executor: futures.Executor, *args: Any, interceptors: Any = (), **kwargs: Any) -> grpc.Server:
    return _server(
        futures.ThreadPoolExecutor(max_workers=WORKERS),
        *args,
        interceptors=[MessageOnlyErrors(), *(interceptors or ())],
        **kwargs,
    )


def main() -> None:
    lifeline.exit_with_parent()
    grpc.server = server
    # As under `python -m`: the project directory (where the engine starts plugins) comes first, so
    # providers pickled by reference (`providers.edge`) import from there.
    sys.path[0] = os.getcwd()
    runpy.run_module("pulumi.dynamic", run_name="__main__", alter_sys=True)


if __name__ == "__main__":
    main()
