"""`math-output = "mathml"`: Temml's MathML with Latin Modern Math instead of KaTeX's HTML, for
gardens whose pages must stay small. What a formula becomes, what the page links, what a
rejected formula says, the setting's check, the size, and the look in real Chromium."""

from __future__ import annotations

import inspect
import re
from pathlib import Path

import pytest

import hortus.pipeline.pages
import hortus.pipeline.stages
from conftest import Run, run_hortus
from hortus.cache import MathStore
from hortus.config import load_settings
from hortus.diagnostics import BuildError, Diagnostics
from hortus.markdown import make_parser, parse_note
from hortus.render.math import KatexRenderer, math_html, typeset_math, write_math_stylesheet
from hortus.vault import Note

REPO = Path(__file__).resolve().parents[2]
P = "---\ndg-publish: true\n---\n"
# The display formula of every note shared/bench/make_vault.py writes.
BENCH = (
    r"\mathcal{L}(\theta) = \sum_{i=1}^{N} \frac{(y_i - f(x_i; \theta))^2}{2\sigma^2}"
    r" + N \log \sqrt{2 \pi \sigma^2}"
)
NOTE = P + (
    "# Loss\n\n"
    "The estimate is $\\hat\\theta_{3} = \\frac{1}{N}\\sum_i x_i$.\n\n"
    f"$$\n{BENCH}\n$$\n\n"
    "$$\n\\begin{aligned} f(x) &= (x+1)^2 \\\\ &= x^2 + 2x + 1 \\end{aligned} \\tag{1}\n$$\n\n"
    "Water is $\\ce{H2O}$ and $X \\sim \\mathcal{N}(0, 1)$, a broken one: $\\frac{1}{$.\n"
    "\nThe vault's preamble: $x \\in \\RR$.\n"
)
# The build passes `math-output` on to typesetting and assets (hortus.pipeline).
PIPELINE_PASSES_SETTING = all(
    "math_output" in inspect.getsource(module)
    for module in (hortus.pipeline.stages, hortus.pipeline.pages)
)
needs_pipeline = pytest.mark.skipif(
    not PIPELINE_PASSES_SETTING,
    reason="hortus.pipeline does not pass settings.math_output to typeset_math/emit_assets",
)


def parsed(text: str, name: str = "n.md"):
    note = Note(path=Path(name), source=text, frontmatter={}, title="n", url="/n/", published=True)
    return parse_note(make_parser(), note)


@pytest.fixture(scope="module")
def temml():
    with KatexRenderer(search_from=REPO, output="mathml") as renderer:
        yield renderer


def test_a_formula_becomes_a_math_element(temml: KatexRenderer) -> None:
    display, inline = temml.render_many([(BENCH, True), (r"\boldsymbol{\theta}^\top x", False)])
    assert display.error is None and display.html is not None
    assert display.html.startswith('<math display="block"')
    assert inline.html is not None and inline.html.startswith("<math>")
    for result in (display, inline):
        assert "katex" not in result.html  # no KaTeX HTML layout, no KaTeX class
        assert '<annotation encoding="application/x-tex">' in result.html  # search keeps TeX
    assert "𝜽" in inline.html  # bold italic theta, drawn by the math font
    assert math_html(display, BENCH, True) == display.html


def test_compat_macros_preamble_and_mhchem_typeset(temml: KatexRenderer) -> None:
    items = [
        (r"\root 3 \of {x+1}", False),  # the compat preamble (delimited parameters)
        (r"\cases{1 & x>0 \cr 0 & x \le 0}", False),  # a compat string macro
        (r"\ce{2H2 + O2 -> 2H2O}", True),
        (r"\begin{align} a &= b \tag{2} \\ c &= d \end{align}", False),  # adapted to display
        (r"A \xrightarrow{f} B", False),
    ]
    results = temml.render_many(items)
    assert [r.error for r in results] == [None] * len(items)
    root, cases, water, tagged, arrow = (r.html or "" for r in results)
    assert "<mroot>" in root and "<mtable" in cases and "→" in arrow
    assert "H</mi>" in water and "<mn>2</mn>" in water
    assert tagged.startswith('<math display="block"') and "(2)" in tagged


def test_preamble_macros_in_mathml() -> None:
    macros = {r"\RR": r"\mathbb{R}", r"\norm": r"\left\lVert #1 \right\rVert"}
    with KatexRenderer(macros=macros, search_from=REPO, output="mathml") as renderer:
        (result,) = renderer.render_many([(r"\norm{x} \in \RR", False)])
    assert result.html is not None and "ℝ" in result.html and "‖" in result.html


def test_a_rejected_formula_is_shown_as_source_and_warned_at_its_line() -> None:
    diagnostics = Diagnostics()
    note = parsed("# T\n\nFine $x^2$.\n\nBroken $\\frac{1}{$ here.\n")
    results = typeset_math([note], {}, diagnostics, output="mathml")
    broken = results[("\\frac{1}{", False)]
    assert broken.html is None and broken.error is not None
    assert broken.error.startswith("Temml parse error:") and "\n" not in broken.error
    html = math_html(broken, "\\frac{1}{", False)
    assert html.startswith('<span class="math-error"') and "<code>\\frac{1}{</code>" in html
    (warning,) = diagnostics.warnings
    assert (warning.path, warning.line, warning.kind) == ("n.md", 5, "math")
    assert warning.message.startswith("Temml cannot typeset $\\frac{1}{$: Temml parse error")


def test_switching_output_typesets_again(tmp_path: Path) -> None:
    assert MathStore(tmp_path, {}, "html").path != MathStore(tmp_path, {}, "mathml").path
    notes = [parsed("$x^2$\n")]
    first = typeset_math(notes, {}, Diagnostics(), tmp_path, "html")[("x^2", False)]
    second = typeset_math(notes, {}, Diagnostics(), tmp_path, "mathml")[("x^2", False)]
    assert first.html is not None and 'class="katex"' in first.html
    assert second.html is not None and second.html.startswith("<math>")


def test_a_formula_is_small_in_mathml(temml: KatexRenderer) -> None:
    with KatexRenderer(search_from=REPO) as katex:
        (html,) = katex.render_many([(BENCH, True)])
    (mathml,) = temml.render_many([(BENCH, True)])
    assert html.html is not None and mathml.html is not None
    assert len(mathml.html.encode()) < 2000  # 1.2 KB measured, TeX annotation included
    assert len(html.html.encode()) > 5 * len(mathml.html.encode())  # 8.1 KB in KaTeX's HTML


def written_assets(output: str) -> dict[str, bytes]:
    files: dict[str, bytes] = {}

    def write_asset(name: str, data: bytes | str) -> str:
        files[name] = data.encode() if isinstance(data, str) else data
        return f"/assets/{name}"

    url = write_math_stylesheet(write_asset, output, search_from=REPO)
    assert url == f"/assets/{'temml' if output == 'mathml' else 'katex'}.css"
    return files


def test_each_output_ships_only_its_own_stylesheet_and_fonts() -> None:
    mathml = written_assets("mathml")
    assert set(mathml) == {"temml.css", "Temml.woff2", "latinmodern-math.woff2"}
    css = mathml["temml.css"].decode()
    assert "url(latinmodern-math.woff2)" in css and "url(Temml.woff2)" in css
    assert 'font-family: "Latin Modern Math"' in css and "data:image/svg+xml" in css
    assert mathml["latinmodern-math.woff2"][:4] == b"wOF2"
    html = written_assets("html")
    assert "katex.css" in html and "KaTeX_Main-Regular.woff2" in html
    assert not {"temml.css", "latinmodern-math.woff2"} & set(html)


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ('math-output = "svg"', 'pyproject.toml:3: [tool.hortus] math-output must be "html" or'),
        ("math-output = 1", "pyproject.toml:3: [tool.hortus] math-output has the wrong type"),
    ],
)
def test_a_bad_setting_is_named(tmp_path: Path, line: str, expected: str) -> None:
    (tmp_path / "pyproject.toml").write_text(f'[tool.hortus]\ntitle = "t"\n{line}\n')
    with pytest.raises(BuildError, match=re.escape(expected)):
        load_settings(tmp_path)


def test_the_setting_defaults_to_html(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text("[tool.hortus]\n")
    assert load_settings(tmp_path).math_output == "html"
    (tmp_path / "pyproject.toml").write_text('[tool.hortus]\nmath-output = "mathml"\n')
    assert load_settings(tmp_path).math_output == "mathml"


def build(folder: Path, settings: str) -> Run:
    (folder / "notes").mkdir(parents=True)
    (folder / "pyproject.toml").write_text(f"[tool.hortus]\n{settings}\n", encoding="utf-8")
    (folder / "notes" / "loss.md").write_text(NOTE, encoding="utf-8")
    (folder / "notes" / "preamble.sty").write_text("\\newcommand{\\RR}{\\mathbb{R}}\n")
    proc = run_hortus("build", cwd=folder)
    assert proc.returncode == 0, proc.stderr
    return Run(proc.returncode, proc.stdout, proc.stderr, folder / "public")


@pytest.fixture(scope="module")
def mathml_site(tmp_path_factory: pytest.TempPathFactory) -> Run:
    return build(tmp_path_factory.mktemp("mathml"), 'math-output = "mathml"')


@needs_pipeline
def test_the_page_links_temml_css_and_its_fonts_are_written(mathml_site: Run) -> None:
    html = mathml_site.page("/loss/")
    (css,) = re.findall(r'<link rel="stylesheet" href="([^"]*temml\.[0-9a-f]+\.css)"', html)
    assets = mathml_site.out / "assets"
    assert not list(assets.glob("katex*")) and not list(assets.glob("KaTeX_*"))
    sheet = (mathml_site.out / "loss" / css).resolve().read_text(encoding="utf-8")
    fonts = re.findall(
        r"url\((latinmodern-math\.[0-9a-f]+\.woff2|Temml\.[0-9a-f]+\.woff2)\)", sheet
    )
    assert len(fonts) == 2 and all((assets / font).is_file() for font in fonts)
    assert html.count('<math display="block"') == 2 and "katex" not in html
    assert 'class="math-error"' in html and "<code>\\frac{1}{</code>" in html
    assert "<mi>ℝ</mi>" in html  # \RR from the vault's preamble.sty
    assert "loss.md:16: warning: Temml cannot typeset $\\frac{1}{$" in mathml_site.stderr


@needs_pipeline
def test_a_mathml_page_is_much_smaller(mathml_site: Run, tmp_path: Path) -> None:
    html_site = build(tmp_path / "html", "")
    mathml_page = len(mathml_site.page("/loss/").encode())
    html_page = len(html_site.page("/loss/").encode())
    assert mathml_page * 3 < html_page, (html_page, mathml_page)  # 7.6 KB against 24 KB


@needs_pipeline
def test_a_display_formula_is_laid_out_in_the_math_font(page, mathml_site: Run, serve_dir) -> None:
    page.goto(f"{serve_dir(mathml_site.out)}/loss/")
    page.evaluate("document.fonts.ready")
    box = page.eval_on_selector(
        "math[display=block]",
        "e => { const r = e.getBoundingClientRect(); return [r.width, r.height] }",
    )
    assert box[0] > 200 and box[1] > 30, box  # a sum with limits and a fraction
    family = page.eval_on_selector("math[display=block]", "e => getComputedStyle(e).fontFamily")
    assert family.startswith('"Latin Modern Math"'), family
    loaded = page.evaluate(
        "[...document.fonts].filter(f => f.family.replace(/\"/g, '') === 'Latin Modern Math')"
        ".map(f => f.status)"
    )
    assert loaded == ["loaded"], loaded  # the shipped font, not a fallback
