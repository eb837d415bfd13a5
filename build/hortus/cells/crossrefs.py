"""Figures numbered as Quarto numbers them: each cell whose label starts with `fig-` is the
next figure of its note, and `@fig-label` in the prose names it ("Figure 2"). A cell that
shows several figures is one figure whose parts are `fig-label-1`, `fig-label-2`, ...
("Figure 2 (a)"). A reference to a label no cell has is reported and shown as `?@fig-label`."""

from __future__ import annotations

import string
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from markdown_it.token import Token

from hortus.cells.records import FigureOutput, ImageOutput, NoteResult, Step
from hortus.markdown import token_line, walk_tokens

# Where a note's figure numbers are left for the renderer.
CROSSREFS = "crossrefs"
# The token the crossrefs syntax plugin makes for `@fig-label`.
CROSSREF_TOKEN = "crossref"
FIGURE_PREFIX = "fig-"


@dataclass(frozen=True)
class CellWords:
    """What a page says about a note's cells, in the site's language."""

    figure: str  # before a figure's number (Quarto's `fig-prefix`)
    code: str  # the summary of folded code (Quarto's default `code-summary`)
    targets: dict[str, str] = field(default_factory=dict)  # figure id -> "Figure 2"


# Quarto's words in English and in Chinese.
WORDS = {"en": CellWords("Figure", "Code"), "zh": CellWords("图", "代码")}


def cell_words(language: str | None) -> CellWords:
    """The words for `language` (a tag such as `en` or `zh-CN`; None: English)."""
    return WORDS["zh" if (language or "").lower().startswith("zh") else "en"]


def figure_targets(steps: list[Step], result: NoteResult | None, word: str) -> dict[str, str]:
    """Every figure a reference may name in the note, with its text ("Figure 2 (a)")."""
    targets: dict[str, str] = {}
    number = 0
    for step in steps:
        label = str(step.options.get("label", ""))
        if step.kind != "cell" or not label.startswith(FIGURE_PREFIX):
            continue
        number += 1
        targets[label] = f"{word} {number}"
        cell = result.cell(step.index) if result is not None else None
        count = sum(isinstance(o, FigureOutput | ImageOutput) for o in cell.outputs) if cell else 0
        if count > 1:
            letters = string.ascii_lowercase
            for part in range(min(count, len(letters))):
                targets[f"{label}-{part + 1}"] = f"{word} {number} ({letters[part]})"
    return targets


def unknown_references(tokens: list[Token], targets: Mapping[str, str]) -> list[tuple[int, str]]:
    """(line, label) of each `@fig-label` in the note that names no figure of it."""
    return [
        (token_line(token, parent), token.meta["label"])
        for token, parent in walk_tokens(tokens)
        if token.type == CROSSREF_TOKEN and token.meta.get("label") not in targets
    ]


def figure_refs(env: Mapping[str, Any]) -> CellWords:
    """The figure numbers and words of the note whose env this is."""
    return env.get(CROSSREFS) or WORDS["en"]
