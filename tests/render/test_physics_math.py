"""The physics package (`\\require{physics}` in Obsidian's MathJax) typeset by KaTeX: each
form draws what the package draws, and KaTeX's own commands keep their meaning."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from hortus.render.math import KatexRenderer, MathResult, physics

REPO = Path(__file__).resolve().parents[2]

# A physics form -> the same drawing written with KaTeX's own commands.
SAME_AS = {
    r"\dv{x}": r"\frac{\mathrm{d}}{\mathrm{d}x}",
    r"\dv{f}{x}": r"\frac{\mathrm{d}f}{\mathrm{d}x}",
    r"\dv[2]{f}{x}": r"\frac{\mathrm{d}^{2}f}{\mathrm{d}x^{2}}",
    r"\dv[n]{t}": r"\frac{\mathrm{d}^{n}}{\mathrm{d}t^{n}}",
    r"\pdv{f}{x}": r"\frac{\partial f}{\partial x}",
    r"\pdv {f} {x} {y}": r"\frac{\partial^{2}f}{\partial x\,\partial y}",
    r"\fdv{F}{\phi}": r"\frac{\delta F}{\delta \phi}",
    r"\dd{x}": r"\mathrm{d}{x}",
    r"\dd[3]{x}": r"\mathrm{d}^{3}{x}",
    r"\qty(\frac{a}{b})": r"\left(\frac{a}{b}\right)",
    r"\qty[\frac{a}{b}]": r"\left[\frac{a}{b}\right]",
    r"\qty|x|": r"\left\vert x\right\vert",
    r"\qty{x}": r"\left\{x\right\}",
    r"\abs{x}": r"\left\vert x\right\vert",
    r"\norm{v}": r"\left\Vert v\right\Vert",
    r"\braket{\phi}{\psi}": r"\left\langle \phi\middle\vert \psi\right\rangle",
    r"\expval{H}": r"\left\langle H\right\rangle",
    r"\ev{H}{\psi}": r"\left\langle \psi\middle\vert H\middle\vert \psi\right\rangle",
    r"\mel{n}{H}{m}": r"\left\langle n\middle\vert H\middle\vert m\right\rangle",
    r"\comm{A}{B}": r"\left[A,B\right]",
    r"\mqty(a & b \\ c & d)": r"\begin{pmatrix}a & b \\ c & d\end{pmatrix}",
    r"\bmqty{1 & 0 \\ 0 & 1}": r"\begin{bmatrix}1 & 0 \\ 0 & 1\end{bmatrix}",
    r"\vb{F} = -\grad V": r"\mathbf{F} = -\nabla V",
    r"\curl \vb{A}": r"\nabla\times \mathbf{A}",
    r"\tr A": r"\operatorname{tr} A",
    r"\order{x^2}": r"\mathcal{O}\left(x^2\right)",
}


@pytest.fixture(scope="module")
def katex() -> Iterator[KatexRenderer]:
    with KatexRenderer(search_from=REPO) as renderer:
        yield renderer


def drawing(result: MathResult) -> str:
    """KaTeX's HTML of a formula without the TeX it was written as."""
    assert result.html is not None, result.error
    return re.sub(r"<annotation.*?</annotation>", "", result.html, flags=re.S)


def test_each_form_draws_what_the_package_draws(katex: KatexRenderer) -> None:
    items = [(tex, False) for pair in SAME_AS.items() for tex in pair]
    results = katex.render_many(items)
    for i, (tex, plain) in enumerate(SAME_AS.items()):
        assert drawing(results[2 * i]) == drawing(results[2 * i + 1]), (tex, plain)


def test_katex_commands_keep_their_meaning(katex: KatexRenderer) -> None:
    # The package's \div (divergence) would change every a ÷ b; the braket package's
    # one-argument \braket{a|b} is KaTeX's own.
    divided, braket = katex.render_many([(r"a \div b", False), (r"\braket{a|b}", False)])
    assert "÷" in drawing(divided)
    assert "⟨" in drawing(braket) and "⟩" in drawing(braket)
    assert physics.adapt(r"\braket{a|b} \div c") == r"\braket{a|b} \div c"


def test_every_physics_macro_renders(katex: KatexRenderer) -> None:
    names = [name for name in physics.MACROS if "@" not in name]
    items = [(f"{name}{{a}}{{b}}{{c}} x", False) for name in names]
    failed = [
        (tex, r.error)
        for (tex, _), r in zip(items, katex.render_many(items), strict=True)
        if r.html is None
    ]
    assert failed == []


def test_the_writers_own_definitions_win() -> None:
    # A preamble.sty that defines \dv its own way, and a formula that defines it for itself.
    with KatexRenderer(search_from=REPO, macros={r"\dv": r"\frac{D#1}{D#2}"}) as own:
        mine, defined = own.render_many(
            [(r"\dv{f}{x}", False), (r"\newcommand{\pdv}[2]{#1/#2} \pdv{f}{x}", False)]
        )
        theirs, slash = own.render_many(
            [(r"\frac{Df}{Dx}", False), (r"\newcommand{\pdv}[2]{#1/#2} f/x", False)]
        )
    assert drawing(mine) == drawing(theirs)
    assert drawing(defined) == drawing(slash)
