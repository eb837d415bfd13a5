"""Math for every published note, typeset in one KaTeX batch; rejected formulas reported by line."""

from __future__ import annotations

import re

from hortus.config import Settings
from hortus.diagnostics import Diagnostics
from hortus.katex import KatexRenderer, MathResult, load_preamble
from hortus.mathjax_compat import parse_preamble
from hortus.parse import ParsedNote
from hortus.vault import Vault

PREAMBLE = "preamble.sty"


def math_macros(vault: Vault, settings: Settings) -> dict[str, str]:
    """The vault's preamble.sty (read by Obsidian's Extended MathJax), then the site settings."""
    macros: dict[str, str] = {}
    preamble = vault.root / PREAMBLE
    if preamble.is_file():
        macros.update(load_preamble(preamble))
    macros.update(settings.math_macros)
    return macros


_DEFINES = re.compile(r"\\(?:(?:re)?newcommand|providecommand|g?def|DeclareMathOperator)\b")
_NEWCOMMAND = re.compile(r"\\(?:re)?newcommand\b")


def typeset_math(
    parsed: list[ParsedNote], macros: dict[str, str], diagnostics: Diagnostics
) -> dict[tuple[str, bool], MathResult]:
    items = sorted({(ref.tex, ref.display) for p in parsed for ref in p.math})
    if not items:
        return {}
    # Obsidian's MathJax keeps a `\newcommand` made in one formula for the formulas after it;
    # collecting them up front gives every formula the definitions, in any order.
    macros = {**macros}
    for tex, _ in items:
        if _DEFINES.search(tex):
            macros.update(parse_preamble(tex))
    # The defining formula itself must not fail on a macro that now already exists.
    sent = [(_NEWCOMMAND.sub(r"\\providecommand", tex), display) for tex, display in items]
    with KatexRenderer(macros=macros) as katex:
        results = dict(zip(items, katex.render_many(sent), strict=True))
    for p in parsed:
        for ref in p.math:
            result = results[(ref.tex, ref.display)]
            if result.error is not None:
                formula = ref.tex.strip().replace("\n", " ")
                diagnostics.warn(
                    str(p.note.path),
                    ref.line,
                    "math",
                    f"KaTeX cannot typeset ${formula}$: {result.error}",
                )
    return results
