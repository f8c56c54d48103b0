"""End-to-end fixtures: the real emulator as a subprocess, and throwaway copies of the program."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path

import pytest

from devtools.trunks_project import TrunksProject
from emulator.testing import EmulatorHandle, running_emulator

#: Fast carriers: registration outcomes arrive 0.3 s after a change.
REGISTRATION_DELAY = 0.3


@pytest.fixture(scope="module")
def emulator(tmp_path_factory) -> Iterator[EmulatorHandle]:
    db_dir = tmp_path_factory.mktemp("emulator")
    with running_emulator(db_dir, registration_delay=REGISTRATION_DELAY, rate_limit=100_000) as handle:
        yield handle


@pytest.fixture
def new_project(tmp_path: Path, emulator: EmulatorHandle):
    """Build a TrunksProject with the given trunks on a fresh stack; destroyed afterwards."""
    made: list[TrunksProject] = []

    def make(trunks, *, root: Path | None = None, **kw) -> TrunksProject:
        project = TrunksProject.create(root or tmp_path / f"p{len(made)}", emulator.url, trunks, **kw)
        made.append(project)
        return project

    yield make
    for project in made:
        project.destroy(check=False)


#: POSTs that query and change nothing.
READ_ONLY_POSTS = ("/api/v2/analytics", "/api/v2/audits/query")


def assert_adoption_said(project: TrunksProject, adopting: Iterable[str], kept: str, existing: str) -> None:
    """`pulumi preview` says, for each trunk with `adopt: true` and for no other, that it takes ``existing`` over."""
    previewed = project.preview().stdout
    for name in adopting:
        assert f"trunk {name!r}: adopt: when it is created, an existing {existing} is taken over" in previewed, (
            previewed
        )
    assert f"trunk {kept!r}: adopt" not in previewed, previewed


def writes(requests: list[dict]) -> list[dict]:
    """Calls that change something in Genesys (the analytics and audit queries are read-only POSTs)."""
    return [
        r
        for r in requests
        if r["method"] in {"POST", "PUT", "DELETE"}
        and r["path"].startswith("/api/v2")
        and not r["path"].startswith(READ_ONLY_POSTS)
    ]


def api_calls(requests: list[dict]) -> list[dict]:
    return [r for r in requests if r["path"].startswith("/api/v2")]


def edge_made_by_hand(emulator: EmulatorHandle, desired: dict, name: str) -> dict:
    """An edge made outside the stack with ``desired``'s group, profile and carrier account (a conflict for it)."""
    reply = emulator.api(
        "POST",
        "/api/v2/telephony/providers/edges",
        json={
            "name": name,
            "edgeGroupId": desired["edgeGroupId"],
            "sipProfileId": desired["sipProfileId"],
            "maxConcurrentSessions": 10,
            "codecs": ["G711u"],
            "registration": {**desired["registration"], "type": "REGISTER", "port": 5060},
        },
    )
    assert reply.status_code == 201, reply.text
    return reply.json()
