"""Math for every published note, typeset in one KaTeX batch; rejected formulas reported by line."""

from __future__ import annotations

import os
import pickle
import re
from pathlib import Path

from hortus.config import Settings
from hortus.diagnostics import Diagnostics
from hortus.markdown.parser import ParsedNote
from hortus.render.math.katex import KatexRenderer, MathResult, load_preamble
from hortus.render.math.mathjax import parse_preamble
from hortus.vault.reader import Vault

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
    parsed: list[ParsedNote],
    macros: dict[str, str],
    diagnostics: Diagnostics,
    cache_dir: Path | None = None,
) -> dict[tuple[str, bool], MathResult]:
    """Every distinct formula typeset once, in one KaTeX batch; with `cache_dir`, formulas
    typeset by an earlier build with the same macros and code are taken from there."""
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
    store = _MathStore(cache_dir, macros) if cache_dir is not None else None
    results = store.load() if store is not None else {}
    missing = [item for item in items if item not in results]
    if missing:
        sent = [(_NEWCOMMAND.sub(r"\\providecommand", tex), d) for tex, d in missing]
        with KatexRenderer(macros=macros) as katex:
            results.update(zip(missing, katex.render_many(sent), strict=True))
    results = {item: results[item] for item in items}
    if store is not None and (missing or store.stale(results)):
        store.save(results)
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


class _MathStore:
    """Typeset formulas of the last build, in one file per set of macros (.hortus/site/)."""

    def __init__(self, folder: Path, macros: dict[str, str]) -> None:
        from hortus.cache.digest import digest
        from hortus.cache.fingerprint import code_fingerprint

        self.path = folder / f"math-{digest(code_fingerprint(), macros)[:24]}.pickle"
        self.count = 0

    def load(self) -> dict[tuple[str, bool], MathResult]:
        try:
            found = pickle.loads(self.path.read_bytes())
        except (OSError, pickle.UnpicklingError, EOFError, ValueError, TypeError, AttributeError):
            return {}
        if not isinstance(found, dict):
            return {}
        self.count = len(found)
        return {k: MathResult(*v) for k, v in found.items()}

    def stale(self, results: dict[tuple[str, bool], MathResult]) -> bool:
        return len(results) != self.count  # formulas no note has any more: drop them

    def save(self, results: dict[tuple[str, bool], MathResult]) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        for old in self.path.parent.glob("math-*.pickle"):
            old.unlink(missing_ok=True)  # typeset with other macros: of no further use
        data = {k: (v.html, v.error) for k, v in results.items()}
        temporary = self.path.with_suffix(f".{os.getpid()}.tmp")
        temporary.write_bytes(pickle.dumps(data, protocol=pickle.HIGHEST_PROTOCOL))
        temporary.replace(self.path)
