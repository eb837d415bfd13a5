"""Which fences are cells and with what options: Quarto's `{python}` and `#|` lines, knitr's
`{python, label, key=value}` with R values, and a note's frontmatter defaults."""

from __future__ import annotations

import pytest

from hortus.cells import note_steps
from hortus.markdown import make_parser


def read(text: str, defaults: dict | None = None) -> tuple[list[dict], list[tuple[int, str]]]:
    steps, problems = note_steps(make_parser().parse(text), defaults)
    return [s.options for s in steps if s.kind == "cell"], [(p.line, p.message) for p in problems]


@pytest.mark.parametrize(
    ("header", "options"),
    [
        ("{python}", {}),
        ("{python setup}", {"label": "setup"}),
        ("{python, setup}", {"label": "setup"}),
        (
            "{python fig-plot, fig.cap='A, with a comma'}",
            {"label": "fig-plot", "fig-cap": "A, with a comma"},
        ),
        ("{python, eval=FALSE}", {"eval": False}),
        ("{python, echo=F, include=T}", {"echo": False, "include": True}),
        ("{python, results='asis'}", {"output": "asis"}),
        ('{python, results="hide"}', {"output": False}),
        ("{python, results='hold'}", {"output": True}),
        (
            "{python, fig.width=4, fig.height=2.5, dpi=72L}",
            {"fig-width": 4, "fig-height": 2.5, "fig-dpi": 72},
        ),
        ("{python, fig.cap=c(\"One\", 'Two')}", {"fig-cap": ["One", "Two"]}),
        (
            '{python, label="x", cache=TRUE, warning=FALSE, message=FALSE}',
            {"label": "x", "cache": True, "warning": False, "message": False},
        ),
        ("{python, fig.align='right', fig.pos='H'}", {"fig-align": "right", "fig-pos": "H"}),
        ("{python3}", {}),
        ("{Python, error=TRUE}", {"error": True}),
    ],
)
def test_header_forms_quarto_runs(header: str, options: dict) -> None:
    assert read(f"```{header}\nx = 1\n```\n") == ([options], [])


def test_option_lines_win_over_the_header_and_keep_their_line() -> None:
    text = (
        "```{python, echo=FALSE, fig.cap='header'}\n"
        "#| fig-cap: lines\n#| code-fold: show\n#| nonsense: 1\nx = 1\n```\n"
    )
    options, problems = read(text)
    assert options == [{"echo": False, "fig-cap": "lines", "code-fold": "show"}]
    assert problems == [(4, "cell option `nonsense` is not one hortus knows; ignored")]


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("```{r}\nsummary(x)\n```\n", "a ```{r} cell is shown as code and not run"),
        ("```{julia}\n1\n```\n", "a ```{julia} cell is shown as code and not run"),
        ("```{python} x\n1\n```\n", "```{python} x is not a cell header hortus reads"),
        ("```{python, fig.cap=opts$cap}\n1\n```\n", "cell option fig.cap=opts$cap is not an R"),
        ("```{python, echo='yes'}\n1\n```\n", "cell option `echo` must be true, false or fenced"),
        ("```{python}\n#| fig-width: -3\n1\n```\n", "cell option `fig-width` must be a positive"),
        ("```{python, setup, other}\n1\n```\n", "cell header item 'other' is not `name=value`"),
        ("```{python}\n#| fig-align: middle\n1\n```\n", "cell option `fig-align` must be"),
        ("```{python}\n#| layout-ncol: 1.5\n1\n```\n", "cell option `layout-ncol` must be"),
    ],
)
def test_what_cannot_be_read_is_reported_never_silent(text: str, problem: str) -> None:
    _options, problems = read(text)
    assert len(problems) == 1 and problems[0][0] in (1, 2)
    assert problems[0][1].startswith(problem)


def test_shown_only_code_blocks_are_no_cells() -> None:
    for info in ("python", "{.python}", "{{python}}", "{=html}", "{mermaid}", "py"):
        assert read(f"```{info}\nx = 1\n```\n") == ([], [])


def test_frontmatter_defaults_are_under_each_cells_own() -> None:
    text = "```{python}\n1\n```\n\n```{python, echo=TRUE}\n2\n```\n"
    options, _ = read(text, {"echo": False, "warning": False})
    assert options == [{"echo": False, "warning": False}, {"echo": True, "warning": False}]
