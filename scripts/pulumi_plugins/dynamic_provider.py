"""Serves Pulumi dynamic providers (`python -m pulumi.dynamic`) with more gRPC workers.

The SDK's provider server handles 4 calls at a time. A trunk's create waits for its carrier
registration (about a second), so with 4 workers 50 trunks queue behind each other; the
waiting is cheap (one shared poller, see providers/registration_watch.py), so more workers
let those waits overlap. PULUMI_DYNAMIC_PROVIDER_WORKERS sets the count (default 32).
"""

from __future__ import annotations

import os
import runpy
import sys
from concurrent import futures

import grpc

WORKERS = int(os.environ.get("PULUMI_DYNAMIC_PROVIDER_WORKERS", "32"))
_server = grpc.server


def server(_executor: futures.Executor, *args, **kwargs) -> grpc.Server:
    return _server(futures.ThreadPoolExecutor(max_workers=WORKERS), *args, **kwargs)


grpc.server = server
# As under `python -m`: the project directory (where the engine starts plugins) comes first, so
# providers pickled by reference (`providers.edge`) import from there.
sys.path[0] = os.getcwd()
runpy.run_module("pulumi.dynamic", run_name="__main__", alter_sys=True)
