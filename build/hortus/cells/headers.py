"""Cell headers as Quarto reads them: ```{python}, ```{python label} and knitr's
```{python, label, key=value, ...} with R values, and the options a cell may carry, in
Quarto's names and with checked values.

knitr's chunk options (`fig.cap`, `results='asis'`, `eval=FALSE`, ...) mean what the `#|`
option of the same purpose means: `fig.cap` is `fig-cap`, `results='hide'` is `output: false`.
A fence whose header names another engine (```{r}, ```{julia}) is only shown; the caller
warns that hortus runs only Python.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass, field
from typing import Any

# Engines whose cells hortus runs, and those it shows as code with a warning.
PYTHON_ENGINES = frozenset({"python", "python3"})
OTHER_ENGINES = frozenset(
    {"r", "julia", "ojs", "bash", "sh", "zsh", "sql", "rcpp", "stan", "js", "node", "perl",
     "ruby", "octave", "matlab", "powershell", "cpp", "fortran", "go", "rust", "sas"}
)  # fmt: skip

# `{engine ...}`: a letter right after the brace, so `{.python}` (a class, shown only),
# `{{python}}` (a header shown literally) and `{=html}` are not headers.
_HEADER = re.compile(r"^\{\s*([A-Za-z][A-Za-z0-9_]*)((?:[\s,].*)?)\}\s*$", re.S)
_NUMBER = re.compile(r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?L?")
_NAME = re.compile(r"[A-Za-z_.][A-Za-z0-9_.\-]*")

# What each option does is listed in the README ("Cells, inline values and claims").
BOOLEAN_OPTIONS = frozenset({"eval", "include", "error", "warning", "message", "cache"})
TEXT_OPTIONS = frozenset({"label", "code-summary"})
NUMBER_OPTIONS = frozenset({"fig-width", "fig-height", "fig-dpi", "timeout"})
CAPTION_OPTIONS = frozenset({"fig-cap", "fig-alt"})  # one text, or one per figure
ALIGNMENTS = ("default", "left", "center", "right")  # `fig-align`
# Quarto's options for PDF and LaTeX output only: nothing to do in a web page.
PRINT_OPTIONS = frozenset({"fig-env", "fig-pos"})
KNOWN_OPTIONS = (
    BOOLEAN_OPTIONS
    | TEXT_OPTIONS
    | NUMBER_OPTIONS
    | CAPTION_OPTIONS
    | PRINT_OPTIONS
    | {"echo", "output", "code-fold", "results", "fig-align", "layout-ncol"}
)
# knitr's names that are not Quarto's with `.` read as `-`.
_KNITR_NAMES = {"dpi": "fig-dpi"}
# knitr's `results` as Quarto's `output`.
_RESULTS = {"markup": True, "hold": True, "asis": "asis", "hide": False, "false": False}


@dataclass(frozen=True)
class CellHeader:
    """What a fence's `{engine ...}` header says."""

    engine: str  # lower-cased engine name: `python`, `r`, ...
    options: dict[str, Any] = field(default_factory=dict)  # as written, knitr's names mapped
    problems: list[str] = field(default_factory=list)  # what could not be read, for warnings

    @property
    def runs(self) -> bool:
        """Whether hortus runs the cell (a Python engine)."""
        return self.engine in PYTHON_ENGINES


def read_header(info: str) -> CellHeader | None:
    """The header of a fence's info string; None when it is not `{engine ...}`."""
    match = _HEADER.match(info.strip())
    if match is None:
        return None
    engine = match.group(1).lower()
    if engine not in PYTHON_ENGINES and engine not in OTHER_ENGINES:
        return None  # e.g. ```{mermaid}: not an engine, another part of hortus draws it
    rest = match.group(2).strip().lstrip(",").strip()
    options: dict[str, Any] = {}
    problems: list[str] = []
    for position, item in enumerate(_split_top_level(rest) if rest else []):
        item = item.strip()
        if not item:
            continue
        name, equals, text = item.partition("=")
        if not equals:
            if position == 0:  # knitr: the first unnamed item is the label
                options["label"] = _unquoted(item)
            else:
                problems.append(f"cell header item {item!r} is not `name=value`")
            continue
        name = name.strip()
        try:
            value = r_value(text.strip())
        except ValueError:
            if name == "label" and _NAME.fullmatch(text.strip()):
                value = text.strip()
            else:
                problems.append(f"cell option {name}={text.strip()} is not an R value hortus reads")
                continue
        options[name] = value
    return CellHeader(engine, options, problems)


def _unquoted(text: str) -> str:
    try:
        value = r_value(text)
    except ValueError:
        return text
    return value if isinstance(value, str) else text


def _split_top_level(text: str) -> list[str]:
    """`a, b=c(1, 2), d='x,y'` -> its three items: commas inside quotes or brackets stay."""
    items: list[str] = []
    depth = 0
    quote = ""
    start = 0
    i = 0
    while i < len(text):
        char = text[i]
        if quote:
            if char == "\\":
                i += 1
            elif char == quote:
                quote = ""
        elif char in "'\"":
            quote = char
        elif char in "([{":
            depth += 1
        elif char in ")]}":
            depth -= 1
        elif char == "," and depth == 0:
            items.append(text[start:i])
            start = i + 1
        i += 1
    items.append(text[start:])
    return items


def r_value(text: str) -> Any:
    """An R literal as Python: TRUE/FALSE/T/F, NULL/NA, numbers, quoted strings, c(...)."""
    text = text.strip()
    if text in ("TRUE", "T", "true"):
        return True
    if text in ("FALSE", "F", "false"):
        return False
    if text in ("NULL", "NA"):
        return None
    if _NUMBER.fullmatch(text):
        number = text.rstrip("L")
        integral = not any(c in number for c in ".eE")
        return int(number) if integral else float(number)
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "'\"":
        try:
            value = ast.literal_eval(text)  # R's escapes in a string are Python's
        except (SyntaxError, ValueError) as exc:
            raise ValueError(text) from exc
        if isinstance(value, str):
            return value
    if text.startswith("c(") and text.endswith(")"):
        inner = text[2:-1].strip()
        return [r_value(item) for item in _split_top_level(inner)] if inner else []
    raise ValueError(text)


def quarto_name(name: str) -> str:
    """An option's Quarto name: knitr's `fig.cap` is `fig-cap`, `dpi` is `fig-dpi`."""
    name = name.strip()
    return _KNITR_NAMES.get(name, name.replace(".", "-"))


def normalise_options(options: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """Options in Quarto's names with checked values, and what was wrong with the others
    (an unknown option, a value of the wrong kind): those are left out."""
    normalised: dict[str, Any] = {}
    problems: list[str] = []
    for raw_name, value in options.items():
        name = quarto_name(raw_name)
        if name not in KNOWN_OPTIONS:
            problems.append(f"cell option `{raw_name}` is not one hortus knows; ignored")
            continue
        if name == "results":
            mapped = _RESULTS.get(str(value).lower())
            if mapped is None:
                problems.append(f"cell option results={value!r} is not markup, asis, hold or hide")
            else:
                normalised.setdefault("output", mapped)
            continue
        problem = _value_problem(name, value)
        if problem is not None:
            problems.append(f"cell option `{raw_name}` {problem}; ignored")
            continue
        normalised[name] = value
    return normalised, problems


def _value_problem(name: str, value: Any) -> str | None:
    """Why `value` cannot be the option `name`; None when it can."""
    if name in BOOLEAN_OPTIONS and not isinstance(value, bool):
        return f"must be true or false, not {value!r}"
    if name == "echo" and not (isinstance(value, bool) or value == "fenced"):
        return f"must be true, false or fenced, not {value!r}"
    if name == "output" and not (isinstance(value, bool) or value == "asis"):
        return f"must be true, false or asis, not {value!r}"
    if name == "code-fold" and not (isinstance(value, bool) or value == "show"):
        return f"must be true, false or show, not {value!r}"
    if name == "fig-align" and value not in ALIGNMENTS:
        return f"must be default, left, center or right, not {value!r}"
    if name == "layout-ncol" and (
        isinstance(value, bool) or not isinstance(value, int) or value < 1
    ):
        return f"must be a whole number of columns, not {value!r}"
    if name in TEXT_OPTIONS and not isinstance(value, str | int | float):
        return f"must be text, not {value!r}"
    if name in NUMBER_OPTIONS and (
        isinstance(value, bool) or not isinstance(value, int | float) or value <= 0
    ):
        return f"must be a positive number, not {value!r}"
    if name in CAPTION_OPTIONS and isinstance(value, dict):
        return f"must be text or a list of texts, not {value!r}"
    return None
