"""A throwaway copy of this Pulumi program, with a stack whose trunks a test or benchmark chooses."""

from __future__ import annotations

import compileall
import copy
import functools
import importlib.util
import os
import re
import shutil
from collections.abc import Sequence
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


def _secret_paths(trunks: list[dict[str, Any]]) -> tuple[list[dict[str, Any]], list[tuple[str, str]]]:
    """The trunks without their secrets (passwords, webhook headers), and (config path, value) of each."""
    plain = copy.deepcopy(trunks)
    secrets = []
    for i, t in enumerate(plain):
        for block_name in PASSWORD_BLOCKS:
            block = t.get(block_name)
            if isinstance(block, dict) and "password" in block:
                secrets.append((f"trunks[{i}].{block_name}.password", str(block.pop("password"))))
        webhook = t.get("webhook")
        if isinstance(webhook, dict) and isinstance(webhook.get("headers"), dict) and webhook["headers"]:
            for name, value in webhook.pop("headers").items():
                secrets.append((f'trunks[{i}].webhook.headers["{name}"]', str(value)))
    return plain, secrets


def copy_program(workdir: Path) -> None:
    """The program's files in ``workdir`` (made), with this checkout's virtualenv and the modules' bytecode: the
    copies' pulumi runs do not write bytecode (PYTHONDONTWRITEBYTECODE), and without it each of their Python
    processes (the program, the dynamic provider) would compile every module again, about 0.1 s of CPU a run. The
    copied files keep their times, which the bytecode is checked against."""
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


#: The CLI's encrypted config values by (stack salt, config path, plaintext).
_CIPHERTEXTS: dict[tuple[str, str, str], Any] = {}
_STEP = re.compile(r'\[(\d+)\]|\["([^"]+)"\]|\.?([^.\[]+)')


def _steps(path: str, project: str) -> list[str | int]:
    """A `config set --path` path as keys and indexes: `trunks[0].webhook.headers["X-Token"]` is
    `genesys-trunks:trunks`, 0, `webhook`, `headers`, `X-Token` (the project's namespace when none is named)."""
    steps: list[str | int] = [int(index) if index else quoted or name for index, quoted, name in _STEP.findall(path)]
    if ":" not in str(steps[0]):
        steps[0] = f"{project}:{steps[0]}"
    return steps


def _found(config: Any, steps: list[str | int]) -> Any:
    for step in steps:
        config = config[step]
    return config


def _place(config: Any, steps: list[str | int], node: Any) -> None:
    for step in steps[:-1]:
        config = config[step] if isinstance(step, int) else config.setdefault(step, {})
    config[steps[-1]] = node


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
        """Plain values straight into Pulumi.<stack>.yaml; secrets encrypted by the CLI in one call, or written
        as it wrote them before for a stack with the same salt (see `PulumiProject.init`)."""
        doc = yaml.safe_load(self.stack_file.read_text()) or {}
        config = doc.setdefault("config", {})
        config.update(values)
        salt = str(doc.get("encryptionsalt", ""))
        steps = {path: _steps(path, self.project_name) for path, _ in secrets}
        known = [(steps[path], _CIPHERTEXTS.get((salt, path, value))) for path, value in secrets]
        if all(node is not None for _, node in known):
            for where, node in known:
                _place(config, where, copy.deepcopy(node))
            secrets = ()
        self.stack_file.write_text(yaml.safe_dump(doc, sort_keys=False))
        if secrets:
            args = [a for path, value in secrets for a in ("--secret", f"{path}={value}")]
            self.run("config", "set-all", "--path", *args, "--stack", self.stack)
            written = (yaml.safe_load(self.stack_file.read_text()) or {}).get("config", {})
            for path, value in secrets:
                _CIPHERTEXTS[(salt, path, value)] = _found(written, steps[path])

    def set_trunks(self, trunks: list[dict[str, Any]] | Any, also_secret: Sequence[tuple[str, str]] = ()) -> None:
        """The stack's trunks, their secrets encrypted by the CLI with ``also_secret`` in the same call."""
        if not isinstance(trunks, list) or not all(isinstance(t, dict) for t in trunks):
            self.write_config({"genesys-trunks:trunks": trunks}, also_secret)  # malformed on purpose
            return
        plain, secrets = _secret_paths(trunks)
        self.write_config({"genesys-trunks:trunks": plain}, [*also_secret, *secrets])

    def set_routes(self, routes: list[dict[str, Any]]) -> None:
        """The stack's `outboundRoutes` (cloud dialect); an empty list is a stack without routes."""
        self.write_config({"genesys-trunks:outboundRoutes": routes})

    def trunks_output(self) -> dict[str, Any]:
        return self.outputs().get("trunks", {})
