"""The language host's `RunPlugin`: a Python plugin folder, such as a policy pack (`pulumi preview
--policy-pack DIR`), run in its own virtualenv, its output streamed to the engine as it is written.

The engine reads the port the plugin prints on stdout and then talks to it over gRPC; when the operation
ends it cancels the call, which ends the plugin. As the official host does, a plugin runs only in a
virtualenv (its PulumiPolicy.yaml's `virtualenv` option, `venv` when unset), never in an ambient Python.
"""

from __future__ import annotations

import contextlib
import os
import queue
import subprocess
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO, Literal

from protos import language_pb2

RUNNER = Path(__file__).with_name("run_plugin.py")
#: A plugin folder without a `virtualenv` option runs in this one (the official host's default).
DEFAULT_VIRTUALENV = "venv"
#: The status reported for a plugin that could not be started (its reason goes to stderr first).
NOT_STARTED = 1
_CHUNK = 64 * 1024


class PluginNotRunnable(Exception):
    """The plugin folder names no interpreter that exists; the message says how to make it."""


def plugin_python(info: language_pb2.ProgramInfo) -> str:
    """The plugin's interpreter: its virtualenv, relative to the plugin folder unless absolute."""
    options = dict(info.options.items()) if info.HasField("options") else {}
    venv = str(options.get("virtualenv") or DEFAULT_VIRTUALENV)
    root = Path(info.root_directory or info.program_directory or ".")
    python = (root / venv).resolve() / "bin" / "python"
    if not python.exists():
        raise PluginNotRunnable(
            f"the plugin in {root} runs in the virtualenv {venv!r} (the `virtualenv` option of its "
            f"PulumiPolicy.yaml or PulumiPlugin.yaml), but {python} does not exist: create it and install the "
            "plugin's requirements into it (in genesys-trunks: `make policy-venv`)"
        )
    return str(python)


def environment(request: language_pb2.RunPluginRequest) -> dict[str, str]:
    """The host's environment with the engine's entries (``KEY=VALUE``) for this plugin over it."""
    env = dict(os.environ)
    for entry in request.env:
        key, sep, value = entry.partition("=")
        if sep:
            env[key] = value
    return env


def start(request: language_pb2.RunPluginRequest, host_pid: int) -> subprocess.Popen[bytes]:
    """The plugin's process, started in the engine's working directory with pipes for its output."""
    folder = request.info.program_directory or request.program
    args = [plugin_python(request.info), "-u", str(RUNNER), "--host-pid", str(host_pid), folder, *request.args]
    return subprocess.Popen(
        args,
        cwd=request.pwd or None,
        env=environment(request),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )


def stream(process: subprocess.Popen[bytes]) -> Iterator[language_pb2.RunPluginResponse]:
    """Each piece of the plugin's stdout and stderr as it comes, then its exit status."""
    pieces: queue.Queue[tuple[Literal["stdout", "stderr"], bytes | None]] = queue.Queue()

    def pump(pipe: IO[bytes] | None, kind: Literal["stdout", "stderr"]) -> None:
        if pipe is None:
            pieces.put((kind, None))
            return
        with pipe:
            while chunk := os.read(pipe.fileno(), _CHUNK):  # what has come, as soon as it has
                pieces.put((kind, chunk))
        pieces.put((kind, None))

    threading.Thread(target=pump, args=(process.stdout, "stdout"), name="plugin-stdout", daemon=True).start()
    threading.Thread(target=pump, args=(process.stderr, "stderr"), name="plugin-stderr", daemon=True).start()
    open_pipes = 2
    while open_pipes:
        kind, chunk = pieces.get()
        if chunk is None:
            open_pipes -= 1
        elif kind == "stdout":
            yield language_pb2.RunPluginResponse(stdout=chunk)
        else:
            yield language_pb2.RunPluginResponse(stderr=chunk)
    code = process.wait()
    # Killed by a signal (the engine cancelled the call): reported as a shell would.
    yield language_pb2.RunPluginResponse(exitcode=code if code >= 0 else 128 - code)


def run(
    request: language_pb2.RunPluginRequest,
    on_cancel: Callable[[Callable[[], None]], object],
    host_pid: int,
    started: Callable[[subprocess.Popen[bytes]], None] = lambda _: None,
    ended: Callable[[subprocess.Popen[bytes]], None] = lambda _: None,
) -> Iterator[language_pb2.RunPluginResponse]:
    """`RunPlugin`'s answer: the plugin's output until it exits. ``on_cancel`` registers what to do when the
    engine ends the call (the plugin is killed); ``started`` and ``ended`` are told of the process."""
    try:
        process = start(request, host_pid)
    except (PluginNotRunnable, OSError) as exc:
        yield language_pb2.RunPluginResponse(stderr=f"{exc}\n".encode())
        yield language_pb2.RunPluginResponse(exitcode=NOT_STARTED)
        return

    def kill() -> None:
        with contextlib.suppress(OSError):
            process.kill()

    on_cancel(kill)
    started(process)
    try:
        yield from stream(process)
    finally:
        kill()
        ended(process)
