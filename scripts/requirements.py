"""Writes the requirements files from pyproject.toml, the one list of the project's dependencies.

Pulumi's Python host and the Makefile install from requirements files; keeping them generated means a
dependency is added in one place. `--check` exits 1 when a file is out of step (run by `make lint`).
"""

from __future__ import annotations

import argparse
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HEADER = "# Written by `python scripts/requirements.py` from pyproject.toml: edit the dependencies there.\n"


def expected(pyproject: dict) -> dict[Path, str]:
    """Each requirements file's text: the runtime's, the emulator's, the developers' (which takes both), and
    the policy pack's (its own virtualenv: the policy SDK and the same pulumi SDK pin as the program's)."""
    project = pyproject["project"]
    extras = project["optional-dependencies"]
    pulumi_pin = [d for d in project["dependencies"] if d.startswith("pulumi==")]

    def text(lines: list[str]) -> str:
        return HEADER + "".join(f"{line}\n" for line in lines)

    return {
        ROOT / "requirements.txt": text(project["dependencies"]),
        ROOT / "emulator" / "requirements.txt": text(extras["emulator"]),
        ROOT / "requirements-dev.txt": text(["-r requirements.txt", "-r emulator/requirements.txt", *extras["dev"]]),
        ROOT / "policy" / "requirements.txt": text([*pulumi_pin, *extras["policy"]]),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only report files that are out of step")
    args = parser.parse_args(argv)
    files = expected(tomllib.loads((ROOT / "pyproject.toml").read_text()))
    stale = [path for path, text in files.items() if not path.exists() or path.read_text() != text]
    if args.check:
        for path in stale:
            print(f"{path.relative_to(ROOT)} is out of step with pyproject.toml: run `python scripts/requirements.py`")
        return 1 if stale else 0
    for path in stale:
        path.write_text(files[path])
        print(f"wrote {path.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
