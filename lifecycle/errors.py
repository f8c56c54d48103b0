"""API failures as a provider hands them to the engine: the Genesys message, no client-internal traceback."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar

from genesys_api import GenesysApiError

T = TypeVar("T")


class ProviderError(Exception):
    """An API failure as the user should read it: the Genesys message, without a client-internal traceback."""


def concise_errors(method: Callable[..., T]) -> Callable[..., T]:
    @functools.wraps(method)
    def wrapper(*args: Any, **kwargs: Any) -> T:
        try:
            return method(*args, **kwargs)
        except GenesysApiError as exc:
            raise ProviderError(str(exc)) from None

    return wrapper
