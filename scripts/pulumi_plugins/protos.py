"""The engine protocol's stubs, loaded without the rest of the pulumi SDK.

The stubs live in ``pulumi.runtime.proto``; importing them the usual way runs ``pulumi/__init__.py`` and
``pulumi/runtime/__init__.py``, which load the whole SDK (automation, mocks, the resource model), and every
service's stubs: about 0.1 s of CPU in a process that the CLI starts twice for every `pulumi` command and that
never uses the SDK. Here the three parent packages are registered as bare packages over their real folders, so
only these stubs (and those they import) and protobuf load.
A process that has already imported the SDK gets the stubs from it unchanged.
"""

from __future__ import annotations

import importlib.util
import sys
import types


def _bare_parents() -> None:
    if "pulumi" in sys.modules:
        return
    spec = importlib.util.find_spec("pulumi")
    if spec is None or not spec.submodule_search_locations:
        return  # no SDK: the import below says so
    root = list(spec.submodule_search_locations)[0]
    for name, folder in (
        ("pulumi", root),
        ("pulumi.runtime", f"{root}/runtime"),
        ("pulumi.runtime.proto", f"{root}/runtime/proto"),
    ):
        package = types.ModuleType(name)
        package.__path__ = [folder]
        package.__package__ = name
        sys.modules[name] = package


_bare_parents()

from pulumi.runtime.proto import language_pb2, language_pb2_grpc, plugin_pb2  # noqa: E402

__all__ = ["language_pb2", "language_pb2_grpc", "plugin_pb2"]
