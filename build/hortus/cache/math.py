"""Typeset formulas of the last build: KaTeX's output for every formula, so a rebuild sends
KaTeX only the formulas it has not seen. Stored as plain tuples; what they mean (a rendered
formula or KaTeX's message) is the typesetter's business."""

from __future__ import annotations

import os
import pickle
from pathlib import Path

from hortus.cache.digest import digest
from hortus.cache.fingerprint import code_fingerprint

# A formula, as (TeX source, display) -> (KaTeX's HTML or None, KaTeX's error or None).
Formula = tuple[str, bool]
Typeset = tuple[str | None, str | None]


class MathStore:
    """One file per set of macros in `folder` (`math-<key>.pickle`), keyed on the macros and
    the code: a formula typesets alike only under the same definitions and KaTeX."""

    def __init__(self, folder: Path, macros: dict[str, str]) -> None:
        self.path = folder / f"math-{digest(code_fingerprint(), macros)[:24]}.pickle"
        self.count = 0  # formulas the file held when loaded

    def load(self) -> dict[Formula, Typeset]:
        """The formulas kept; none when the file is missing or unreadable."""
        try:
            found = pickle.loads(self.path.read_bytes())
        except (OSError, pickle.UnpicklingError, EOFError, ValueError, TypeError, AttributeError):
            return {}
        if not isinstance(found, dict):
            return {}
        self.count = len(found)
        return {key: (html, error) for key, (html, error) in found.items()}

    def stale(self, count: int) -> bool:
        """Whether the file holds other formulas than the `count` the notes have now (some
        no note has any more): then it is written again."""
        return count != self.count

    def save(self, results: dict[Formula, Typeset]) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        for old in self.path.parent.glob("math-*.pickle"):
            old.unlink(missing_ok=True)  # typeset with other macros: of no further use
        temporary = self.path.with_suffix(f".{os.getpid()}.tmp")
        temporary.write_bytes(pickle.dumps(dict(results), protocol=pickle.HIGHEST_PROTOCOL))
        temporary.replace(self.path)
