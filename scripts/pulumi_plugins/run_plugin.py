"""Runs one Python plugin folder (a policy pack: PulumiPolicy.yaml beside a `__main__.py`) in its own
interpreter, as `python FOLDER ARGS...` would, bound to the language host's life.

Started by the language host (language_host.py) when the engine asks it to run a plugin (`RunPlugin`),
e.g. for `pulumi preview --policy-pack DIR`. The plugin prints the port it serves on, and the engine talks
to it until the operation ends. It dies with the host (lifeline.die_with_parent), so a killed CLI leaves
no pack running.
"""

from __future__ import annotations

import argparse
import runpy
import sys
from pathlib import Path

import lifeline

#: The status of a plugin that ends because its host did.
ORPHANED_EXIT_CODE = 1


def parse(argv: list[str]) -> argparse.Namespace:
    ap = argparse.ArgumentParser(description="Run a Python plugin folder")
    ap.add_argument("--host-pid", type=int, default=None, help="the language host's pid: this process dies with it")
    ap.add_argument("folder")
    ap.add_argument("args", nargs=argparse.REMAINDER)
    return ap.parse_args(argv)


def main(argv: list[str]) -> None:
    args = parse(argv)
    if args.host_pid is not None:
        lifeline.die_with_parent(args.host_pid, ORPHANED_EXIT_CODE)
    # The plugin sees its own folder first on sys.path, not the host's scripts beside this one.
    here = Path(__file__).resolve().parent
    sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != here]
    sys.argv = [args.folder, *args.args]
    runpy.run_path(args.folder, run_name="__main__")


if __name__ == "__main__":
    main(sys.argv[1:])
