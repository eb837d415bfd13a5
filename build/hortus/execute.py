"""Stage 4: run the note's `{python}` cells. Cells are shown but not yet run; their results
will flow from here into render, which is why this stage sits between link and render."""

from __future__ import annotations

from hortus.diagnostics import Diagnostics
from hortus.parse import ParsedNote


def execute_notes(parsed: list[ParsedNote], diagnostics: Diagnostics) -> None:
    del parsed, diagnostics
