"""What a cell shows, as Jupyter shows it: display(), rich representations, figures shown by
plt.show() and display(), the values IPython's interactivity shows, and their text."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import article
from hortus.cells import Step, run_note


def cell(index: int, source: str, **options: object) -> Step:
    return Step("cell", index, source, 10 * index + 2, dict(options))


def shown(tmp_path: Path, *steps: Step) -> list[list[tuple[str, str]]]:
    """Per cell, (type, text or html) of each output."""
    result = run_note(list(steps), str(tmp_path), "notes/n.md")
    assert result.status == "ok", result.error
    return [
        [
            (o["type"], o.get("html") or o.get("text") or o.get("mime") or "")
            for o in (output.to_json() for output in c.outputs)
        ]
        for c in result.cells
    ]


def test_display_shows_objects_where_it_is_called(tmp_path: Path) -> None:
    source = (
        "class Rich:\n"
        "    def _repr_html_(self):\n        return '<i>rich</i>'\n"
        "print('a')\n"
        "display(Rich(), 42)\n"
        "print('b')\n"
        "display({'raw': 1}, raw=False)\n"
        "display({'text/plain': 'p', 'text/latex': '$y$'}, raw=True)\n"
    )
    assert shown(tmp_path, cell(0, source)) == [
        [
            ("stdout", "a\n"),
            ("result", "<i>rich</i>"),
            ("result", "42"),
            ("stdout", "b\n"),
            ("result", "{'raw': 1}"),
            ("latex", "$y$"),
        ]
    ]


def test_a_failing_representation_falls_back_as_in_jupyter(tmp_path: Path) -> None:
    source = (
        "class Broken:\n"
        "    def _repr_html_(self):\n        raise ValueError('no')\n"
        "    def _repr_markdown_(self):\n        return None\n"
        "    def __repr__(self):\n        return 'Broken()'\n"
        "Broken()"
    )
    assert shown(tmp_path, cell(0, source)) == [[("result", "Broken()")]]


def test_a_displayed_figure_is_not_shown_again_unless_changed(tmp_path: Path) -> None:
    pytest.importorskip("matplotlib")
    same = "import matplotlib.pyplot as plt\nfig, ax = plt.subplots()\nax.plot([1])\ndisplay(fig)"
    changed = same + "\nax.set_title('more');"
    kinds = [[kind for kind, _ in c] for c in shown(tmp_path, cell(0, same), cell(1, changed))]
    assert kinds == [["figure"], ["figure", "figure"]]


def test_interactivity_modes_and_the_semicolon(tmp_path: Path) -> None:
    code = "x = 1\nx\ny = 2\ny"
    results = shown(
        tmp_path,
        cell(0, code, **{"ipynb-shell-interactivity": "all"}),
        cell(1, code),  # last_expr, Jupyter's default
        cell(2, "z = 3", **{"ipynb-shell-interactivity": "last_expr_or_assign"}),
        cell(3, code, **{"ipynb-shell-interactivity": "none"}),
        cell(4, code + ";", **{"ipynb-shell-interactivity": "all"}),
    )
    assert results == [
        [("result", "1"), ("result", "2")],
        [("result", "2")],
        [("result", "3")],
        [],
        [],
    ]


def test_ipython_display_is_hortus_display(tmp_path: Path) -> None:
    pytest.importorskip("IPython")
    source = (
        "from IPython.display import HTML, Markdown, Math, display\n"
        "print('before')\n"
        "display(HTML('<b>b</b>'), Markdown('*m*'), Math('x^2'))\n"
        "Markdown('last')"
    )
    assert shown(tmp_path, cell(0, source)) == [
        [
            ("stdout", "before\n"),
            ("result", "<b>b</b>"),
            ("markdown", "*m*"),
            ("latex", "$\\displaystyle x^2$"),
            ("markdown", "last"),
        ]
    ]


@pytest.mark.parametrize(
    "value",
    [
        "list(range(40))",
        "{'a': list(range(30)), 'b': (1,)}",
        "[[1, 2, 3]] * 12",
        "{3, 1, 2}",
        "frozenset(range(30))",
        "('x' * 50, 'y' * 50)",
        "{'k' * 30: 'v' * 30, 'x' * 30: [1, 2]}",
        "(1,)",
        "set()",
        "[object(), object()]",
    ],
)
def test_text_of_a_value_is_what_ipython_prints(value: str) -> None:
    pretty = pytest.importorskip("IPython.lib.pretty")
    result = run_note([cell(0, value)], ".", "n.md")
    namespace: dict = {}
    exec(f"v = {value}", namespace)
    expected = pretty.pretty(namespace["v"])
    text = result.cells[0].outputs[0].to_json()["text"]
    assert text == __import__("re").sub(r" at 0x[0-9a-f]+>", ">", expected)


def test_a_dataframe_is_a_table_and_sympy_is_typeset(build_vault) -> None:
    pytest.importorskip("pandas")
    pytest.importorskip("sympy")
    note = (
        "---\ndg-publish: true\n---\n"
        "```{python}\nimport pandas as pd\n"
        "pd.DataFrame({'a': [1, 2], 'b': [3.5, 4.5]})\n```\n\n"
        "```{python}\nimport sympy\nx = sympy.Symbol('x')\nsympy.integrate(x**2, x)\n```\n"
    )
    run = build_vault({"n.md": note})
    assert run.code == 0, run.stderr
    html = article(run.page("/n/"))
    assert '<table border="1" class="dataframe">' in html and "<td>3.5</td>" in html
    latex = html.split('class="cell-latex"')[1].split("</div>")[0]
    assert 'class="katex"' in latex and "x^{3}" in latex  # KaTeX keeps the source in MathML


def test_a_pandas_styler_shows_the_same_html_in_every_run(tmp_path: Path) -> None:
    pytest.importorskip("pandas")
    source = (
        "import pandas as pd\n"
        "df = pd.DataFrame({'a': [1, 2], 'b': [3.5, 4.25]})\n"
        "df.style.highlight_max()"
    )
    first, second = (shown(tmp_path, cell(0, source)) for _ in range(2))
    assert first == second
    assert "background-color: yellow" in first[0][0][1]
    # A uuid the cell gives is kept.
    mine = shown(tmp_path, cell(0, source.replace("highlight_max()", "set_uuid('mine')")))
    assert 'id="T_mine"' in mine[0][0][1]
