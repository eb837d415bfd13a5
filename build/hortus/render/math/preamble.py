"""Macros from a preamble.sty, as Obsidian's Extended MathJax reads it, in the string-macro
form KaTeX takes: \\newcommand, \\renewcommand, \\providecommand, \\def and its kin,
\\DeclareMathOperator and \\let."""

from __future__ import annotations

import re

from hortus.render.math.mathjax import group_end

_COMMENT = re.compile(r"(?<!\\)((?:\\\\)*)%[^\n]*")
_DEFINER = re.compile(
    r"\\(newcommand|renewcommand|providecommand|DeclareRobustCommand|def|gdef|edef|xdef"
    r"|DeclareMathOperator|let)(?![a-zA-Z])(\*?)"
)
_CSNAME = re.compile(r"\s*(\\(?:[a-zA-Z@]+|.))")
_BRACKET = re.compile(r"\s*\[([^\]]*)\]")
_SIMPLE_PARAMS = re.compile(r"(?:#[1-9])*")


def _read_name(text: str, i: int) -> tuple[str | None, int]:
    """A control-sequence name as `\\foo` or `{\\foo}` at text[i:]."""
    j = i
    while j < len(text) and text[j].isspace():
        j += 1
    if j < len(text) and text[j] == "{":
        end = group_end(text, j)
        if end == -1:
            return None, len(text)
        inner = text[j + 1 : end - 1].strip()
        return (inner if _CSNAME.fullmatch(inner) else None), end
    m = _CSNAME.match(text, i)
    return (m.group(1), m.end()) if m else (None, i)


def _read_group(text: str, i: int) -> tuple[str | None, int]:
    """The contents of the brace group at text[i:] (after spaces)."""
    while i < len(text) and text[i].isspace():
        i += 1
    if i >= len(text) or text[i] != "{":
        return None, i
    end = group_end(text, i)
    if end == -1:
        return None, len(text)
    return text[i + 1 : end - 1], end


def parse_preamble(text: str) -> dict[str, str]:
    """KaTeX macros from preamble.sty text; what is not a definition is skipped."""
    text = _COMMENT.sub(lambda m: m.group(1), text)
    macros: dict[str, str] = {}
    i = 0
    while True:
        m = _DEFINER.search(text, i)
        if m is None:
            return macros
        kind, star = m.group(1), m.group(2)
        name, i = _read_name(text, m.end())
        if name is None:
            i = max(i, m.end())
            continue
        if kind == "let":
            target = re.match(r"\s*=?\s*(\\(?:[a-zA-Z@]+|.))", text[i:])
            if target:
                macros[name] = target.group(1)
                i += target.end()
            continue
        if kind == "DeclareMathOperator":
            body, i = _read_group(text, i)
            if body is not None:
                macros[name] = rf"\operatorname{star}{{{body}}}"
            continue
        if kind in ("def", "gdef", "edef", "xdef"):
            brace = text.find("{", i)
            params = text[i:brace].strip() if brace != -1 else ""
            body, i = _read_group(text, brace if brace != -1 else len(text))
            # Delimited parameters (\def\foo#1.{...}) have no string-macro form: skipped.
            if body is not None and _SIMPLE_PARAMS.fullmatch(params.replace(" ", "")):
                macros[name] = body
            continue
        i = _new_command(text, i, name, kind == "providecommand", macros)


def _new_command(text: str, i: int, name: str, provide: bool, macros: dict[str, str]) -> int:
    """`\\newcommand{\\foo}[n][default]{body}` from text[i:] (after the name) into
    `macros`; the position after it."""
    count = _BRACKET.match(text, i)
    nargs = 0
    if count:
        i = count.end()
        nargs = int(count.group(1).strip()) if count.group(1).strip().isdigit() else 0
    default = _BRACKET.match(text, i) if nargs else None
    if default:
        i = default.end()
    body, i = _read_group(text, i)
    if body is None or (provide and name in macros):
        return i
    if default is None:
        macros[name] = body
    elif re.fullmatch(r"\\[a-zA-Z]+", name):
        # KaTeX macros have no optional arguments: \foo looks ahead for "[",
        # and an inner macro receives the optional one as its #1.
        inner = rf"\hortus@opt@{name[1:]}"
        macros[name] = rf"\@ifnextchar[{{\hortus@optarg{inner}}}{{{inner}{{{default.group(1)}}}}}"
        macros[inner] = body
    return i
