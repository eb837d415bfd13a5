"""What a note's frontmatter says about all of its cells, as Quarto reads it: `execute:`
defaults (echo, eval, warning, error, output, include; `enabled: false` runs nothing),
`ipynb-shell-interactivity`, `code-fold` and `code-summary`, the Jupyter kernel it names
(`jupyter:`), `cell-memory-mb`, the memory its cells may hold, and `freeze` (also under
`execute:`, as Quarto has it), whether its stored results are reused on any Python and with
any package versions while its sources and the files it read are unchanged."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from hortus.cells.headers import normalise_options

# `execute:` keys with the meaning of the cell option of the same name.
EXECUTE_OPTIONS = frozenset({"echo", "eval", "warning", "error", "output", "include"})
# `execute:` keys Quarto uses for its own runs; hortus decides these itself (its cache).
QUARTO_RUN_KEYS = frozenset({"cache", "daemon", "daemon-restart", "debug", "kernel"})
# `freeze:` values: Quarto's `auto` (re-run when the source changes) is what hortus's freeze does.
FREEZE_VALUES = {True: True, False: False, "auto": True}
INTERACTIVITY = ("all", "last", "last_expr", "none", "last_expr_or_assign")
# Top-level keys that are also document defaults of the cells' options.
TOP_LEVEL_OPTIONS = ("code-fold", "code-summary")


@dataclass(frozen=True)
class NoteProblem:
    """Something in a note's frontmatter about its cells that is wrong."""

    line: int  # 1-based line of the key in the .md file
    message: str  # what is wrong, naming the key
    fatal: bool = False  # the note's cells cannot run as written (a kernel that is not Python)


@dataclass(frozen=True)
class NoteDefaults:
    """The note-wide options of its cells."""

    options: dict[str, Any] = field(default_factory=dict)  # under every cell's own options
    problems: list[NoteProblem] = field(default_factory=list)  # what the frontmatter got wrong
    memory_mb: int | None = None  # `cell-memory-mb:`; None: the site's setting
    freeze: bool | None = None  # `freeze:`; None: the site's setting


def note_defaults(frontmatter: dict[str, Any], source: str) -> NoteDefaults:
    """The cell options a note's frontmatter sets for all of its cells."""
    if frontmatter.keys().isdisjoint(_NOTE_KEYS):
        return NoteDefaults()  # most notes: every build asks this of each of them
    problems: list[NoteProblem] = []
    options: dict[str, Any] = {}
    execute = frontmatter.get("execute")
    if execute is not None:
        options.update(_execute_options(execute, key_line(source, "execute"), problems))
    interactivity = frontmatter.get("ipynb-shell-interactivity")
    if interactivity is not None:
        line = key_line(source, "ipynb-shell-interactivity")
        _interactivity(interactivity, line, options, problems)
    top = {key: frontmatter[key] for key in TOP_LEVEL_OPTIONS if key in frontmatter}
    checked, bad = normalise_options(top)
    options.update(checked)
    problems.extend(NoteProblem(key_line(source, "code-fold"), text) for text in bad)
    if "jupyter" in frontmatter:
        problem = _kernel_problem(frontmatter["jupyter"], key_line(source, "jupyter"))
        if problem is not None:
            problems.append(problem)
    memory = _memory_mb(frontmatter, source, problems)
    return NoteDefaults(options, problems, memory, _freeze(frontmatter, source, problems))


# Every frontmatter key note_defaults reads.
_NOTE_KEYS = frozenset(
    {
        "execute",
        "ipynb-shell-interactivity",
        "jupyter",
        "cell-memory-mb",
        "freeze",
        *TOP_LEVEL_OPTIONS,
    }
)


def sets_cell_defaults(frontmatter: dict[str, Any]) -> bool:
    """Whether the frontmatter has any key note_defaults reads."""
    return not frontmatter.keys().isdisjoint(_NOTE_KEYS)


def _execute_options(execute: Any, line: int, problems: list[NoteProblem]) -> dict[str, Any]:
    if not isinstance(execute, dict):
        problems.append(NoteProblem(line, "`execute:` must be a mapping of options"))
        return {}
    options: dict[str, Any] = {}
    for key, value in execute.items():
        key = str(key)
        if key in EXECUTE_OPTIONS:
            checked, bad = normalise_options({key: value})
            options.update(checked)
            problems.extend(NoteProblem(line, f"execute: {text}") for text in bad)
        elif key == "enabled":
            if value is False:
                options["eval"] = False  # Quarto runs nothing: the code is shown
        elif key == "ipynb-shell-interactivity":
            _interactivity(value, line, options, problems)
        elif key not in QUARTO_RUN_KEYS and key != "freeze":  # freeze: read by _freeze
            problems.append(NoteProblem(line, f"execute: `{key}` is not an option hortus knows"))
    return options


def _interactivity(
    value: Any, line: int, options: dict[str, Any], problems: list[NoteProblem]
) -> None:
    if value in INTERACTIVITY:
        options["ipynb-shell-interactivity"] = value
    else:
        known = ", ".join(INTERACTIVITY)
        problems.append(
            NoteProblem(line, f"ipynb-shell-interactivity must be one of {known}, not {value!r}")
        )


def _kernel_problem(jupyter: Any, line: int) -> NoteProblem | None:
    """`jupyter: python3`, or a kernelspec whose language is Python; else what to say."""
    if jupyter is True or jupyter is None:
        return None  # `jupyter: true`: the default kernel
    if isinstance(jupyter, dict):
        spec = jupyter.get("kernelspec", jupyter)
        language = spec.get("language") if isinstance(spec, dict) else None
        name = spec.get("name") if isinstance(spec, dict) else None
        if language is not None:
            if str(language).lower().startswith("python"):
                return None
            return _not_python(f"a {language} kernel", line)
        jupyter = name if name is not None else "python3"
    name = str(jupyter)
    if "py" in name.lower():
        return None
    return _not_python(f"the Jupyter kernel {name!r}", line)


def _not_python(what: str, line: int) -> NoteProblem:
    return NoteProblem(
        line,
        f"the note asks for {what}, but hortus runs only Python cells; "
        "name a Python kernel (`jupyter: python3`) or remove the key",
        fatal=True,
    )


def _freeze(frontmatter: dict[str, Any], source: str, problems: list[NoteProblem]) -> bool | None:
    """`freeze:` at the top level, else under `execute:`; None when neither says."""
    execute = frontmatter.get("execute")
    if "freeze" in frontmatter:
        value, line = frontmatter["freeze"], key_line(source, "freeze")
    elif isinstance(execute, dict) and "freeze" in execute:
        value, line = execute["freeze"], key_line(source, "execute")
    else:
        return None
    if isinstance(value, bool | str) and value in FREEZE_VALUES:
        return FREEZE_VALUES[value]
    problems.append(NoteProblem(line, f"freeze must be true, false or auto, not {value!r}"))
    return None


def _memory_mb(frontmatter: dict[str, Any], source: str, problems: list[NoteProblem]) -> int | None:
    value = frontmatter.get("cell-memory-mb")
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        line = key_line(source, "cell-memory-mb")
        problems.append(
            NoteProblem(line, f"cell-memory-mb must be a whole number of MB, not {value!r}")
        )
        return None
    return value


def key_line(source: str, key: str) -> int:
    """The 1-based line of a top-level frontmatter key in the note's text (2 when not found:
    the frontmatter's first line)."""
    pattern = re.compile(rf"^{re.escape(key)}\s*:")
    lines = source.split("\n")
    for number, line in enumerate(lines[1:], start=2):
        if line.rstrip() in ("---", "..."):
            break
        if pattern.match(line):
            return number
    return 2
