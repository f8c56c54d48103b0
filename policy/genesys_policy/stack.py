"""Which stack the pack judges, and a config that names no rule the pack lacks.

The engine names the stack in the analyzer's `ConfigureStack` call, before it asks for the rules and their
levels. The policy SDK keeps only the stack's tags from that call; when the CLI runs a pack through a
language host (as it does for `runtime: python`) nothing else tells it the stack either. So a gRPC
interceptor on the pack's server records the stack (and project, organization and dry-run flag, as the
`PULUMI_*` variables the CLI sets for an analyzer plugin, so `pulumi.get_stack()` answers in a rule too)
and lets the pack set the levels that depend on it.

The engine passes on a `--policy-pack-config` entry for a policy the pack does not have without a word, so
a misspelt rule id would change nothing; the same interceptor refuses it in `Configure`, naming the rules.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from typing import Any

import grpc

CONFIGURE_STACK = "/pulumirpc.Analyzer/ConfigureStack"
CONFIGURE = "/pulumirpc.Analyzer/Configure"
#: A config entry that sets every policy's level.
ALL = "all"


def current() -> str | None:
    """The stack the engine named (or the CLI's PULUMI_STACK for an analyzer plugin); None before either."""
    return os.environ.get("PULUMI_STACK") or None


def record(request: Any) -> None:
    """The stack of an `AnalyzerStackConfigureRequest`, as the CLI tells an analyzer plugin."""
    os.environ["PULUMI_STACK"] = request.stack
    os.environ["PULUMI_PROJECT"] = request.project
    os.environ["PULUMI_DRY_RUN"] = "true" if request.dry_run else "false"
    if request.organization:
        os.environ["PULUMI_ORGANIZATION"] = request.organization


def unknown_names(names: Iterable[str], known: Iterable[str]) -> list[str]:
    """Names of a pack config that are neither a rule of the pack nor `all`."""
    allowed = {*known, ALL}
    return sorted(n for n in names if n not in allowed)


class StackWatch(grpc.ServerInterceptor):
    """Records the stack before the SDK answers `ConfigureStack` (then calls ``on_stack``), and refuses a
    `Configure` that names a policy outside ``policies``."""

    def __init__(self, policies: Iterable[str], on_stack: Callable[[str], None], pack: str) -> None:
        self._policies = sorted(policies)
        self._on_stack = on_stack
        self._pack = pack

    def intercept_service(self, continuation: Callable[[Any], Any], handler_call_details: Any) -> Any:
        handler = continuation(handler_call_details)
        if handler is None or handler.unary_unary is None:
            return handler
        method = handler_call_details.method
        before: Callable[[Any, grpc.ServicerContext], None]
        if method == CONFIGURE_STACK:
            before = self._stack_recorded
        elif method == CONFIGURE:
            before = self._names_checked
        else:
            return handler
        behaviour = handler.unary_unary

        def watched(request: Any, context: grpc.ServicerContext) -> Any:
            before(request, context)
            return behaviour(request, context)

        return grpc.unary_unary_rpc_method_handler(
            watched,
            request_deserializer=handler.request_deserializer,
            response_serializer=handler.response_serializer,
        )

    def _stack_recorded(self, request: Any, context: grpc.ServicerContext) -> None:
        record(request)
        self._on_stack(request.stack)

    def _names_checked(self, request: Any, context: grpc.ServicerContext) -> None:
        strangers = unknown_names(request.policyConfig.keys(), self._policies)
        if strangers:
            context.abort(
                grpc.StatusCode.INVALID_ARGUMENT,
                f"the policy pack config names {', '.join(map(repr, strangers))}, which "
                f"{'is not a rule' if len(strangers) == 1 else 'are not rules'} of the {self._pack} pack; its rules "
                f"are {', '.join(self._policies)} (or `{ALL}` for every rule)",
            )


def serve_with(interceptor: grpc.ServerInterceptor) -> None:
    """Every gRPC server this process makes from now on (the SDK's analyzer server) runs ``interceptor``."""
    make_server = grpc.server

    def server(*args: Any, **kwargs: Any) -> grpc.Server:
        kwargs["interceptors"] = [*(kwargs.get("interceptors") or ()), interceptor]
        return make_server(*args, **kwargs)

    grpc.server = server
