"""Math through the whole build: macros from preamble.sty, settings and earlier formulas."""

from __future__ import annotations

P = "---\ndg-publish: true\n---\n"


def test_preamble_settings_and_formula_macros(build_vault) -> None:
    run = build_vault(
        {
            "preamble.sty": "\\newcommand{\\RR}{\\mathbb{R}}\n\\DeclareMathOperator{\\tr}{tr}\n",
            "M.md": P
            + "Define $\\newcommand{\\vv}[1]{\\mathbf{#1}} \\vv{x}$ then use $\\vv{y} \\in \\RR$,"
            + " $\\tr A$ and $\\NN$.\n\nA chemical $\\ce{H2O}$.\n",
        },
        settings='math-macros = { "\\\\NN" = "\\\\mathbb{N}" }',
    )
    assert run.code == 0, run.stderr
    html = run.page("/m/")
    assert "math-error" not in html
    assert html.count('<span class="katex">') == 5
    assert ": warning:" not in run.stderr


def test_obsidian_math_shapes_typeset(build_vault) -> None:
    source = P + (
        "Text then\n$$\na = b\n\nc = d\n$$\n"
        "- item\n  $$ x^2 $$\n"
        "> [!note] Math in a callout\n> $$\n> \\int_0^1 f\n> $$\n\n"
        "Inline $\\begin{align} a &= b \\\\ c &= d \\end{align}$ and a price of $5 and $10.\n"
    )
    run = build_vault({"S.md": source})
    assert run.code == 0, run.stderr
    html = run.page("/s/")
    assert "math-error" not in html
    assert html.count('<span class="katex">') == 4
    assert "price of $5 and $10." in html
