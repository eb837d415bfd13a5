"""The executable parts of a note, read from its tokens: ```{python} cells (Quarto's syntax,
`#|` options) and `{python} expr` inline values, in document order, with the .md line of each."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import yaml
from markdown_it.token import Token

from hortus.cells.records import Step
from hortus.markdown import token_line

CELL_INFO = re.compile(r"^\{\s*python\s*\}")
INLINE_PREFIX = re.compile(r"^\{python\}\s+")
OPTION_LINE = re.compile(r"^#\|\s?(.*)$")


@dataclass(frozen=True)
class CellOptionError:
    """A `#|` line that is not a `key: value` option."""

    line: int  # 1-based line in the .md file
    message: str  # what is wrong, quoting the line


def is_cell(token: Token) -> bool:
    """Whether `token` is a fence that runs (```{python}), not one that is only shown."""
    return token.type == "fence" and bool(CELL_INFO.match(token.info.strip()))


def inline_expression(token: Token) -> str | None:
    """The expression of an inline value (`{python} expr`); None for other tokens."""
    if token.type != "code_inline":
        return None
    match = INLINE_PREFIX.match(token.content)
    return token.content[match.end() :].strip() if match else None


def split_options(
    code: str, first_line: int
) -> tuple[dict[str, Any], str, int, list[CellOptionError]]:
    """`#| key: value` lines at the top of a cell -> (options, the rest, its first line, the
    lines not understood)."""
    lines = code.split("\n")
    option_lines: list[str] = []
    for line in lines:
        match = OPTION_LINE.match(line)
        if not match:
            break
        option_lines.append(match.group(1))
    problems: list[CellOptionError] = []
    options: dict[str, Any] = {}
    for offset, text in enumerate(option_lines):
        try:
            value = yaml.safe_load(text) if text.strip() else None
        except yaml.YAMLError:
            value = None
        if not isinstance(value, dict):
            problems.append(
                CellOptionError(first_line + offset, f"cell option not understood: {text!r}")
            )
            continue
        options.update({str(k): v for k, v in value.items()})
    rest = "\n".join(lines[len(option_lines) :])
    return options, rest, first_line + len(option_lines), problems


def note_steps(tokens: list[Token]) -> tuple[list[Step], list[CellOptionError]]:
    """Every cell and inline value of a note, numbered per kind; each token gets its number in
    `meta` (`cell` or `inline`) so the renderer finds its results."""
    steps: list[Step] = []
    problems: list[CellOptionError] = []
    cells = inlines = 0
    for token in tokens:
        if is_cell(token):
            fence_line = token_line(token)
            options, source, line, bad = split_options(token.content.rstrip("\n"), fence_line + 1)
            problems.extend(bad)
            token.meta["cell"] = cells
            token.meta["options"] = options
            token.meta["source"] = source
            steps.append(Step("cell", cells, source, line, options))
            cells += 1
        for child in token.children or ():
            expression = inline_expression(child)
            if expression is not None:
                child.meta["inline"] = inlines
                steps.append(Step("inline", inlines, expression, token_line(child, token), {}))
                inlines += 1
    return steps, problems
