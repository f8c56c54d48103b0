"""The repository's stack files read as `pulumi preview` reads them: every section of their dialect valid, so
an example a user copies never fails on its own keys (secrets, which the CLI decrypts, stand in as text)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from genesys_api import configured_dialect
from lifecycle.config import parse_sections
from registry import DIALECTS

REPO = Path(__file__).resolve().parents[2]
PASSWORD_BLOCKS = ("registration", "credentials")


def decrypted(value: Any) -> Any:
    """The value with each `{secure: ...}` as the text the CLI would decrypt it to."""
    if isinstance(value, dict):
        return "secret" if set(value) == {"secure"} else {k: decrypted(v) for k, v in value.items()}
    if isinstance(value, list):
        return [decrypted(v) for v in value]
    return value


@pytest.mark.parametrize("name", ["Pulumi.dev.yaml", "Pulumi.dev-cloud.yaml", "Pulumi.prod.example.yaml"])
def test_the_example_stack_files_are_valid_config(name: str) -> None:
    config = decrypted(yaml.safe_load((REPO / name).read_text())["config"])
    for trunk in config["genesys-trunks:trunks"]:
        for block in PASSWORD_BLOCKS:
            if isinstance(trunk.get(block), dict) and trunk[block].get("username"):
                trunk[block].setdefault("password", "set with the CLI")  # as the file's comments say
    dialect = DIALECTS[configured_dialect(config.get, environ={})]
    entries = parse_sections(dialect.sections, config.get)
    assert entries["trunks"], name
    if "genesys-trunks:outboundRoutes" in config:
        assert [r.name for r in entries["outboundRoutes"]] == [
            r["name"] for r in config["genesys-trunks:outboundRoutes"]
        ]
