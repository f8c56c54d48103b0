"""A throwaway copy of this Pulumi program, with a stack whose trunks a test or benchmark chooses."""

from __future__ import annotations

import compileall
import copy
import functools
import importlib.util
import os
import shutil
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Self

import yaml

from .pulumi_cli import PulumiProject

REPO = Path(__file__).resolve().parents[1]
PROGRAM_FILES = (
    "Pulumi.yaml",
    "__main__.py",
    "registry.py",
    "requirements.txt",
    "components",
    "entities",
    "inspection",
    "lifecycle",
    "providers",
    "genesys_api",
)

GROUP_PRIMARY = "3f1d2c4b-5a69-4e7f-8a1b-0c2d3e4f5a01"
GROUP_DR = "3f1d2c4b-5a69-4e7f-8a1b-0c2d3e4f5a02"
PROFILE_STANDARD = "9b8a7c6d-1e2f-4a3b-9c4d-5e6f7a8b9c01"  # G711u, G711a, G729
PROFILE_HD = "9b8a7c6d-1e2f-4a3b-9c4d-5e6f7a8b9c02"  # Opus, G711u, G711a
PROFILE_LEGACY = "9b8a7c6d-1e2f-4a3b-9c4d-5e6f7a8b9c03"  # G711u, G711a, GSM, G729
#: The emulator's seeded sites (the cloud dialect's inbound and media sites).
SITE_INBOUND = "5d1a7e0c-2b3f-4c5d-8e9f-0a1b2c3d4e01"
SITE_MEDIA = "5d1a7e0c-2b3f-4c5d-8e9f-0a1b2c3d4e02"
DEV_CLIENT_ID = "genesys-trunks-dev"
DEV_CLIENT_SECRET = "dev-only-secret"


def trunk(name: str, **over: Any) -> dict[str, Any]:
    """One trunk's config with sensible test values; the password is unique per trunk."""
    base: dict[str, Any] = {
        "name": name,
        "edgeGroupId": GROUP_PRIMARY,
        "sipProfileId": PROFILE_STANDARD,
        "maxConcurrentSessions": 100,
        "codecs": ["G711u", "G729"],
        "registration": {
            "host": "sip.carrier.example.com",
            "username": f"user-{name}",
            "password": f"pw-{name}-s3cret",
        },
    }
    return _merged(base, over)


def _merged(base: dict[str, Any], over: dict[str, Any]) -> dict[str, Any]:
    """``base`` with ``over`` applied; a block (dict) given in ``over`` is merged into the base's block."""
    for key, value in over.items():
        if isinstance(value, dict) and isinstance(base.get(key), dict):
            base[key] = {**base[key], **value}
        else:
            base[key] = value
    return base


def cloud_trunk(name: str, **over: Any) -> dict[str, Any]:
    """One BYOC trunk's config (cloud dialect) with sensible test values; the password is unique per trunk."""
    base: dict[str, Any] = {
        "name": name,
        "inboundSiteId": SITE_INBOUND,
        "codecs": ["G711u", "G729"],
        "carrier": {"host": "sip.carrier.example.com", "transport": "udp"},
        "credentials": {"username": f"user-{name}", "password": f"pw-{name}-s3cret"},
    }
    return _merged(base, over)


#: Blocks of a trunk whose `password` is a secret: the seed's registration, the cloud's credentials.
PASSWORD_BLOCKS = ("registration", "credentials")


@dataclass(frozen=True)
class Secret:
    """A config value the CLI encrypts (`pulumi config set --secret`), wherever it sits in a structured value."""

    value: str


def _marked_secrets(trunks: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The trunks with their secrets (passwords, webhook headers' values) marked ``Secret``."""
    marked = copy.deepcopy(trunks)
    for t in marked:
        for block_name in PASSWORD_BLOCKS:
            block = t.get(block_name)
            if isinstance(block, dict) and "password" in block:
                block["password"] = Secret(str(block["password"]))
        webhook = t.get("webhook")
        if isinstance(webhook, dict) and isinstance(webhook.get("headers"), dict):
            webhook["headers"] = {name: Secret(str(value)) for name, value in webhook["headers"].items()}
    return marked


def copy_program(workdir: Path) -> None:
    """The program's files in ``workdir`` (made), with this checkout's virtualenv and the modules' bytecode:
    without it each copy's Python processes (the program, the dynamic provider) compile every module again, about
    0.1 s of CPU a run where bytecode is not written (PYTHONDONTWRITEBYTECODE), once per copy elsewhere. The copied
    files keep their times, which the bytecode is checked against."""
    _compile_once()
    workdir.mkdir(parents=True)
    for name in PROGRAM_FILES:
        src = REPO / name
        if src.is_dir():
            shutil.copytree(src, workdir / name)
        else:
            shutil.copy2(src, workdir / name)
            cached = Path(importlib.util.cache_from_source(str(src))) if src.suffix == ".py" else None
            if cached is not None and cached.exists():
                (workdir / cached.parent.name).mkdir(exist_ok=True)
                shutil.copy2(cached, workdir / cached.parent.name / cached.name)
    os.symlink(REPO / ".venv", workdir / ".venv")


@functools.cache
def _compile_once() -> None:
    """The checkout's program modules compiled where they are (a module already current is left alone)."""
    for name in PROGRAM_FILES:
        src = REPO / name
        if src.is_dir():
            compileall.compile_dir(src, quiet=1)
        elif src.suffix == ".py" and src.name != "__main__.py":  # run as a script: never from bytecode
            compileall.compile_file(src, quiet=1)


#: The CLI's encrypted config values (its `secure:` nodes) by stack salt and plaintext.
_CIPHERTEXTS: dict[tuple[str, str], Any] = {}
Steps = tuple[str | int, ...]


def _encrypted(node: Any, salt: str, at: Steps, unknown: list[tuple[Steps, str]]) -> Any:
    """``node`` with each ``Secret`` (a dict's value) as the CLI's ciphertext of that value under ``salt`` where it
    made one; the others are left out, listed in ``unknown`` with where they go."""
    if isinstance(node, dict):
        kept = {}
        for key, value in node.items():
            if isinstance(value, Secret) and (salt, value.value) not in _CIPHERTEXTS:
                unknown.append(((*at, key), value.value))
            else:
                kept[key] = _encrypted(value, salt, (*at, key), unknown)
        return kept
    if isinstance(node, list):
        return [_encrypted(value, salt, (*at, i), unknown) for i, value in enumerate(node)]
    if isinstance(node, Secret):
        return copy.deepcopy(_CIPHERTEXTS[(salt, node.value)])
    return node


def _cli_path(steps: Steps) -> str:
    """`config set --path`'s form of a place: `genesys-trunks:trunks[0]["webhook"]["headers"]["X-Token"]`."""
    key, *rest = steps
    return str(key) + "".join(f"[{step}]" if isinstance(step, int) else f'["{step}"]' for step in rest)


def _found(config: Any, steps: Steps) -> Any:
    for step in steps:
        config = config[step]
    return config


class TrunksProject(PulumiProject):
    """The real program in a temp dir, against an emulator URL, driven through the pulumi CLI."""

    @classmethod
    def create(
        cls,
        root: Path,
        emulator_url: str,
        trunks: list[dict[str, Any]],
        *,
        stack: str = "e2e",
        backend_dir: Path | None = None,
        client_secret: str = DEV_CLIENT_SECRET,
        extra_env: dict[str, str] | None = None,
        dialect: str | None = None,
    ) -> Self:
        """``dialect``: `genesys:dialect` of the stack (unset: the default for an apiUrl, the seed's)."""
        workdir = root / "genesys-trunks"
        if not workdir.exists():
            copy_program(workdir)
        project = cls(
            workdir=workdir, stack=stack, backend_dir=backend_dir or root / "state", extra_env=dict(extra_env or {})
        )
        project.init()
        connection = {"genesys:apiUrl": emulator_url, "genesys:clientId": DEV_CLIENT_ID}
        if dialect is not None:
            connection["genesys:dialect"] = dialect
        project.write_config(connection)
        project.set_trunks(trunks, also_secret=[("genesys:clientSecret", client_secret)])
        return project

    def write_config(self, values: dict[str, Any], secrets: Sequence[tuple[str, str]] = ()) -> None:
        """Plain values straight into Pulumi.<stack>.yaml; secrets (``Secret`` in ``values``, and ``secrets``'
        keys) encrypted by the CLI in one call, or written as it wrote the same value before under the stack's
        salt (stacks copied from one `stack init` share it, see `PulumiProject.init`)."""
        doc = yaml.safe_load(self.stack_file.read_text()) or {}
        salt = str(doc.get("encryptionsalt", ""))
        unknown: list[tuple[Steps, str]] = []
        values = {**values, **{key: Secret(value) for key, value in secrets}}
        doc.setdefault("config", {}).update(_encrypted(values, salt, (), unknown))
        self.stack_file.write_text(yaml.safe_dump(doc, sort_keys=False))
        if unknown:
            args = [a for steps, value in unknown for a in ("--secret", f"{_cli_path(steps)}={value}")]
            self.run("config", "set-all", "--path", *args, "--stack", self.stack)
            written = (yaml.safe_load(self.stack_file.read_text()) or {}).get("config", {})
            for steps, value in unknown:
                _CIPHERTEXTS[(salt, value)] = _found(written, steps)

    def set_trunks(self, trunks: list[dict[str, Any]] | Any, also_secret: Sequence[tuple[str, str]] = ()) -> None:
        """The stack's trunks, their secrets encrypted by the CLI with ``also_secret`` in the same call."""
        if isinstance(trunks, list) and all(isinstance(t, dict) for t in trunks):
            trunks = _marked_secrets(trunks)  # otherwise malformed on purpose: written as it is
        self.write_config({"genesys-trunks:trunks": trunks}, also_secret)

    def set_routes(self, routes: list[dict[str, Any]]) -> None:
        """The stack's `outboundRoutes` (cloud dialect); an empty list is a stack without routes."""
        self.write_config({"genesys-trunks:outboundRoutes": routes})

    def trunks_output(self) -> dict[str, Any]:
        return self.outputs().get("trunks", {})
