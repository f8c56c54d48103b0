"""A progress line while a large org's lists are read, page by page."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import TextIO, TypeVar

T = TypeVar("T")


class Progress:
    """Counts what a listing yields. On a terminal, one line rewritten in place; elsewhere (CI logs) a line
    every ``every`` items, and the total of a list that long."""

    def __init__(self, stream: TextIO, *, every: int = 500) -> None:
        self.stream = stream
        self.every = every
        self.live = stream.isatty()

    def __call__(self, items: Iterable[T], what: str) -> Iterator[T]:
        count = 0
        for item in items:
            count += 1
            if self.live:
                self.stream.write(f"\rreading {what}: {count}")
                self.stream.flush()
            elif count % self.every == 0:
                print(f"reading {what}: {count} so far", file=self.stream, flush=True)
            yield item
        if self.live:
            self.stream.write("\r" + " " * 40 + "\r")
        if count >= self.every:
            print(f"read {count} {what}", file=self.stream, flush=True)
