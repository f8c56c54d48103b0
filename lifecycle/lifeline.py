"""Ends a process soon after the process that started it is gone.

A SIGKILLed `pulumi up` cannot stop what it started: its language host, the program runner the host
starts and the dynamic-provider process (the one holding the stack's credentials) would live on,
re-parented to init. Each binds its life to its parent's here:

- `exit_with_parent()`, for processes the pulumi CLI starts: a thread waits for the parent process
  to end (on a pidfd, woken by the kernel; where there is none, by looking at the parent pid every
  0.2 s) and ends this process. PR_SET_PDEATHSIG is not used there: it fires when the parent
  *thread* that started us ends, and a Go program may end an OS thread while it lives on.
- `die_with_parent()`, for a child whose parent thread waits for it to end (the program runner,
  started and waited for by a worker thread of the language host): PR_SET_PDEATHSIG with SIGKILL,
  so it goes the moment the host does, whatever ends the host; plus `exit_with_parent()`.

One file, two homes. The provider process imports it as `providers.lifeline`: it runs in the project
directory, under this project's dynamic-provider plugin or under pulumi's own. The project's plugins
(scripts/pulumi_plugins/) are copied by scripts/bootstrap-pulumi.sh into the tools dir and run from
there, outside any project, so this file goes with them (scripts/pulumi_plugins/lifeline.py links
here and is copied as a file) and they import it as `lifeline`. Hence: standard library only.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import select
import signal
import sys
import threading
import time
from collections.abc import Callable

#: How often the parent pid is looked at where no pidfd can be had.
POLL_SECONDS = 0.2
#: The watching thread's name: one per process, even when this file is loaded under both its names.
THREAD_NAME = "exit-with-parent"
_PR_SET_PDEATHSIG = 1
_lock = threading.Lock()


def exit_with_parent(
    status: int = 0, *, parent: int | None = None, before_exit: Callable[[], object] | None = None
) -> bool:
    """Exit with ``status`` (after ``before_exit``) once ``parent`` (default: the current parent) has ended.

    Returns False when this process is watched already."""
    with _lock:
        if any(t.name == THREAD_NAME for t in threading.enumerate()):
            return False
        watched = os.getppid() if parent is None else parent
        threading.Thread(target=_exit_after, args=(watched, status, before_exit), name=THREAD_NAME, daemon=True).start()
    return True


def die_with_parent(parent: int, status: int = 0) -> None:
    """The kernel SIGKILLs this process when the thread that started it ends; ``parent`` is that thread's
    process id, as the parent passed it on (if it is gone already, exit now)."""
    _kill_me_with_my_parent()
    if os.getppid() != parent:
        os._exit(status)
    exit_with_parent(status, parent=parent)


def wait_for_exit(parent: int) -> None:
    """Return once ``parent`` is no longer this process's parent (it ended; we were re-parented)."""
    pidfd = _pidfd(parent)
    try:
        # The pidfd names our parent only if it still is our parent now, not a later process with its pid.
        if pidfd is not None and os.getppid() == parent:
            poller = select.poll()
            poller.register(pidfd, select.POLLIN)
            while not poller.poll():
                pass
        while os.getppid() == parent:
            time.sleep(POLL_SECONDS)
    finally:
        if pidfd is not None:
            os.close(pidfd)


def _exit_after(parent: int, status: int, before_exit: Callable[[], object] | None) -> None:
    wait_for_exit(parent)
    if before_exit is not None:
        with contextlib.suppress(Exception):
            before_exit()
    os._exit(status)


def _pidfd(pid: int) -> int | None:
    open_pidfd: Callable[[int], int] | None = getattr(os, "pidfd_open", None)
    if open_pidfd is None:
        return None
    try:
        return open_pidfd(pid)
    except OSError:  # gone already, or a kernel without pidfds
        return None


def _kill_me_with_my_parent() -> bool:
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        return int(libc.prctl(_PR_SET_PDEATHSIG, int(signal.SIGKILL), 0, 0, 0)) == 0
    except (OSError, AttributeError):
        return False
