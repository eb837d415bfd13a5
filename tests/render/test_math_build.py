"""Math through the whole build: macros from preamble.sty, settings and earlier formulas."""

from __future__ import annotations

from pathlib import Path, PurePosixPath

from hortus.diagnostics import Diagnostics
from hortus.markdown import ParsedNote, make_parser, parse_note
from hortus.render import launch_typesetter, record_math_keys, typeset_math
from hortus.vault import Note

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


def _parsed(text: str) -> ParsedNote:
    note = Note(PurePosixPath("m.md"), text, {}, "M", "/m/", True)
    parsed = parse_note(make_parser(), note)
    record_math_keys(parsed.env, parsed.math)
    return parsed


def test_node_started_ahead_typesets_with_the_macros_found_later(tmp_path: Path) -> None:
    """A cold build starts node while it links the notes; the macros (of the settings and
    the formulas) are known only when the formulas are typeset, and still apply."""
    parsed = [
        _parsed("Define $\\newcommand{\\vv}[1]{\\mathbf{#1}} \\vv{x}$, use $\\vv{y} \\in \\RR$.")
    ]
    assert launch_typesetter([_parsed("No formula here.")], tmp_path) is None
    launched = launch_typesetter(parsed, tmp_path)
    assert launched is not None
    typeset = typeset_math(
        parsed, {"\\RR": "\\mathbb{R}"}, Diagnostics(), tmp_path, "html", launched
    )
    assert [r.error for r in typeset.values()] == [None, None]
    used = next(r.html or "" for (tex, _), r in typeset.items() if tex.startswith("\\vv{y}"))
    assert 'class="mord mathbf"' in used and 'class="mord mathbb"' in used
    assert launch_typesetter(parsed, tmp_path) is None  # typeset already: an edit needs no node
