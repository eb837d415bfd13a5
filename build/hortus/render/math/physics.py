"""The physics package, which Obsidian's MathJax loads on `\\require{physics}`, as KaTeX
macros: automatic brackets (`\\qty`), derivatives (`\\dv`, `\\pdv`), bra-kets, vectors,
operators and matrices.

Only names KaTeX lacks are defined, so `\\div` stays ÷ and `\\Re` stays ℜ in every note; a
note that writes `\\dv` without `\\require{physics}` gets the derivative rather than an
error. A bracket form (`\\qty(x)`, `\\mqty[a]`) goes through PREAMBLE's delimited
definitions, picked by `\\@ifnextchar`; a form told by its number of arguments
(`\\dv{x}`, `\\dv{f}{x}`, `\\dv[2]{f}{x}`, `\\braket{a}{b}`) is picked by adapt(), as KaTeX's
macros cannot look ahead for a `{`. Parentheses inside `\\qty( )` and `\\mqty( )` need braces around
them, as in plain TeX.
"""

from __future__ import annotations

import re
from collections.abc import Collection

from hortus.render.math.mathjax import MACROS as COMPAT_MACROS
from hortus.render.math.mathjax import group_end

_OPERATORS = ("tr", "Tr", "rank", "erf", "Res")
_QUICK_WORDS = ("and", "or", "if", "then", "else", "for", "as", "let", "in", "since")


def _derivative(name: str, d: str) -> dict[str, str]:
    """A derivative's forms by argument count (see adapt): `{x}`, `{f}{x}`, `[n]{x}`,
    `[n]{f}{x}`, and `{f}{x}{y}` (mixed)."""
    return {
        f"\\{name}": f"\\hortus@{name}one",  # no argument at all: as if one
        f"\\hortus@{name}one": f"\\frac{{{d}}}{{{d}#1}}",
        f"\\hortus@{name}two": f"\\frac{{{d}#1}}{{{d}#2}}",
        f"\\hortus@{name}three": f"\\frac{{{d}^{{2}}#1}}{{{d}#2\\,{d}#3}}",
        f"\\hortus@{name}none": f"\\frac{{{d}^{{#1}}}}{{{d}#2^{{#1}}}}",
        f"\\hortus@{name}ntwo": f"\\frac{{{d}^{{#1}}#2}}{{{d}#3^{{#1}}}}",
    }


MACROS: dict[str, str] = {
    # Brackets that size themselves to what they hold.
    r"\qty": r"\@ifnextchar({\hortus@qtyp}{\@ifnextchar[{\hortus@qtyb}"
    r"{\@ifnextchar|{\hortus@qtyv}{\hortus@qtyc}}}",
    r"\hortus@qtyc": r"\left\{#1\right\}",
    r"\pqty": r"\left(#1\right)",
    r"\bqty": r"\left[#1\right]",
    r"\vqty": r"\left\vert #1\right\vert",
    r"\Bqty": r"\left\{#1\right\}",
    r"\abs": r"\left\vert #1\right\vert",
    r"\absolutevalue": r"\left\vert #1\right\vert",
    r"\norm": r"\left\Vert #1\right\Vert",
    r"\eval": r"\left.#1\right\vert",
    r"\evaluated": r"\left.#1\right\vert",
    r"\order": r"\mathcal{O}\left(#1\right)",
    r"\comm": r"\left[#1,#2\right]",
    r"\commutator": r"\left[#1,#2\right]",
    r"\acomm": r"\left\{#1,#2\right\}",
    r"\anticommutator": r"\left\{#1,#2\right\}",
    r"\pb": r"\left\{#1,#2\right\}",
    r"\poissonbracket": r"\left\{#1,#2\right\}",
    # Vectors.
    r"\vb": r"\mathbf{#1}",
    r"\vectorbold": r"\mathbf{#1}",
    r"\va": r"\vec{\mathrm{#1}}",
    r"\vectorarrow": r"\vec{\mathrm{#1}}",
    r"\vu": r"\hat{\mathbf{#1}}",
    r"\vectorunit": r"\hat{\mathbf{#1}}",
    r"\vdot": r"\cdot",
    r"\dotproduct": r"\cdot",
    r"\cp": r"\times",
    r"\crossproduct": r"\times",
    r"\grad": r"\nabla",
    r"\gradient": r"\nabla",
    r"\divergence": r"\nabla\cdot",
    r"\curl": r"\nabla\times",
    r"\laplacian": r"\nabla^{2}",
    # Operators, and the principal value.
    **{f"\\{name}": f"\\operatorname{{{name}}}" for name in _OPERATORS},
    r"\trace": r"\operatorname{tr}",
    r"\Trace": r"\operatorname{Tr}",
    r"\pv": r"\mathcal{P}",
    r"\PV": r"\operatorname{P.V.}",
    # Words between formulas: \qq{text}, \qand, \qc.
    r"\qq": r"\quad\text{#1}\quad",
    r"\qc": r",\quad",
    **{f"\\q{word}": f"\\quad\\text{{{word}}}\\quad" for word in _QUICK_WORDS},
    # Derivatives and differentials.
    r"\dd": r"\@ifnextchar[{\hortus@ddn}{\mathrm{d}}",
    r"\differential": r"\mathrm{d}",
    **_derivative("dv", r"\mathrm{d}"),
    **_derivative("pdv", r"\partial"),
    **_derivative("fdv", r"\delta"),
    r"\derivative": r"\dv",
    r"\partialderivative": r"\pdv",
    r"\variation": r"\delta",
    # Dirac notation: \braket{a}{b} as the physics package reads it, \braket{a|b} as the
    # braket package (which MathJax also loads) does.
    r"\hortus@brakettwo": r"\left\langle #1\middle\vert #2\right\rangle",
    r"\expval": r"\hortus@expvalone",
    r"\ev": r"\hortus@expvalone",
    r"\expectationvalue": r"\hortus@expvalone",
    r"\hortus@expvalone": r"\left\langle #1\right\rangle",
    r"\hortus@expvaltwo": r"\left\langle #2\middle\vert #1\middle\vert #2\right\rangle",
    r"\mel": r"\left\langle #1\middle\vert #2\middle\vert #3\right\rangle",
    r"\matrixelement": r"\left\langle #1\middle\vert #2\middle\vert #3\right\rangle",
    r"\op": r"\left\vert #1\middle\rangle\!\middle\langle #2\right\vert",
    r"\outerproduct": r"\left\vert #1\middle\rangle\!\middle\langle #2\right\vert",
    # Matrices: \mqty(a & b \\ c & d) and its kin.
    r"\mqty": r"\@ifnextchar({\hortus@mqtyp}{\@ifnextchar[{\hortus@mqtyb}"
    r"{\@ifnextchar|{\hortus@mqtyv}{\hortus@mqtyc}}}",
    r"\hortus@mqtyc": r"\begin{matrix}#1\end{matrix}",
    r"\matrixquantity": r"\mqty",
    r"\pmqty": r"\begin{pmatrix}#1\end{pmatrix}",
    r"\bmqty": r"\begin{bmatrix}#1\end{bmatrix}",
    r"\vmqty": r"\begin{vmatrix}#1\end{vmatrix}",
    r"\Pmqty": r"\begin{pmatrix}#1\end{pmatrix}",
    r"\smqty": r"\begin{smallmatrix}#1\end{smallmatrix}",
    r"\imat": r"\mathbf{1}_{#1}",
    r"\identitymatrix": r"\mathbf{1}_{#1}",
}

# Definitions with delimited parameters, run by KaTeX once per renderer.
PREAMBLE = "".join(
    (
        r"\gdef\hortus@qtyp(#1){\left(#1\right)}",
        r"\gdef\hortus@qtyb[#1]{\left[#1\right]}",
        r"\gdef\hortus@qtyv|#1|{\left\vert #1\right\vert}",
        r"\gdef\hortus@mqtyp(#1){\begin{pmatrix}#1\end{pmatrix}}",
        r"\gdef\hortus@mqtyb[#1]{\begin{bmatrix}#1\end{bmatrix}}",
        r"\gdef\hortus@mqtyv|#1|{\begin{vmatrix}#1\end{vmatrix}}",
        r"\gdef\hortus@ddn[#1]{\mathrm{d}^{#1}}",
    )
)


# Commands whose form depends on the brace groups after them: name -> (form, most groups).
_COUNTED = {
    "dv": ("dv", 2), "derivative": ("dv", 2), "pdv": ("pdv", 3), "partialderivative": ("pdv", 3),
    "fdv": ("fdv", 2), "functionalderivative": ("fdv", 2), "braket": ("braket", 2),
    "expval": ("expval", 2), "ev": ("expval", 2), "expectationvalue": ("expval", 2),
}  # fmt: skip
_COMMAND = re.compile(
    r"\\(" + "|".join(sorted(_COUNTED, key=len, reverse=True)) + r")(?![a-zA-Z@])"
)
_DEFINES = re.compile(r"\\(?:re)?newcommand|\\g?def(?![a-zA-Z])|\\let(?![a-zA-Z])")
_NEW_COMMAND = re.compile(r"\\newcommand(\s*\{?\s*)(\\[a-zA-Z@]+)")
_HINTS = ("dv", "deriv", "braket", "ev", "expval", "expectation")
_DERIVATIVES = frozenset({"dv", "pdv", "fdv"})
_COUNT_NAMES = {1: "one", 2: "two", 3: "three"}  # a TeX name holds letters, not digits


def adapt(tex: str, own: Collection[str] = ()) -> str:
    """`tex` with each counted command (see _COUNTED) named by its form, which MACROS
    defines: `\\dv{f}{x}` -> `\\hortus@dvtwo{f}{x}`, `\\dv[2]{x}` -> `\\hortus@dvnone{2}{x}`.
    Not the writer's `own` macros (`\\dv` as preamble.sty defines it), nor in a formula
    that defines macros itself."""
    if "\\" not in tex:
        return tex
    if _DEFINES.search(tex):
        # Without the package loaded, MathJax lets a formula define \abs for itself; KaTeX
        # asks for \renewcommand when the name is taken (by these macros or the compat set).
        return _NEW_COMMAND.sub(_renew, tex)
    if not any(hint in tex for hint in _HINTS):
        return tex
    out: list[str] = []
    pos = 0
    for found in _COMMAND.finditer(tex):
        if found.group(0) in own:
            continue
        form, most = _COUNTED[found.group(1)]
        at = _after_spaces(tex, found.end())
        optional = None
        if form in _DERIVATIVES and tex.startswith("[", at):
            close = tex.find("]", at)
            if close < 0:
                continue
            optional, at, most = tex[at + 1 : close], close + 1, 2
        groups = _groups(tex, at, most)
        if (form == "braket" and groups < 2) or groups == 0:
            continue  # KaTeX's own \braket{a|b}; a command without arguments as it is
        out.append(tex[pos : found.start()])
        if optional is None:
            out.append(f"\\hortus@{form}{_COUNT_NAMES[groups]}")
            pos = found.end()
        else:
            out.append(f"\\hortus@{form}n{_COUNT_NAMES[groups]}{{{optional}}}")
            pos = at
    out.append(tex[pos:])
    return "".join(out)


def _groups(tex: str, at: int, most: int) -> int:
    """How many brace groups (up to `most`) follow `at`, spaces between them skipped."""
    count = 0
    while count < most:
        at = _after_spaces(tex, at)
        end = group_end(tex, at) if tex.startswith("{", at) else -1
        if end < 0:
            break
        count, at = count + 1, end
    return count


def _after_spaces(tex: str, at: int) -> int:
    while at < len(tex) and tex[at] in " \t\n":
        at += 1
    return at


def _renew(found: re.Match[str]) -> str:
    if found.group(2) in MACROS or found.group(2) in COMPAT_MACROS:
        return rf"\renewcommand{found.group(1)}{found.group(2)}"
    return found.group(0)
