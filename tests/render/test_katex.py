"""KaTeX at build time: rendering, errors, MathJax compatibility, preamble macros, speed."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from hortus.render.math import (
    KatexError,
    KatexRenderer,
    MathResult,
    katex_dist_dir,
    load_preamble,
    parse_preamble,
)
from hortus.render.math import mathjax as mathjax_compat

FIXTURES = Path(__file__).parents[1] / "fixtures"
REPO = Path(__file__).resolve().parents[2]

# Formulas of the seed note (notes/notion.md) and the constructs DESIGN.md names.
SEED = [
    (
        r"\frac{1}{\sqrt{2\pi\sigma^2}} \exp\left(-\frac{(y_n - f(\mathbf{x}_n, \theta))^2}"
        r"{2\sigma^2}\right)",
        True,
    ),
    (r"\epsilon \sim \mathcal{N}(0, \sigma^2)", False),
    (r"L_{\text{NLL}}(\theta) = -\sum_{n=1}^{N} \log p(y_n | \mathbf{x}_n, \theta)", True),
    (r"\boldsymbol{\theta}^\top \boldsymbol{x}", False),
    (r"\operatorname{softmax}(z)_i", False),
    (r"\operatorname*{argmin}_\theta L(\theta)", True),
    (r"E = mc^2 \tag{1}", True),
    (r"\begin{aligned} a &= b + c \\ d &= e \end{aligned}", True),
    (r"|x| = \begin{cases} x & x \ge 0 \\ -x & x < 0 \end{cases}", True),
    (r"\begin{CD} A @>f>> B \\ @VgVV @VVhV \\ C @>>k> D \end{CD}", True),
    (r"x \xrightarrow{f} y", False),
]


@pytest.fixture(scope="module")
def katex() -> Iterator[KatexRenderer]:
    with KatexRenderer(search_from=REPO) as renderer:
        yield renderer


def one(renderer: KatexRenderer, tex: str, display: bool = False) -> MathResult:
    return renderer.render_many([(tex, display)])[0]


def mathml(result: MathResult) -> str:
    """The MathML KaTeX wrote, without the TeX annotation (which repeats the source)."""
    assert result.html is not None, result.error
    m = re.search(r"<math.*?</math>", result.html, re.S)
    assert m is not None
    return re.sub(r"<annotation.*?</annotation>", "", m.group(0), flags=re.S)


def visible(result: MathResult) -> str:
    """The text of KaTeX's HTML rendering (what a reader sees), tags stripped."""
    assert result.html is not None, result.error
    html = result.html.split('class="katex-html"', 1)[1]
    return re.sub(r"<[^>]+>", "", html.split(">", 1)[1])


def test_display_and_inline_render_html_and_mathml(katex: KatexRenderer) -> None:
    display, inline = katex.render_many([(r"\int_0^1 x\,dx", True), (r"x^2", False)])
    for result in (display, inline):
        assert result.error is None
        assert result.html is not None
        assert 'class="katex"' in result.html
        assert "<math" in result.html
    assert display.html is not None and 'class="katex-display"' in display.html
    assert inline.html is not None and "katex-display" not in inline.html
    assert 'display="block"' in mathml(display)


def test_seed_note_formulas_render(katex: KatexRenderer) -> None:
    results = katex.render_many(SEED)
    failed = [(tex, r.error) for (tex, _), r in zip(SEED, results, strict=True) if r.html is None]
    assert failed == []
    gaussian = mathml(results[0])
    assert "<mfrac>" in gaussian and "<msqrt>" in gaussian and "exp" in gaussian
    assert 'mathvariant="script"' in mathml(results[1])  # \mathcal{N}
    assert 'mathvariant="bold-italic"' in mathml(results[3])  # \boldsymbol{\theta}
    assert "softmax" in mathml(results[4])
    assert "(1)" in visible(results[6])  # \tag{1}
    assert "<mtable" in mathml(results[7]) and "<mtable" in mathml(results[9])


def test_results_keep_order_and_duplicates(katex: KatexRenderer) -> None:
    items = [("a", False), ("b", True), ("a", False), ("a", True), ("b", True)]
    results = katex.render_many(items)
    assert len(results) == len(items)
    assert results[0] == results[2]
    assert results[1] == results[4]
    assert results[0] != results[3]  # same TeX, other mode
    assert "<mi>a</mi>" in mathml(results[0]) and "<mi>b</mi>" in mathml(results[1])
    assert katex.render_many([]) == []


def test_bad_formula_gives_error_not_html(katex: KatexRenderer) -> None:
    bad, good, unclosed = katex.render_many(
        [(r"\frac{1}{", False), (r"x", False), (r"\nosuchmacro x", False)]
    )
    assert bad.html is None and bad.error is not None and "KaTeX parse error" in bad.error
    assert good.html is not None and good.error is None  # one bad formula spoils no other
    assert unclosed.html is None
    assert unclosed.error is not None and r"\nosuchmacro" in unclosed.error


def test_no_links_or_html_from_input(katex: KatexRenderer) -> None:
    # trust: false - \href and the \html* commands are shown as source, never obeyed.
    result = one(katex, r"\href{javascript:alert(1)}{x} + \htmlClass{evil}{y}")
    assert result.html is not None
    assert "<a " not in result.html and "href=" not in result.html
    assert 'class="evil"' not in result.html
    text = one(katex, r"\text{<script>alert(1)</script>}")
    assert text.html is not None and "<script>" not in text.html


def test_mhchem(katex: KatexRenderer) -> None:
    water, units, reaction = katex.render_many(
        [(r"\ce{H2O}", False), (r"\pu{123 kJ/mol}", False), (r"\ce{A <=> B}", True)]
    )
    assert water.error is None and units.error is None and reaction.error is None
    # Upright element symbols with the count as a subscript.
    assert re.search(
        r'<mi mathvariant="normal">H</mi><msub>.*?<mn>2</mn>.*?</msub>'
        r'<mi mathvariant="normal">O</mi>',
        mathml(water),
    )
    assert "123" in mathml(units) and "kJ" in re.sub(r"<[^>]+>", "", mathml(units))
    assert "⇌" in mathml(reaction)


def test_gdef_does_not_leak_into_next_formula() -> None:
    macros = {r"\RR": r"\mathbb{R}"}
    with KatexRenderer(macros=macros) as renderer:
        first, second, third = renderer.render_many(
            [(r"\gdef\leak{42} \leak", False), (r"\leak", False), (r"\gdef\RR{Z}\RR", False)]
        )
        after = one(renderer, r"\RR")
    assert first.html is not None and "<mn>42</mn>" in mathml(first)
    assert second.html is None and second.error is not None and r"\leak" in second.error
    assert third.html is not None
    assert 'mathvariant="double-struck"' in mathml(after)  # \RR is still the caller's
    assert macros == {r"\RR": r"\mathbb{R}"}  # the caller's dict is untouched


def test_user_macros_with_arguments() -> None:
    macros = {r"\norm": r"\left\lVert #1 \right\rVert", r"\RR": r"\mathbb{R}"}
    with KatexRenderer(macros=macros) as renderer:
        result = one(renderer, r"\norm{x} \in \RR")
    assert "∥" in mathml(result) and 'mathvariant="double-struck"' in mathml(result)


def test_load_preamble() -> None:
    macros = load_preamble(FIXTURES / "katex_preamble.sty")
    assert macros[r"\R"] == r"\mathbb{R}"
    assert macros[r"\E"] == r"\mathbb{E}"
    assert macros[r"\norm"] == r"\left\lVert #1 \right\rVert"
    assert macros[r"\inner"] == r"\langle #1, #2 \rangle"
    assert macros[r"\vec"] == r"\mathbf{#1}"
    assert macros[r"\half"] == r"\frac{1}{2}"
    assert macros[r"\pair"] == "(#1, #2)"
    assert macros[r"\eps"] == r"\varepsilon"
    assert macros[r"\Tr"] == r"\operatorname{Tr}"
    assert macros[r"\argmax"] == r"\operatorname*{arg\,max}"
    assert macros[r"\pct"] == r"50\%"
    assert macros[r"\nested"] == "{#1}^{{#1}}"
    assert r"\commented" not in macros
    assert r"\upto" not in macros  # delimited parameters: no string-macro form
    assert r"\usepackage" not in macros


def test_preamble_macros_render() -> None:
    macros = load_preamble(FIXTURES / "katex_preamble.sty")
    items = [
        (r"\inner{u}{v} \in \R", False),
        (r"\Tr(A) + \pair{a}{b}", False),
        (r"\argmax_{x \in \R} f(x)", True),
        (r"\pd{f} + \pd[2]{f}", True),
        (r"\vec{v} = \half \eps", False),
    ]
    with KatexRenderer(macros=macros) as renderer:
        inner, trace, argmax, partial, vec = renderer.render_many(items)
    assert "⟨" in mathml(inner) and "double-struck" in mathml(inner)
    assert "<mi>Tr</mi>" in mathml(trace) or ">Tr<" in mathml(trace)
    # \DeclareMathOperator* puts limits under the operator in display mode.
    assert "<munder>" in mathml(argmax) and "arg" in mathml(argmax)
    # Optional argument: default (empty) for \pd{f}, given for \pd[2]{f}.
    assert mathml(partial).count("∂") == 4
    assert "<mn>2</mn>" in mathml(partial)
    assert 'mathvariant="bold"' in mathml(vec) and "ε" in mathml(vec)


def test_preamble_parsing_edge_cases() -> None:
    macros = parse_preamble(
        "\\newcommand{\\a}{x % comment }\n}\n"
        "\\newcommand{\\b}{y}\\renewcommand{\\b}{z}\n"
        "\\providecommand{\\b}{not this}\n"
        "\\DeclareMathOperator\\sgn{sgn}\n"
        "\\newcommand*{\\c}[1]{\\left(#1\\right)}\n"
        "\\newcommand{\\broken}{never closed\n"
    )
    assert macros[r"\a"] == "x \n"
    assert macros[r"\b"] == "z"
    assert macros[r"\sgn"] == r"\operatorname{sgn}"
    assert macros[r"\c"] == r"\left(#1\right)"
    assert r"\broken" not in macros


def test_inline_environments_render_like_obsidian(katex: KatexRenderer) -> None:
    envs = [
        r"\begin{align} a &= b \\ c &= d \end{align}",
        r"\begin{align*} a &= b \end{align*}",
        r"\begin{gather} a \\ b \end{gather}",
        r"\begin{equation} a = b \end{equation}",
        r"\begin{split} a &= b \end{split}",
        r"\begin{multline} a \\ b \end{multline}",
        r"\begin{eqnarray} a &=& b \end{eqnarray}",
        r"\begin{alignat}{2} a &= b & c &= d \end{alignat}",
    ]
    results = katex.render_many([(tex, False) for tex in envs])
    for tex, result in zip(envs, results, strict=True):
        assert result.html is not None, (tex, result.error)
        # Without a \tag it stays in the line, as MathJax's inline table does.
        assert "katex-display" not in result.html, tex
        assert "<mtable" in mathml(result)


def test_display_only_environments_katex_lacks(katex: KatexRenderer) -> None:
    envs = [
        r"\begin{multline} a \\ b \end{multline}",
        r"\begin{flalign} a &= b \end{flalign}",
        r"\begin{eqnarray*} a &=& b \\ c &\le& d \end{eqnarray*}",
        r"\begin{numcases}{f(x)=} 1 & x > 0 \\ 0 & x \le 0 \end{numcases}",
    ]
    for tex, result in zip(envs, katex.render_many([(t, True) for t in envs]), strict=True):
        assert result.html is not None, (tex, result.error)


def test_tags(katex: KatexRenderer) -> None:
    inline_tag, inline_align_tag, aligned_display, equation = katex.render_many(
        [
            (r"x^2 \tag{1}", False),
            (r"\begin{align} a &= b \tag{2} \\ c &= d \end{align}", False),
            (r"\begin{aligned} a &= b \end{aligned} \tag{3}", True),
            (r"\begin{equation} E = mc^2 \label{eq:e} \tag{4} \end{equation}", True),
        ]
    )
    # MathJax drops a \tag of plain inline math: the formula still shows.
    assert "x" in visible(inline_tag) and "(1)" not in visible(inline_tag)
    # An inline numbered environment: MathJax shows it full width with the tag.
    assert inline_align_tag.html is not None and "katex-display" in inline_align_tag.html
    assert "(2)" in visible(inline_align_tag)
    assert "(3)" in visible(aligned_display)
    assert "(4)" in visible(equation) and "eq:e" not in visible(equation)  # \label is not shown


def test_labels_and_refs(katex: KatexRenderer) -> None:
    tagged, ref, eqref, missing = katex.render_many(
        [
            (r"a = b \tag{5} \label{eq:ab}", True),
            (r"\ref{eq:ab}", False),
            (r"\text{see } \eqref{eq:ab}", False),
            (r"\eqref{eq:nowhere}", False),
        ]
    )
    assert tagged.html is not None
    assert visible(ref).strip("\u200b") == "5"
    assert "(5)" in visible(eqref)
    # Unknown label: what MathJax shows, not an error.
    assert "(???)" in visible(missing)


def test_mathjax_builtins_katex_lacks(katex: KatexRenderer) -> None:
    cases = {
        r"\left\bracevert x \right\bracevert": "\u2223",  # DIVIDES, KaTeX's \vert
        r"\Bbbk": "k",
        r"\textsc{Abc}": "Abc",
        r"\mbox{if } x": "if",
        r"\raise 2pt \hbox{up}": "up",
        r"\lower .5ex {x}": "x",
        r"\raise{.2em}{x^2}": "x",
        r"\root 3 \of {x+1}": "<mroot>",
        r"\buildrel \rm def \over = y": "<mover>",
        r"\matrix{a & b \cr c & d}": "<mtable",
        r"\pmatrix{a & b \cr c & d}": "<mtable",
        r"\cases{1 & x>0 \cr 0 & x \le 0}": "<mtable",
        r"\displaylines{a \cr b}": "<mtable",
        r"\DeclareMathOperator{\Tr}{Tr} \Tr A": "Tr",
        r"\require{physics} x": "<mi>x</mi>",
        r"\bbox[yellow]{x}": "yellow",
        r"\enclose{circle}{x}": "box",
        r"\cancelto{0}{x}": "updiagonalstrike",
        r"\unicode{x41}": "A",
        r"\ketbra{a}{b}": "⟩",
        r"\upmu \text{m}": "μ",
        r"\sideset{_a^b}{_c^d}\sum": "∑",
        r"\idotsint": "⋯",
        r"\mathup{d} x": "d",
        r"\symbf{v}": "bold",
        r"\class{x}{y} + \style{color:red}{z}": "<mi>z</mi>",
        r"\Rule{1em}{1ex}{0.5ex}": "mspace",
        r"\overparen{AB}": "<mover",
    }
    results = katex.render_many([(tex, False) for tex in cases])
    for (tex, expected), result in zip(cases.items(), results, strict=True):
        assert result.html is not None, (tex, result.error)
        assert expected in mathml(result), (tex, mathml(result))


def test_compat_macros_all_render(katex: KatexRenderer) -> None:
    # Every compat macro must at least parse with plausible arguments.
    args = "{1pt}{2pt}{3pt}"
    items = [(f"{name}{args} x", False) for name in mathjax_compat.MACROS if "@" not in name]
    failed = [
        (tex, r.error)
        for (tex, _), r in zip(items, katex.render_many(items), strict=True)
        if r.html is None
    ]
    assert failed == []


def test_deterministic() -> None:
    items = [*SEED, (r"\ce{2H2 + O2 -> 2H2O}", True)]
    with KatexRenderer() as a:
        first = a.render_many(items)
    with KatexRenderer() as b:
        second = b.render_many(list(reversed(items)))
    assert first == list(reversed(second))


def test_katex_dist_dir_holds_css_and_fonts() -> None:
    dist = katex_dist_dir(REPO)
    assert (dist / "katex.min.css").is_file()
    assert any((dist / "fonts").glob("*.woff2"))
    # Found from the package's own location too, whatever the working directory.
    assert katex_dist_dir(Path("/")) == dist


def test_katex_missing_gives_clear_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HORTUS_KATEX_DIR", str(tmp_path))
    with pytest.raises(KatexError, match=r"KaTeX not found: run `npm ci` in the project folder"):
        katex_dist_dir(tmp_path)
    with KatexRenderer() as renderer, pytest.raises(KatexError, match="npm ci"):
        renderer.render_many([("x", False)])


def test_katex_dir_from_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    real = katex_dist_dir(REPO)
    monkeypatch.setenv("HORTUS_KATEX_DIR", str(real.parent))
    assert katex_dist_dir(Path("/")) == real
    with KatexRenderer() as renderer:
        assert renderer.render_many([("x", False)])[0].html is not None


def test_node_missing_gives_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("hortus.render.math.katex.shutil.which", lambda name: None)
    with KatexRenderer() as renderer, pytest.raises(KatexError, match="node not found"):
        renderer.render_many([("x", False)])


def test_bad_macro_set_is_reported() -> None:
    with KatexRenderer(macros={r"\ok": "x"}) as renderer:
        assert renderer.render_many([(r"\ok", False)])[0].html is not None
    # A macro that expands to a syntax error only fails the formulas using it.
    with KatexRenderer(macros={r"\bad": r"\frac{"}) as renderer:
        bad, good = renderer.render_many([(r"\bad", False), ("y", False)])
    assert bad.error is not None and good.html is not None


def test_throughput_2000_formulas() -> None:
    items = [
        (
            rf"\frac{{1}}{{\sqrt{{2\pi\sigma_{{{i}}}^2}}}} "
            rf"\exp\left(-\frac{{(y_{{{i}}} - f(\mathbf{{x}}_n, \theta))^2}}{{2\sigma^2}}\right)",
            i % 2 == 0,
        )
        for i in range(2000)
    ]
    with KatexRenderer() as renderer:
        renderer.render_many([("x", False)])  # node start-up is not what is measured
        start = time.perf_counter()
        results = renderer.render_many(items)
        elapsed = time.perf_counter() - start
    print(f"\nKaTeX: 2000 formulas in {elapsed:.2f} s ({len(items) / elapsed:.0f} per second)")
    assert all(r.html is not None for r in results)
    assert elapsed < 30  # a bound for a stalled process, not a benchmark


def test_command_as_script_without_braces_like_mathjax() -> None:
    """MathJax reads `x^\\sqrt{2}` and `4^\\card{E}` (a macro with an argument) as scripts."""
    with KatexRenderer(macros={r"\card": r"\left\lvert #1 \right\rvert"}) as renderer:
        results = renderer.render_many(
            [(r"x^\sqrt{ \log x } = 10^8", False), (r"4^\card{ E } + e_\frac{a}{b}", True)]
        )
    assert [r.error for r in results] == [None, None]
    assert "msqrt" in mathml(results[0])


def test_a_symbol_as_script_keeps_the_group_after_it_out_of_the_script() -> None:
    """`T^\\mu{}_\\nu` staggers its indices and `\\partial_\\mu{\\phi}` subscripts only μ, in
    MathJax as in KaTeX: a command with no argument does not take the group after it."""
    with KatexRenderer() as renderer:
        results = renderer.render_many(
            [
                (r"T^\mu{}_\nu", False),
                (r"\partial_\mu{\phi}", False),
                (r"\gamma_\beta{\cal L}_\xi g", False),
            ]
        )
    assert [r.error for r in results] == [None, None, None]
    staggered, partial, _ = (mathml(r) for r in results)
    assert "<msup><mi>T</mi><mi>μ</mi></msup>" in staggered  # not <msup>T <mrow>μ{}</mrow>
    assert "<mi>∂</mi><mi>μ</mi></msub><mi>ϕ</mi>" in partial.replace(' mathvariant="normal"', "")


def test_an_operator_as_script_without_braces_like_mathjax() -> None:
    """MathJax sets `T_\\max` and `e^\\sum` with the operator as the script; KaTeX alone
    refuses a function with no argument there."""
    with KatexRenderer() as renderer:
        results = renderer.render_many(
            [
                (r"T_\alpha \preceq T_\max", False),
                (r"\min_{T\preceq T_\max} C(T)", True),
                (r"e^\sum + f_\log{x}", False),
            ]
        )
    assert [r.error for r in results] == [None, None, None]
    tree, _, mixed = (mathml(r) for r in results)
    assert "<msub><mi>T</mi><mi>max</mi>" in tree
    assert "<msup><mi>e</mi><mo" in mixed and "∑</mo></msup>" in mixed
    assert "<msub><mi>f</mi><mi>log</mi>" in mixed and "</msub><mi>x</mi>" in mixed
