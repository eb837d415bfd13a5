"""One pickled table of results per set of inputs that shape them all: the layout shared by
the typeset formulas and the drawn diagrams."""

from __future__ import annotations

import os
import pickle
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Generic, TypeVar

from hortus.cache.digest import digest
from hortus.cache.fingerprint import code_fingerprint

K = TypeVar("K")
V = TypeVar("V")


class PickledTable(Generic[K, V]):
    """`<kind>-<key>.pickle` in `folder`, keyed on the code and `inputs` (what every entry
    was made under). Only the newest table of a kind is kept: one made under other inputs
    is of no further use."""

    def __init__(self, folder: Path, kind: str, inputs: Any) -> None:
        self.kind = kind
        self.path = folder / f"{kind}-{digest(code_fingerprint(), inputs)[:24]}.pickle"
        self.count = 0  # entries the file held when loaded

    def load(self) -> dict[K, V]:
        """The entries kept; none when the file is missing or unreadable."""
        try:
            found = pickle.loads(self.path.read_bytes())
        except (OSError, pickle.UnpicklingError, EOFError, ValueError, TypeError, AttributeError):
            return {}
        if not isinstance(found, dict):
            return {}
        self.count = len(found)
        return found

    def stale(self, count: int) -> bool:
        """Whether the file holds other entries than the `count` the notes have now (some no
        note has any more): then it is written again."""
        return count != self.count

    def save(self, entries: dict[K, V]) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        for old in _tables(self.path.parent, self.kind):
            old.unlink(missing_ok=True)
        temporary = self.path.with_suffix(f".{os.getpid()}.tmp")
        temporary.write_bytes(pickle.dumps(dict(entries), protocol=pickle.HIGHEST_PROTOCOL))
        temporary.replace(self.path)


def any_table(folder: Path, kind: str) -> bool:
    """Whether `folder` holds a table of `kind`, made under any inputs."""
    return any(_tables(folder, kind))


def _tables(folder: Path, kind: str) -> Iterator[Path]:
    return folder.glob(f"{kind}-*.pickle")
