"""The seed note in real Chromium: what a reader sees, on a desktop, a phone, in the dark and
with JavaScript off. Screenshots land in tests/screenshots/ for review."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from conftest import REPO, run_hortus

SHOTS = Path(__file__).parents[1] / "screenshots"

VISIBLE_TEXT_JS = """
() => {
  const article = document.querySelector("article").cloneNode(true);
  article.querySelectorAll(".katex-mathml, pre, code").forEach(e => e.remove());
  return article.innerText;
}
"""


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    project = tmp_path_factory.mktemp("browser-site")
    shutil.copy(REPO / "pyproject.toml", project)
    shutil.copytree(REPO / "notes", project / "notes")
    proc = run_hortus("build", cwd=project)
    assert proc.returncode == 0, proc.stderr
    return project / "public"


@pytest.fixture
def base(site: Path, serve_dir) -> str:
    return serve_dir(site)


def test_math_is_laid_out_and_no_tex_is_visible(page, base: str) -> None:
    page.goto(f"{base}/notion/")
    boxes = page.eval_on_selector_all(
        ".katex", "els => els.map(e => e.getBoundingClientRect()).map(r => [r.width, r.height])"
    )
    assert len(boxes) > 40
    assert all(w > 0 and h > 0 for w, h in boxes)
    text = page.evaluate(VISIBLE_TEXT_JS)
    assert "梯度下降关心的是什么" in text
    for raw in ("$$", "\\frac", "\\theta", "\\sum"):
        assert raw not in text
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / "seed-desktop.png"), full_page=True)


def test_dark_mode_switches_and_persists(page, base: str) -> None:
    page.emulate_media(color_scheme="light")
    page.goto(f"{base}/notion/")
    light = page.evaluate("getComputedStyle(document.body).backgroundColor")
    page.click(".theme-toggle")
    dark = page.evaluate("getComputedStyle(document.body).backgroundColor")
    assert light != dark
    assert page.evaluate("document.documentElement.dataset.theme") == "dark"
    page.reload()
    assert page.evaluate("getComputedStyle(document.body).backgroundColor") == dark
    page.screenshot(path=str(SHOTS / "seed-dark.png"))


def test_phone_has_no_horizontal_scroll(browser, base: str) -> None:
    context = browser.new_context(viewport={"width": 375, "height": 800}, is_mobile=True)
    phone = context.new_page()
    for url in ("/notion/", "/laplace/", "/claims/", "/graph/", "/tags/"):
        phone.goto(f"{base}{url}")
        width = phone.evaluate("document.documentElement.scrollWidth")
        assert width <= 375, (url, width)
    phone.goto(f"{base}/notion/")
    assert phone.is_hidden(".toc ol")  # the table of contents starts folded on a phone
    phone.screenshot(path=str(SHOTS / "seed-phone.png"), full_page=True)
    context.close()


def test_backlinks_and_claims_are_shown(page, base: str) -> None:
    page.goto(f"{base}/notion/")
    backlinks = page.inner_text(".backlinks")
    assert "拉普拉斯" in backlinks
    assert page.locator(".claim-passed").count() == 7
    assert page.locator(".cell-figure img").evaluate("img => img.naturalWidth") > 0


def test_readable_with_javascript_off(browser, base: str) -> None:
    context = browser.new_context(
        java_script_enabled=False, viewport={"width": 1280, "height": 900}
    )
    tab = context.new_page()
    tab.goto(f"{base}/notion/")
    assert tab.locator(".katex").first.bounding_box()["width"] > 0
    assert "梯度下降关心的是什么" in tab.inner_text("article")
    assert tab.locator(".explorer a").count() >= 2
    assert tab.locator(".toc a").count() >= 6
    tab.goto(f"{base}/laplace/")
    assert tab.locator(".local-graph, svg[role=img]").first.bounding_box()["width"] > 0
    context.close()
