"""Runs a pulumi command with the policy pack the stack names: `make preview` and `make up` go through here.

A stack runs the pack when its config says so, so that no preview of it can forget the guardrails:

    genesys-trunks:policyPack: policy                 # the pack's folder, relative to the project
    genesys-trunks:policyPackConfig: policy/prod.json  # optional: levels and settings (--policy-pack-config)

`--always` (`make preview POLICY=1`) runs the project's pack on a stack that does not name one. Before the
command runs, the project's pack gets its virtualenv (scripts/policy_venv.py). `--explain` prints the
choice as JSON instead (the doctor reports it). A bad setting stops here, naming the key and the file.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import policy_venv
import yaml

PROJECT = Path(__file__).resolve().parent.parent
KEY_PACK = "genesys-trunks:policyPack"
KEY_CONFIG = "genesys-trunks:policyPackConfig"


class PolicySettingError(Exception):
    """A policy setting of the stack that cannot be used; the message names the key and what is allowed."""


@dataclass(frozen=True)
class Choice:
    """What a preview or up of the stack runs: ``pack`` None runs none; ``source`` says why."""

    pack: str | None
    config: str | None
    source: str


def stack_config(stack: str, project: Path = PROJECT) -> dict[str, Any]:
    path = project / f"Pulumi.{stack}.yaml"
    if not path.exists():
        return {}
    return (yaml.safe_load(path.read_text()) or {}).get("config") or {}


def _path(config: dict[str, Any], key: str, where: str, project: Path) -> Path | None:
    value = config.get(key)
    if value is None:
        return None
    if not isinstance(value, str) or not value.strip():
        raise PolicySettingError(f"{key} in {where}: must be a path relative to the project (got {value!r})")
    path = Path(value.strip())
    return path if path.is_absolute() else project / path


def choose(stack: str, always: bool = False, project: Path = PROJECT) -> Choice:
    """The pack and config file a preview or up of ``stack`` runs with."""
    where = f"Pulumi.{stack}.yaml"
    config = stack_config(stack, project)
    pack = _path(config, KEY_PACK, where, project)
    pack_config = _path(config, KEY_CONFIG, where, project)
    if pack is None and pack_config is not None and not always:
        raise PolicySettingError(
            f"{KEY_CONFIG} in {where} names a policy pack config, but {KEY_PACK} names no pack, so none runs: "
            f"set {KEY_PACK}: policy too (or remove {KEY_CONFIG})"
        )
    if pack is None and not always:
        return Choice(None, None, f"{where} sets no {KEY_PACK}")
    source = f"{KEY_PACK} in {where}" if pack is not None else "POLICY=1"
    pack = pack or project / policy_venv.PACK.name
    if not (pack / "PulumiPolicy.yaml").is_file():
        raise PolicySettingError(
            f"{KEY_PACK} in {where}: {pack} is not a policy pack (no PulumiPolicy.yaml there); the project's pack "
            "is `policy`"
        )
    if pack_config is not None:
        _check_config_file(pack_config, where)
    return Choice(str(pack), str(pack_config) if pack_config is not None else None, source)


def _check_config_file(path: Path, where: str) -> None:
    try:
        document = json.loads(path.read_text())
    except FileNotFoundError:
        raise PolicySettingError(f"{KEY_CONFIG} in {where}: {path} does not exist") from None
    except (OSError, ValueError) as exc:
        raise PolicySettingError(f"{KEY_CONFIG} in {where}: {path} is not a JSON file: {exc}") from None
    if not isinstance(document, dict):
        raise PolicySettingError(
            f"{KEY_CONFIG} in {where}: {path} must hold a JSON object of rule ids, e.g. "
            '{"digest-credentials-over-tls": "mandatory"}'
        )


def policy_args(choice: Choice) -> list[str]:
    if choice.pack is None:
        return []
    return ["--policy-pack", choice.pack, *(["--policy-pack-config", choice.config] if choice.config else [])]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stack", required=True)
    parser.add_argument("--always", action="store_true", help="run the project's pack even if the stack names none")
    parser.add_argument("--explain", action="store_true", help="print the choice as JSON and run nothing")
    parser.add_argument("--project", type=Path, default=PROJECT, help="where Pulumi.<stack>.yaml is (default: here)")
    parser.add_argument("command", nargs=argparse.REMAINDER, help="-- pulumi preview ...")
    args = parser.parse_args(argv)
    try:
        choice = choose(args.stack, args.always, args.project.resolve())
    except PolicySettingError as exc:
        if args.explain:
            print(json.dumps({"error": str(exc)}))
            return 0
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if args.explain:
        print(json.dumps(asdict(choice)))
        return 0
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    if not command:
        parser.error("give the command to run after --")
    if choice.pack is not None:
        if Path(choice.pack).resolve() == policy_venv.PACK:
            try:
                policy_venv.ensure()
            except subprocess.CalledProcessError as exc:
                print(
                    f"error: the policy pack's virtualenv could not be made (uv exited {exc.returncode})",
                    file=sys.stderr,
                )
                return 1
        config = f", config {choice.config}" if choice.config else ""
        print(f"policy pack: {choice.pack}{config} ({choice.source})", file=sys.stderr, flush=True)
    full = [*command, *policy_args(choice)]
    os.execvp(full[0], full)


if __name__ == "__main__":
    sys.exit(main())
