"""Typeset formulas of the last build: KaTeX's output for every formula, so a rebuild sends
KaTeX only the formulas it has not seen. Stored as plain tuples; what they mean (a rendered
formula or KaTeX's message) is the typesetter's business."""

from __future__ import annotations

from pathlib import Path

from hortus.cache.store import PickledTable, any_table

# A formula, as (TeX source, display) -> (its HTML or MathML or None, the error or None).
Formula = tuple[str, bool]
Typeset = tuple[str | None, str | None]
_KIND = "math"


class MathStore(PickledTable[Formula, Typeset]):
    """One file per set of macros in `folder` (`math-<key>.pickle`), keyed on the macros, the
    output (`math-output`) and the code: a formula typesets alike only under the same
    definitions, into the same output, by the same KaTeX or Temml."""

    def __init__(self, folder: Path, macros: dict[str, str], output: str = "html") -> None:
        super().__init__(folder, _KIND, (output, macros))

    @staticmethod
    def any_kept(folder: Path) -> bool:
        """Whether an earlier build kept its typeset formulas in `folder`, under any macros."""
        return any_table(folder, _KIND)
