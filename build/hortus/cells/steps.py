"""The executable parts of a note, read from its tokens: cells (```{python}, ```{python label},
```{python, label, key=value}; options from the header and from `#|` lines) and `{python} expr`
inline values, in document order, with the .md line of each."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import yaml
from markdown_it.token import Token

from hortus.cells.headers import CellHeader, normalise_options, read_header
from hortus.cells.records import Step
from hortus.markdown import token_line

INLINE_PREFIX = re.compile(r"^\{python\}\s+")
_PYTHON_START = re.compile(r"^\{\s*python", re.IGNORECASE)
OPTION_LINE = re.compile(r"^#\|\s?(.*)$")


@dataclass(frozen=True)
class CellOptionError:
    """A cell header or option that hortus cannot use as written."""

    line: int  # 1-based line in the .md file
    message: str  # what is wrong, quoting it
    kind: str = "cell-option"  # the warning's kind: `cell-option`, or `cell-engine` (not Python)


def cell_header(token: Token) -> CellHeader | None:
    """The `{engine ...}` header of a fence; None for other tokens and plain code blocks."""
    if token.type != "fence":
        return None
    return read_header(token.info)


def is_cell(token: Token) -> bool:
    """Whether `token` is a fence that runs (```{python ...}), not one that is only shown."""
    header = cell_header(token)
    return header is not None and header.runs


def inline_expression(token: Token) -> str | None:
    """The expression of an inline value (`{python} expr`); None for other tokens."""
    if token.type != "code_inline":
        return None
    match = INLINE_PREFIX.match(token.content)
    return token.content[match.end() :].strip() if match else None


def split_options(
    code: str, first_line: int
) -> tuple[dict[str, Any], str, int, list[CellOptionError]]:
    """`#| key: value` lines at the top of a cell -> (options in Quarto's names, the rest, its
    first line, the lines and options not understood)."""
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
        checked, bad = normalise_options({str(k): v for k, v in value.items()})
        options.update(checked)
        problems.extend(CellOptionError(first_line + offset, text) for text in bad)
    rest = "\n".join(lines[len(option_lines) :])
    return options, rest, first_line + len(option_lines), problems


def note_steps(
    tokens: list[Token], defaults: dict[str, Any] | None = None
) -> tuple[list[Step], list[CellOptionError]]:
    """Every cell and inline value of a note, numbered per kind, with `defaults` (the note's
    document-wide options) under each cell's own; each token gets its number in `meta`
    (`cell` or `inline`) and a cell its options, so the renderer finds its results."""
    steps: list[Step] = []
    problems: list[CellOptionError] = []
    cells = inlines = 0
    for token in tokens:
        header = cell_header(token)
        if header is None and _names_python(token):
            problems.append(_not_a_header(token))
        elif header is not None and not header.runs:
            problems.append(_other_engine(token, header))
        elif header is not None:
            fence_line = token_line(token)
            options, source, line, bad = _cell_options(token, header, fence_line)
            problems.extend(bad)
            options = {**(defaults or {}), **options}
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


def _cell_options(
    token: Token, header: CellHeader, fence_line: int
) -> tuple[dict[str, Any], str, int, list[CellOptionError]]:
    """A cell's options, its header's then its `#|` lines' (which win), in Quarto's names."""
    from_lines, source, line, bad_lines = split_options(token.content.rstrip("\n"), fence_line + 1)
    from_header, bad = normalise_options(header.options)
    problems = [CellOptionError(fence_line, text) for text in [*header.problems, *bad]]
    return {**from_header, **from_lines}, source, line, problems + bad_lines


def _other_engine(token: Token, header: CellHeader) -> CellOptionError:
    return CellOptionError(
        token_line(token),
        f"a ```{{{header.engine}}} cell is shown as code and not run: hortus runs only Python",
        "cell-engine",
    )


def _names_python(token: Token) -> bool:
    """A fence whose info starts like a Python cell's header (`{python ...`)."""
    return token.type == "fence" and bool(_PYTHON_START.match(token.info.strip()))


def _not_a_header(token: Token) -> CellOptionError:
    return CellOptionError(
        token_line(token),
        f"```{token.info.strip()} is not a cell header hortus reads (`{{python}}`, "
        "`{python label}` or `{python, label, key=value}`): shown as code and not run",
    )
