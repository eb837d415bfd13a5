"""Math for every published note, typeset in one batch (KaTeX, or Temml for MathML output);
rejected formulas reported by line."""

from __future__ import annotations

import contextlib
import re
from pathlib import Path
from typing import Any

from hortus.cache import MathStore
from hortus.cells import note_result
from hortus.config import Settings
from hortus.diagnostics import Diagnostics
from hortus.markdown import MathRef, ParsedNote
from hortus.render.math.katex import KatexError, KatexRenderer, MathResult, load_preamble
from hortus.render.math.preamble import parse_preamble
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


# env: the note's formulas as parsing found them, (tex, display), each once; kept with its
# parse, so a build gathers the garden's formulas without reading every note's refs.
MATH_KEYS = "math_keys"


def record_math_keys(env: dict[str, Any], math: list[MathRef]) -> None:
    """What typeset_math gathers of a note's formulas, noted once as it is parsed."""
    env[MATH_KEYS] = tuple({(ref.tex, ref.display): None for ref in math})


def _formulas(parsed: list[ParsedNote]) -> set[tuple[str, bool]]:
    """Every note's formulas, (tex, display): as its parse noted them, but for a note whose
    cells ran (their outputs' formulas are added to its refs, see hortus.cells)."""
    found: set[tuple[str, bool]] = set()
    for p in parsed:
        told = p.env.get(MATH_KEYS)
        if told is not None and note_result(p.env) is None:
            found.update(told)
        else:
            found.update((ref.tex, ref.display) for ref in p.math)
    return found


_DEFINES = re.compile(r"\\(?:(?:re)?newcommand|providecommand|g?def|DeclareMathOperator)\b")
_NEWCOMMAND = re.compile(r"\\(?:re)?newcommand\b")


def launch_typesetter(
    parsed: list[ParsedNote], cache_dir: Path | None, output: str = "html"
) -> KatexRenderer | None:
    """A typesetter started now, for typeset_math to use later: node loads KaTeX (0.1 s)
    while the build goes on. Only when the notes were parsed with formulas and no earlier
    build's typeset formulas are kept: most builds after an edit need no node."""
    if cache_dir is not None and MathStore.any_kept(cache_dir):
        return None
    if not any(p.env.get(MATH_KEYS) for p in parsed):
        return None
    typesetter = KatexRenderer(output=output)
    try:
        typesetter.launch()
    except KatexError:
        return None  # typeset_math meets it again, and reports it
    return typesetter


def typeset_math(
    parsed: list[ParsedNote],
    macros: dict[str, str],
    diagnostics: Diagnostics,
    cache_dir: Path | None = None,
    output: str = "html",
    launched: KatexRenderer | None = None,
) -> dict[tuple[str, bool], MathResult]:
    """Every distinct formula typeset once, in one batch, as `output` (the `math-output`
    setting: "html" with KaTeX, "mathml" with Temml); with `cache_dir`, formulas typeset by
    an earlier build with the same macros, output and code are taken from there. `launched`
    (see launch_typesetter) is used if needed, and closed."""
    with launched or contextlib.nullcontext():
        return _typeset(parsed, macros, diagnostics, cache_dir, output, launched)


def _typeset(
    parsed: list[ParsedNote],
    macros: dict[str, str],
    diagnostics: Diagnostics,
    cache_dir: Path | None,
    output: str,
    launched: KatexRenderer | None,
) -> dict[tuple[str, bool], MathResult]:
    items = sorted(_formulas(parsed))
    if not items:
        return {}
    # Obsidian's MathJax keeps a `\newcommand` made in one formula for the formulas after it;
    # collecting them up front gives every formula the definitions, in any order.
    macros = {**macros}
    for tex, _ in items:
        if _DEFINES.search(tex):
            macros.update(parse_preamble(tex))
    store = MathStore(cache_dir, macros, output) if cache_dir is not None else None
    kept = store.load() if store is not None else {}
    results = {item: MathResult(*typeset) for item, typeset in kept.items()}
    missing = [item for item in items if item not in results]
    if missing:
        # The defining formula itself must not fail on a macro that now already exists.
        sent = [(_NEWCOMMAND.sub(r"\\providecommand", tex), d) for tex, d in missing]
        typesetter = launched or KatexRenderer(output=output)
        typesetter.macros = macros
        with typesetter:
            results.update(zip(missing, typesetter.render_many(sent), strict=True))
    results = {item: results[item] for item in items}
    if store is not None and (missing or store.stale(len(results))):
        store.save({item: (result.html, result.error) for item, result in results.items()})
    if any(result.error is not None for result in results.values()):
        _report(parsed, results, diagnostics, "Temml" if output == "mathml" else "KaTeX")
    return results


def _report(
    parsed: list[ParsedNote],
    results: dict[tuple[str, bool], MathResult],
    diagnostics: Diagnostics,
    engine: str,
) -> None:
    """Every formula the typesetter rejected, by note and line."""
    for p in parsed:
        for ref in p.math:
            result = results[(ref.tex, ref.display)]
            if result.error is not None:
                formula = ref.tex.strip().replace("\n", " ")
                fence = "$$" if ref.display else "$"  # quoted as the note writes it
                diagnostics.warn(
                    str(p.note.path),
                    ref.line,
                    "math",
                    f"{engine} cannot typeset {fence}{formula}{fence}: {result.error}",
                )
