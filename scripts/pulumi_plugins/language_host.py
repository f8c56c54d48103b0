"""A Python language host for the pulumi CLI: `pulumi up` runs `__main__.py` through it.

The official host (`pulumi-language-python`, a Go program) is not served by the Go module
proxy this project builds its CLI from, so this small gRPC server takes its place. It speaks
the engine's LanguageRuntime protocol with the stubs the pulumi Python SDK ships, and runs
each program in a child interpreter (the project's virtualenv) via `run_program.py`, and each
Python plugin folder the engine asks it to run, such as a policy pack (`--policy-pack DIR`), in the
plugin's own virtualenv via `run_plugin.py` (plugin_runs.py).

The engine starts it as `pulumi-language-python [flags] ENGINE_ADDRESS`, reads the port it
prints on stdout, and kills it when the operation ends. Nothing it starts outlives it: the program
runner dies with it (lifeline.die_with_parent), and it exits when the CLI is gone, even SIGKILLed
(lifeline.exit_with_parent), taking the runner down first.
"""

from __future__ import annotations

import json
import os
import platform
import signal
import subprocess
import sys
import threading
from concurrent import futures
from pathlib import Path
from typing import Any

import grpc
import lifeline
import plugin_runs
from protos import language_pb2, language_pb2_grpc, plugin_pb2

#: Exit code by which a program says it has already shown the user an actionable error.
SHOWN_ERROR_EXIT_CODE = 32
RUNNER = Path(__file__).with_name("run_program.py")


def program_python(info: language_pb2.ProgramInfo) -> str:
    """The interpreter that runs the program: Pulumi.yaml's `virtualenv` option wins."""
    options = dict(info.options.items()) if info.HasField("options") else {}
    venv = options.get("virtualenv") or os.environ.get("PULUMI_RUNTIME_VIRTUALENV")
    if venv:
        root = Path(info.root_directory or ".")
        candidate = (root / venv).resolve() / "bin" / "python"
        if candidate.exists():
            return str(candidate)
        raise FileNotFoundError(
            f"Pulumi.yaml names the virtualenv {venv!r}, but {candidate} does not exist; "
            "create it with `make venv` (or python3 -m venv and pip install -r requirements.txt)"
        )
    return os.environ.get("PULUMI_PYTHON_CMD") or sys.executable


def entry_point(request: language_pb2.RunRequest) -> str:
    info = request.info
    if info.program_directory:
        return str(Path(info.program_directory) / (info.entry_point or "."))
    return request.program or "."


class LanguageHost(language_pb2_grpc.LanguageRuntimeServicer):
    """Only what the engine needs to run a program or a plugin; the rest answers UNIMPLEMENTED, which
    the engine treats as 'not supported by this host' and works around."""

    def __init__(self, engine_address: str, version: str) -> None:
        self.engine_address = engine_address
        self.version = version
        #: Programs and plugins running, ended with the host.
        self._runners: set[subprocess.Popen[bytes]] = set()
        self._lock = threading.Lock()

    def kill_runners(self) -> None:
        """End every program and plugin still running (the host is leaving: nobody would read their results)."""
        with self._lock:
            runners = list(self._runners)
        for runner in runners:
            if runner.poll() is None:
                runner.kill()

    def GetPluginInfo(self, request, context):  # noqa: N802 (gRPC method names)
        return plugin_pb2.PluginInfo(version=self.version)

    def GetRequiredPlugins(self, request, context):  # noqa: N802
        return language_pb2.GetRequiredPluginsResponse()

    def GetRequiredPackages(self, request, context):  # noqa: N802
        return language_pb2.GetRequiredPackagesResponse()

    def About(self, request, context):  # noqa: N802
        python = program_python(request.info)
        if os.path.realpath(python) == os.path.realpath(sys.executable):
            # The CLI asks on every operation; the host usually runs on the program's interpreter.
            return language_pb2.AboutResponse(executable=python, version=platform.python_version())
        version = subprocess.run(
            [python, "-c", "import platform; print(platform.python_version())"],
            capture_output=True,
            text=True,
            check=False,
        ).stdout.strip()
        return language_pb2.AboutResponse(executable=python, version=version)

    def Run(self, request, context):  # noqa: N802
        try:
            python = program_python(request.info)
        except FileNotFoundError as exc:
            return language_pb2.RunResponse(error=str(exc))
        args = [
            python,
            "-u",
            str(RUNNER),
            "--monitor",
            request.monitor_address,
            "--engine",
            self.engine_address,
            "--project",
            request.project,
            "--stack",
            request.stack,
            "--organization",
            request.organization,
            "--root-directory",
            request.info.root_directory,
            "--parallel",
            str(request.parallel),
            "--dry-run",
            "true" if request.dryRun else "false",
            "--host-pid",
            str(os.getpid()),
            entry_point(request),
            *request.args,
        ]
        env = dict(os.environ)
        env["PULUMI_CONFIG"] = json.dumps(dict(request.config))
        env["PULUMI_CONFIG_SECRET_KEYS"] = json.dumps(list(request.configSecretKeys))
        # The program's output goes where ours goes: the engine shows it to the user.
        with self._lock:
            runner = subprocess.Popen(args, cwd=request.pwd or None, env=env)
            self._runners.add(runner)
        try:
            code = runner.wait()
        finally:
            with self._lock:
                self._runners.discard(runner)
        if code == 0:
            return language_pb2.RunResponse()
        if code == SHOWN_ERROR_EXIT_CODE:
            return language_pb2.RunResponse(bail=True)
        return language_pb2.RunResponse(error=f"Program exited with non-zero exit code: {code}")

    def RunPlugin(self, request, context):  # noqa: N802
        """A Python plugin folder (a policy pack), e.g. for `pulumi preview --policy-pack DIR`."""
        yield from plugin_runs.run(request, context.add_callback, os.getpid(), self._started, self._ended)

    def _started(self, process: subprocess.Popen[bytes]) -> None:
        with self._lock:
            self._runners.add(process)

    def _ended(self, process: subprocess.Popen[bytes]) -> None:
        with self._lock:
            self._runners.discard(process)


def plugin_version() -> str:
    """The version the launcher script was installed at (the CLI's), else that of the installed SDK."""
    if version := os.environ.get("PULUMI_LANGUAGE_HOST_VERSION"):
        return version
    from importlib import metadata  # 20 ms of a start that the launcher's version spares every operation

    return metadata.version("pulumi")


def main(argv: list[str]) -> None:
    positional = [a for a in argv if not a.startswith("-")]
    if not positional:
        sys.exit("usage: pulumi-language-python [flags] ENGINE_ADDRESS")
    host = LanguageHost(positional[-1], plugin_version())
    # A running program or plugin holds a worker for its whole life.
    server = grpc.server(futures.ThreadPoolExecutor(max_workers=8))
    language_pb2_grpc.add_LanguageRuntimeServicer_to_server(host, server)
    port = server.add_insecure_port("127.0.0.1:0")
    server.start()

    def stop(*_: Any) -> None:
        host.kill_runners()
        server.stop(grace=0)

    # The engine interrupts its plugins when an operation ends: that is a normal exit.
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, stop)
    lifeline.exit_with_parent(before_exit=host.kill_runners)
    print(port, flush=True)
    server.wait_for_termination()


if __name__ == "__main__":
    main(sys.argv[1:])
