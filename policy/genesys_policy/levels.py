"""Each rule's level and settings on a stack, given a `--policy-pack-config` file, as the engine will set them:
the rule's default for the stack, then the file's `all`, then the file's entry for the rule.

`python -m genesys_policy.levels --stack prod [--config FILE]` (in the pack's virtualenv) prints them as JSON;
the doctor reports them. A file naming a rule the pack lacks, or a level that does not exist, is an error
here as it is at preview.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from .rules import RULES
from .stack import ALL, unknown_names

LEVELS = ("advisory", "mandatory", "remediate", "disabled")


class PackConfigError(Exception):
    """The pack config cannot be used; the message names the entry and what is allowed."""


def _level(name: str, value: Any) -> str:
    if value not in LEVELS:
        raise PackConfigError(f"{name}: {value!r} is not an enforcement level; use one of {', '.join(LEVELS)}")
    return str(value)


def effective(stack: str | None, config: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Per rule: id, level, settings and description, for ``stack`` with the pack config ``config``."""
    strangers = unknown_names(config, (r.id for r in RULES))
    if strangers:
        raise PackConfigError(
            f"{', '.join(map(repr, strangers))}: not a rule of the pack; its rules are "
            f"{', '.join(r.id for r in RULES)} (or `{ALL}`)"
        )
    every = config.get(ALL)
    every_level = (
        every if isinstance(every, str) else every.get("enforcementLevel") if isinstance(every, dict) else None
    )
    out = []
    for rule in RULES:
        level = _level(ALL, every_level) if every_level is not None else rule.level(stack)
        settings = {key: schema.get("default") for key, schema in rule.config.items()}
        entry = config.get(rule.id)
        if isinstance(entry, str):
            level = _level(rule.id, entry)
        elif isinstance(entry, dict):
            given = dict(entry)
            if "enforcementLevel" in given:
                level = _level(rule.id, given.pop("enforcementLevel"))
            unknown = sorted(set(given) - set(rule.config))
            if unknown:
                known = ", ".join(rule.config) or "none"
                raise PackConfigError(f"{rule.id}: no setting {', '.join(unknown)} (its settings: {known})")
            settings.update(given)
        elif entry is not None:
            raise PackConfigError(f"{rule.id}: must be a level or an object (got {entry!r})")
        out.append({"id": rule.id, "level": level, "settings": settings, "description": rule.description})
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stack", required=True)
    parser.add_argument("--config", type=Path, help="the stack's --policy-pack-config file")
    args = parser.parse_args(argv)
    try:
        config = json.loads(args.config.read_text()) if args.config else {}
        print(json.dumps({"rules": effective(args.stack, config)}))
    except (OSError, ValueError, PackConfigError) as exc:
        print(json.dumps({"error": str(exc)}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
