"""Runs one Pulumi Python program against the engine, in the program's own interpreter.

Started by the language host (language_host.py) for every `pulumi preview`/`up`/`destroy`; the
engine's addresses and the stack's config arrive as arguments and PULUMI_CONFIG. It dies with the
host (lifeline.die_with_parent), so a killed CLI leaves no program running.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import runpy
import sys
import traceback
from concurrent.futures import ThreadPoolExecutor

import lifeline

SHOWN_ERROR_EXIT_CODE = 32


def parse(argv: list[str]) -> argparse.Namespace:
    ap = argparse.ArgumentParser(description="Run a Pulumi Python program")
    for flag in (
        "--monitor",
        "--engine",
        "--project",
        "--stack",
        "--organization",
        "--root-directory",
        "--parallel",
        "--dry-run",
    ):
        ap.add_argument(flag, default="")
    ap.add_argument("--host-pid", type=int, default=None, help="the language host's pid: this process dies with it")
    ap.add_argument("program")
    ap.add_argument("args", nargs="*")
    return ap.parse_args(argv)


def main(argv: list[str]) -> int:
    args = parse(argv)
    if args.host_pid is not None:
        lifeline.die_with_parent(args.host_pid, SHOWN_ERROR_EXIT_CODE)
    try:
        import pulumi
        import pulumi.runtime
    except ImportError:
        print(
            f"The pulumi SDK is not installed in {sys.executable}: run `make venv` "
            "(pip install -r requirements.txt in the project's virtualenv).",
            file=sys.stderr,
        )
        return SHOWN_ERROR_EXIT_CODE

    pulumi.runtime.set_all_config(pulumi.runtime.get_config_env(), pulumi.runtime.get_config_secret_keys_env())
    parallel = int(args.parallel or 0) or 1
    pulumi.runtime.configure(
        pulumi.runtime.Settings(
            monitor=args.monitor,
            engine=args.engine,
            project=args.project,
            stack=args.stack,
            parallel=parallel,
            dry_run=args.dry_run == "true",
            organization=args.organization or None,
            root_directory=args.root_directory or None,
        )
    )

    program = args.program
    if os.path.isdir(program):
        program = os.path.join(program, "__main__.py")
    sys.argv = [program, *args.args]
    sys.path.insert(0, os.path.dirname(os.path.abspath(program)))

    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    executor = ThreadPoolExecutor(max_workers=parallel * 4)
    loop.set_default_executor(executor)
    # Futures left unobserved when a program fails are expected in Pulumi's model.
    logging.getLogger("asyncio").setLevel(logging.CRITICAL)

    def run() -> None:
        runpy.run_path(program, run_name="__main__")

    try:
        loop.run_until_complete(pulumi.runtime.run_in_stack(run))
        return 0
    except pulumi.RunError as exc:
        # The program's own message says it all: no second "exited with code 1" error.
        pulumi.log.error(str(exc))
        return SHOWN_ERROR_EXIT_CODE
    except Exception:  # noqa: BLE001 - every program failure is reported to the user
        pulumi.log.error("Program failed with an unhandled exception:\n" + traceback.format_exc())
        return SHOWN_ERROR_EXIT_CODE
    finally:
        executor.shutdown(wait=True)
        loop.close()
        sys.stdout.flush()
        sys.stderr.flush()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
