"""Notes written for Quarto and Jupyter (tests/cells/quarto/) built through the command line:
each header form and cell option, each kind of figure and rich output, against what Quarto's
stored outputs and Jupyter's documentation say the same cells show."""

from __future__ import annotations

import re
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest

from conftest import article, run_hortus, visible_text

NOTES = Path(__file__).parent / "quarto"


@dataclass
class Built:
    code: int
    stderr: str
    out: Path

    def page(self, name: str) -> str:
        return article((self.out / name / "index.html").read_text(encoding="utf-8"))

    def cell(self, name: str, number: int) -> str:
        """The HTML of the page's cell `number` (counted from 1)."""
        html = self.page(name)
        start = html.index(f'<div class="cell" id="cell-{number}">')
        end = html.find('<div class="cell" id="cell-', start + 1)
        return html[start : end if end >= 0 else len(html)]


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Built:
    pytest.importorskip("matplotlib")
    project = tmp_path_factory.mktemp("quarto")
    shutil.copytree(NOTES, project / "notes")
    (project / "pyproject.toml").write_text('[tool.hortus]\nlanguage = "en"\n', encoding="utf-8")
    proc = run_hortus("build", cwd=project)
    return Built(proc.returncode, proc.stderr, project / "public")


def shown(cell_html: str) -> str:
    """What a cell shows after its code."""
    return cell_html.split("</code></pre>", 1)[-1]


def outputs(cell_html: str) -> list[str]:
    """The kinds of output a cell shows, in order: the class of each one."""
    return re.findall(
        r'<(?:pre|div|figure|span) class="(cell-(?:stdout|stderr|error|result|markdown|latex|'
        r'figure|label))"',
        cell_html,
    )


def test_the_notes_build(built: Built) -> None:
    assert built.code == 0, built.stderr


# -- crossrefs.md, after quarto-web's crossref-jupyter ----------------------------------------


def test_a_labelled_figure_is_numbered_and_referenced_as_quarto_does(built: Built) -> None:
    cell = built.cell("crossrefs", 1)
    # Quarto: code folded under "Code", the figure `#fig-scores` captioned "Figure 1: Scores".
    assert '<details class="code-fold"><summary>Code</summary>' in cell
    assert re.search(r'<figure class="cell-figure" id="fig-scores"><img src="[^"]+\.svg"', cell)
    assert "<figcaption>Figure 1: Scores</figcaption>" in cell
    assert outputs(cell) == ["cell-figure"]  # plt.show() showed it; nothing after
    page = built.page("crossrefs")
    assert 'See <a class="crossref" href="#fig-scores">Figure 1</a>.' in page


def test_two_shows_in_one_cell_are_two_parts_of_one_figure(built: Built) -> None:
    cell = built.cell("crossrefs", 2)
    assert outputs(cell) == ["cell-label", "cell-figure", "cell-figure"]
    assert 'id="fig-multiple-1"' in cell and 'id="fig-multiple-2"' in cell
    assert "Figure 2 (a): First" in cell and "Figure 2 (b): Second" in cell
    page = built.page("crossrefs")
    assert '<a class="crossref" href="#fig-multiple-1">Figure 2 (a)</a>' in page
    assert '<a class="crossref" href="#fig-multiple-2">Figure 2 (b)</a>' in page
    assert '<strong class="crossref-missing">?@fig-missing</strong>' in page
    assert "crossrefs.md:39: warning: @fig-missing names no figure" in built.stderr


def test_displayed_markdown_is_a_table(built: Built) -> None:
    cell = built.cell("crossrefs", 3)
    assert outputs(cell) == ["cell-markdown"]
    assert "<table>" in cell and "<th>One</th>" in cell and "<td>4</td>" in cell


# -- knitr.md: R Markdown headers -----------------------------------------------------------------


def test_knitr_headers_run_as_cells(built: Built) -> None:
    page = built.page("knitr")
    assert "never shown" not in page and "hidden = " not in page  # include=FALSE
    first = built.cell("knitr", 2)
    assert outputs(first) == ["cell-stdout"] and "set up" in first  # setup ran first
    assert "print(hidden)" not in first  # echo=FALSE
    plot = built.cell("knitr", 3)
    assert '<span class="cell-label" id="plot">' not in plot  # one figure carries the label
    assert '<figure class="cell-figure" id="plot">' in plot
    assert 'alt="y = x squared"' in plot and "<figcaption>A parabola</figcaption>" in plot
    svg = next(built.out.glob("assets/knitr-cell3-1.*.svg")).read_text(encoding="utf-8")
    assert 'width="288pt" height="216pt"' in svg  # fig.width=4, fig.height=3 (inches)


def test_knitr_options_mean_what_the_quarto_options_mean(built: Built) -> None:
    assert "SystemExit" in built.cell("knitr", 4) and outputs(built.cell("knitr", 4)) == []
    asis = built.cell("knitr", 5)
    assert '<div class="cell-output">' not in asis  # results='asis': no container
    assert "<strong>bold</strong>" in asis and 'class="katex"' in asis
    assert outputs(built.cell("knitr", 6)) == []  # results="hide"
    warned = built.cell("knitr", 7)
    assert "hidden warning" not in shown(warned)  # warning=FALSE
    assert outputs(warned) == ["cell-stdout"]
    quiet = built.cell("knitr", 8)
    assert outputs(quiet) == ["cell-stdout"]  # message=FALSE: stderr not shown
    assert "to stderr" not in visible_text(shown(quiet))
    failed = built.cell("knitr", 9)
    assert outputs(failed) == ["cell-stdout", "cell-error"]  # error=TRUE: shown, note goes on
    assert "ZeroDivisionError: division by zero" in failed
    labelled = built.cell("knitr", 10)
    assert '<span class="cell-label" id="with-label"></span>' in labelled
    two = built.cell("knitr", 11)
    assert "<figcaption>One</figcaption>" in two and "<figcaption>Two</figcaption>" in two


def test_other_engines_and_unknown_options_are_reported(built: Built) -> None:
    page = built.page("knitr")
    assert '<code class="language-r">' in page and "summary" in page
    assert "knitr.md:62: warning: a ```{r} cell is shown as code and not run" in built.stderr
    assert "knitr.md:66: warning: cell option `out.width` is not one hortus knows" in built.stderr
    assert "an unknown option" in built.cell("knitr", 12)  # still a cell, and it ran


# -- options.md: Quarto's options and document defaults --------------------------------------------


def test_every_top_level_value_is_shown_with_interactivity_all(built: Built) -> None:
    cell = built.cell("options", 1)
    assert "a = 1" not in cell  # execute: echo: false
    assert re.findall(r'<div class="cell-result"><pre>(.*?)</pre>', cell) == ["1", "2"]


def test_code_fold_show_and_warnings_on_stderr(built: Built) -> None:
    cell = built.cell("options", 2)
    assert '<details class="code-fold" open><summary>The source</summary>' in cell
    assert outputs(cell) == ["cell-stderr", "cell-result"]
    # As Jupyter prints a warning, with the note's file and line.
    assert "options.md:25: UserWarning: careful" in cell
    assert "&#x27;folded&#x27;" in cell


def test_fenced_echo_and_asis_output(built: Built) -> None:
    cell = built.cell("options", 3)
    text = visible_text(cell)
    assert "```{python}" in text and "#| output: asis" in text and "#| echo" not in text
    assert "<th>x</th>" in cell and '<div class="cell-output">' not in cell


def test_include_false_runs_and_shows_nothing(built: Built) -> None:
    page = built.page("options")
    assert "runs, shows nothing" not in page and 'id="cell-4"' not in page
    assert 'The last cell ran: <span class="inline-value">True</span>.' in page
    svg = next(built.out.glob("assets/options-cell5-1.*.svg")).read_text(encoding="utf-8")
    assert 'width="144pt" height="72pt"' in svg  # fig-width: 2, fig-height: 1


# -- display.md: rich output -------------------------------------------------------------------


def test_rich_output_in_the_order_it_was_displayed(built: Built) -> None:
    cell = built.cell("display", 1)
    assert outputs(cell) == [
        "cell-stdout",  # first
        "cell-result",  # Table's HTML
        "cell-stdout",  # second
        "cell-latex",  # Formula, typeset
        "cell-figure",  # Picture's PNG
        "cell-figure",  # Drawing's SVG
        "cell-markdown",  # Bundle's text/markdown
        "cell-result",  # Both: HTML wins over Markdown
    ]
    assert "<table><tr><td>1</td></tr></table>" in cell
    assert 'class="katex"' in cell.split('class="cell-latex"')[1].split("</div>")[0]
    assert "<em>from a bundle</em>" in cell and "<b>html wins</b>" in cell
    assert "markdown loses" not in shown(cell)
    assert list(built.out.glob("assets/display-cell1-1.*.png"))
    assert list(built.out.glob("assets/display-cell1-2.*.svg"))


def test_each_show_is_a_figure_as_in_jupyter(built: Built) -> None:
    cell = built.cell("display", 2)
    # Two plt.show() calls and a figure left open: three figures, where hortus drew one.
    assert outputs(cell) == ["cell-figure", "cell-figure", "cell-result", "cell-figure"]
    assert "[&lt;matplotlib.lines.Line2D&gt;]" in cell  # IPython's repr, address removed


def test_a_long_list_is_broken_as_ipython_prints_it(built: Built) -> None:
    cell = built.cell("display", 3)
    assert "<pre>[0,\n 1,\n 2," in cell and "\n 29]</pre>" in cell


def test_figures_are_numbered_in_the_sites_language(build_vault) -> None:
    pytest.importorskip("matplotlib")
    note = (
        "---\ndg-publish: true\n---\n"
        "```{python}\n#| label: fig-line\n#| fig-cap: 一条线\n#| code-fold: true\n"
        "import matplotlib.pyplot as plt\n\n_ = plt.plot([0, 1])\n```\n\n见 @fig-line。\n"
    )
    run = build_vault({"图.md": note}, settings='language = "zh-CN"')
    assert run.code == 0, run.stderr
    html = article(run.page("/图/"))
    assert "<figcaption>图 1: 一条线</figcaption>" in html
    assert '见 <a class="crossref" href="#fig-line">图 1</a>。' in html
    assert "<summary>代码</summary>" in html
