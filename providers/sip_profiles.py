"""SIP profiles, read once per profile per provider process (one `pulumi` operation)."""

from __future__ import annotations

import threading

from . import session
from .genesys_api import NotFoundError, SipProfile

_lock = threading.Lock()
_profiles: dict[str, SipProfile | None] = {}


def sip_profile(profile_id: str) -> SipProfile | None:
    """The profile, or None when it does not exist. Checks of many trunks on one profile share one read;
    the lock is held across the read so concurrent checks do not all fetch it."""
    with _lock:
        if profile_id not in _profiles:
            try:
                _profiles[profile_id] = session.client().get_sip_profile(profile_id)
            except NotFoundError:
                _profiles[profile_id] = None
        return _profiles[profile_id]


def codec_failures(trunk: str, profile_id: str, codecs: list[str]) -> list[tuple[str, str]]:
    """(property, reason) for every codec the profile cannot negotiate, naming what it supports."""
    profile = sip_profile(profile_id)
    if profile is None:
        return [("sipProfileId", f"trunk {trunk!r}: SIP profile {profile_id!r} does not exist")]
    supported = set(profile.codecs)
    return [
        (
            "codecs",
            f"trunk {trunk!r}: codecs[{i}] {codec!r} is not supported by SIP profile {profile.name!r} "
            f"({profile_id}); it supports: {', '.join(profile.codecs) or 'no codecs'}",
        )
        for i, codec in enumerate(codecs)
        if codec not in supported
    ]


def reset_cache() -> None:
    """Forget every profile (a new operation, or a test)."""
    with _lock:
        _profiles.clear()
