"""The seed note, built from the repository's own notes/ as a new user would."""

from __future__ import annotations

import re
import shutil

import pytest

from conftest import REPO, Run, run_hortus, visible_text

SEED = REPO / "notes" / "notion.md"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Run:
    project = tmp_path_factory.mktemp("project")
    shutil.copy(REPO / "pyproject.toml", project)
    shutil.copytree(REPO / "notes", project / "notes")
    shutil.copytree(REPO / "theme", project / "theme")
    proc = run_hortus("build", cwd=project)
    assert proc.returncode == 0, proc.stderr
    return Run(proc.returncode, proc.stdout, proc.stderr, project / "public")


def formulas_in_source() -> int:
    """Counted straight from the Markdown, independently of the parser."""
    body = SEED.read_text(encoding="utf-8").split("---", 2)[2]
    display = re.findall(r"\$\$(.+?)\$\$", body, re.S)
    inline = re.findall(r"\$([^$\n]+?)\$", re.sub(r"\$\$.+?\$\$", "", body, flags=re.S))
    return len(display) + len(inline)


@pytest.mark.parametrize("url", ["/notion/", "/"])
def test_every_formula_is_typeset(site: Run, url: str) -> None:
    html = site.page(url)
    expected = formulas_in_source()
    assert expected > 30  # the note is formula-heavy; a miscount here would hide a failure
    assert html.count('<span class="katex">') == expected
    assert (
        html.count('<span class="katex-display">')
        == len(re.findall(r"\$\$", SEED.read_text(encoding="utf-8"))) // 2
    )
    assert "math-error" not in html
    text = visible_text(html)
    assert "$$" not in text
    assert "\\frac" not in text and "\\sum" not in text and "\\theta" not in text


def test_both_urls_show_the_note_with_one_canonical(site: Run) -> None:
    notion, home = site.page("/notion/"), site.page("/")
    for html in (notion, home):
        assert "梯度下降关心的是什么" in html
        assert '<link rel="canonical" href="https://hortus.vercel.app/notion/">' in html
        assert '<html lang="zh-CN">' in html


def test_headings_have_ids_that_keep_chinese(site: Run) -> None:
    html = site.page("/notion/")
    assert '<h3 id="1-梯度下降关心的是什么">' in html
    assert '<h4 id="均方误差-mse">' in html
    ids = re.findall(r'<h[1-6] id="([^"]+)"', html)
    assert len(ids) == len(set(ids)) == 7  # six of the user's, one for the checks


def test_bold_next_to_chinese_punctuation_is_bold(site: Run) -> None:
    html = site.page("/notion/")
    assert "<strong>均方误差 (Mean Squared Error, MSE)</strong> 还是" in html
    assert "<strong>负对数似然 (Negative Log-Likelihood, NLL)</strong>" in html
    assert "<strong>预测值与真实值之间的几何距离（的平方）</strong>。" in html
    assert "**" not in visible_text(html, prose_only=True)


def test_assets_are_hashed_and_math_fonts_shipped(site: Run) -> None:
    html = site.page("/notion/")
    sheets = re.findall(r'<link rel="stylesheet" href="([^"]+)">', html)
    assert len(sheets) >= 4
    for href in sheets:
        assert re.search(r"\.[0-9a-f]{10}\.css$", href), href
        assert (site.out / "notion" / href).resolve().is_file()
    katex_css = next(site.out.glob("assets/katex.*.css")).read_text(encoding="utf-8")
    fonts = re.findall(r"url\(([^)]+)\)", katex_css)
    assert fonts and all((site.out / "assets" / f).is_file() for f in fonts)
    assert "cdn" not in html.lower()


def test_site_files(site: Run) -> None:
    assert (site.out / "404.html").is_file()
    assert not list(site.out.rglob("*.md"))


def test_derivation_is_checked_by_claims_and_drawn(site: Run) -> None:
    html = site.page("/notion/")
    assert html.count('class="claim claim-passed"') == 7
    assert "claim-failed" not in html
    assert "MSE 的最小化点等于高斯 NLL 的最小化点" in html
    assert "二元交叉熵等于伯努利分布的负对数似然" in html
    figure = re.search(r'<figure class="cell-figure" id="fig-mse-nll"><img src="([^"]+)"', html)
    assert figure is not None
    assert (site.out / "notion" / figure.group(1)).resolve().read_bytes().startswith(b"<?xml")
    assert re.search(r'在这 <span class="inline-value">200</span> 个样本上', html)
    laplace = site.page("/laplace/")
    assert laplace.count('class="claim claim-passed"') == 3
    assert 'href="../notion/"' in laplace
