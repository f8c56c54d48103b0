"""Config paths as `pulumi config set --path` takes them: `trunks[3].registration.password`, `headers["X-Key"]`."""

from __future__ import annotations

import re
from typing import Any

_PART = re.compile(r'\.?([^.\[\]"]+)|\["([^"]*)"\]|\[(\d+)\]')


def parts(path: str) -> list[str | int]:
    """`a.b["c.d"][2]` -> ['a', 'b', 'c.d', 2]."""
    found: list[str | int] = []
    position = 0
    while position < len(path):
        match = _PART.match(path, position)
        if match is None or match.end() == position:
            raise ValueError(f"not a config path: {path!r}")
        key, quoted, index = match.groups()
        found.append(int(index) if index is not None else (quoted if quoted is not None else key))
        position = match.end()
    return found


def put(target: dict[str, Any], path: str, value: Any) -> None:
    """Set ``path`` inside ``target``, making the maps on the way."""
    *parents, last = parts(path)
    node: Any = target
    for key in parents:
        node = node.setdefault(key, {})
    node[last] = value


def entry_path(index: int, path: str, section: str = "trunks") -> str:
    """The path of ``path`` inside the `index`-th entry of the stack's ``section`` list."""
    return f"{section}[{index}]{'' if path.startswith('[') else '.'}{path}"
