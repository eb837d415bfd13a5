"""Typeset formulas of the last build: KaTeX's output for every formula, so a rebuild sends
KaTeX only the formulas it has not seen. Stored as plain tuples; what they mean (a rendered
formula or KaTeX's message) is the typesetter's business."""

from __future__ import annotations

from pathlib import Path

from hortus.cache.store import PickledTable

# A formula, as (TeX source, display) -> (KaTeX's HTML or None, KaTeX's error or None).
Formula = tuple[str, bool]
Typeset = tuple[str | None, str | None]


class MathStore(PickledTable[Formula, Typeset]):
    """One file per set of macros in `folder` (`math-<key>.pickle`), keyed on the macros and
    the code: a formula typesets alike only under the same definitions and KaTeX."""

    def __init__(self, folder: Path, macros: dict[str, str]) -> None:
        super().__init__(folder, "math", macros)
