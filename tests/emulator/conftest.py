"""Fixtures for the emulator suite: a real ``python -m emulator`` subprocess per test module."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from emulator.testing import EmulatorHandle, running_emulator

# Fast registration and retries; limits high enough that the suite itself is never throttled.
FAST_OPTIONS: dict[str, Any] = {
    "registration_delay": 0.2,
    "rate_limit": 1_000_000,
    "token_rate_limit": 1_000_000,
    "delivery_backoff": 0.1,
    "log_level": "warning",
}


@pytest.fixture(scope="module")
def emu(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EmulatorHandle]:
    """One emulator shared by a test module (tests keep to their own entities)."""
    with running_emulator(tmp_path_factory.mktemp("emulator"), **FAST_OPTIONS) as handle:
        yield handle


@pytest.fixture
def clean_faults(emu: EmulatorHandle) -> Iterator[EmulatorHandle]:
    """For tests that inject faults: whatever happens, the next test starts without them."""
    emu.clear_faults()
    yield emu
    emu.clear_faults()
