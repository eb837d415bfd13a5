"""Full-text search: Pagefind's index of a vault built by the real CLI holds the published notes
and nothing else, finds Chinese typed without spaces, and the search box works in Chromium."""

from __future__ import annotations

import gzip
import json
import os
import re
import shutil
import stat
import sys
from pathlib import Path

import pytest

from hortus.diagnostics import BuildError
from hortus.site import index_site
from search_harness import searchable

SCREENSHOTS = Path(__file__).parents[1] / "screenshots"
ZWSP = "\u200b".encode()  # Pagefind stores text with a zero-width space between words

# The garden entry, so it is also written at `/`: the index must hold it once.
MLE = """---
dg-publish: true
title: 参数估计
permalink: /mle/
tags: [gardenEntry]
---
# 参数估计

在统计学里极大似然估计是用样本去反推最可能产生它的参数取值的方法，它最大化似然函数。

## 例子

给定独立同分布的样本，写出对数似然函数再求导即可。
"""

BOOTSTRAP = """---
dg-publish: true
title: Resampling
---
The bootstrap resamples the observed data with replacement; a quokkaphant estimate
is read off the spread of the replicates.
"""

SECRET = """---
title: Private thoughts
---
Nothing here is published: zanzibarwombat and 秘密绝密内容 stay on the writer's disk.
"""

CANARIES = ["zanzibarwombat", "秘密绝密内容", "Private thoughts"]


@pytest.fixture
def site(build_vault):
    run = build_vault(
        {"mle.md": MLE, "bootstrap.md": BOOTSTRAP, "secret.md": SECRET},
        settings='title = "Garden"\nlanguage = "zh-CN"',
    )
    assert run.code == 0, run.stderr
    if not (run.out / "pagefind" / "pagefind-entry.json").is_file():
        index_site(run.out, "zh-CN")  # until `hortus build` indexes the site itself
    return run


def decoded(path: Path) -> bytes:
    """A Pagefind file as text: gunzipped when compressed, word separators removed."""
    data = path.read_bytes()
    if data[:2] == b"\x1f\x8b":
        data = gzip.decompress(data)
    return data.replace(ZWSP, b"")


def bundle_bytes(out: Path) -> dict[str, bytes]:
    root = out / "pagefind"
    return {
        p.relative_to(root).as_posix(): decoded(p) for p in sorted(root.rglob("*")) if p.is_file()
    }


def test_index_holds_published_notes_and_no_unpublished_one(site) -> None:
    files = bundle_bytes(site.out)
    assert "pagefind.js" in files and "pagefind-entry.json" in files
    fragments = [v for k, v in files.items() if k.startswith("fragment/")]
    urls = sorted(json.loads(f[f.index(b"{") :])["url"] for f in fragments)
    assert urls == ["/bootstrap/", "/mle/"]  # the home page, a copy of /mle/, is not indexed
    everything = b"".join(files.values())
    # The decoding is right: what is published is there, Chinese included.
    assert "极大似然估计".encode() in everything
    assert b"quokkaphant" in everything
    for secret in CANARIES:
        assert secret.encode() not in everything, f"{secret!r} reached the search index"
    # The note's date is not indexed (a search for the year would match every note).
    assert not re.search(rb"20\d\d-\d\d-\d\d", b"".join(fragments))


def test_index_is_deterministic(site, tmp_path: Path) -> None:
    bundles = []
    for name in ("one", "two"):
        copy = tmp_path / name
        shutil.copytree(site.out, copy, ignore=shutil.ignore_patterns("pagefind"))
        stats = index_site(copy, "zh-CN")
        assert stats.pages == 2
        assert tuple(int(n) for n in stats.version.split(".")[:2]) >= (1, 5)
        bundles.append({k: (copy / "pagefind" / k).read_bytes() for k in bundle_bytes(copy)})
    assert bundles[0] == bundles[1]


def test_index_made_from_search_views_equals_one_made_from_whole_pages(site, tmp_path) -> None:
    """Pagefind is shown only the marked part of a page; what it finds must not change."""
    from hortus.site import VIEW_END, VIEW_START, search_view

    page = (site.out / "mle" / "index.html").read_bytes()
    view = search_view(page)
    assert view is not None and len(view) < len(page) / 2
    assert "极大似然估计".encode() in view and b'<html lang="zh-CN">' in view
    assert b"<title>" in view and b"data-pagefind-body" in view
    assert search_view(b"<html><body>no markers</body></html>") is None
    whole = tmp_path / "whole"
    shutil.copytree(site.out, whole, ignore=shutil.ignore_patterns("pagefind"))
    for html in whole.rglob("*.html"):  # a theme without the markers: whole pages are read
        data = html.read_bytes()
        html.write_bytes(data.replace(VIEW_START, b"").replace(VIEW_END, b""))
    index_site(whole, "zh-CN")
    assert bundle_bytes(whole) == bundle_bytes(site.out)


def test_missing_or_failing_pagefind_is_a_build_error(tmp_path: Path, monkeypatch) -> None:
    site = tmp_path / "site"
    (site / "a").mkdir(parents=True)
    (site / "a" / "index.html").write_text(
        '<html lang="en"><body><article data-pagefind-body>Hello</article></body></html>'
    )
    monkeypatch.setitem(sys.modules, "pagefind_bin_extended", None)
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    with pytest.raises(BuildError, match=r"pagefind\[extended\]"):
        index_site(site, "en")
    # A garden with nothing published has nothing to index, and needs no Pagefind.
    empty = tmp_path / "empty-site"
    empty.mkdir()
    (empty / "index.html").write_text("<html><body><ul></ul></body></html>")
    assert index_site(empty, "en").pages == 0
    assert not (empty / "pagefind").exists()

    fake = tmp_path / "bin" / "pagefind_extended"
    fake.parent.mkdir()
    fake.write_text("#!/bin/sh\necho 'Error: the index could not be written' >&2\nexit 3\n")
    fake.chmod(fake.stat().st_mode | stat.S_IEXEC)
    monkeypatch.setenv("PATH", str(fake.parent) + os.pathsep + os.environ.get("PATH", ""))
    with pytest.raises(BuildError, match=r"exit 3[\s\S]*could not be written"):
        index_site(site, "en")
    assert sorted(p.name for p in site.iterdir()) == ["a"]  # nothing half-written
    assert not list(tmp_path.glob(".pagefind-*"))  # and no scratch folder left behind


def _search(page, query: str) -> None:
    page.fill(".search-input", query)


def _first_result(page, url_suffix: str) -> None:
    page.wait_for_function(
        "s => { const a = document.querySelector('.search-list a');"
        " return a && a.getAttribute('href').endsWith(s); }",
        arg=url_suffix,
        timeout=10_000,
    )


def test_search_box_finds_chinese_and_english_not_private(site, page, serve_dir, browser) -> None:
    html = site.page("/bootstrap/")
    assert re.search(r'<input class="search-input"[^>]*\sdisabled>', html)  # no JS: a dead box
    base = serve_dir(site.out)
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(base + "/bootstrap/")

    page.keyboard.press("/")
    assert page.evaluate("document.activeElement.className") == "search-input"
    page.keyboard.type("极大似然")  # inside 极大似然估计, in a sentence without spaces
    _first_result(page, "/mle/")
    assert page.locator(".search-list li").count() == 1
    assert page.inner_text(".search-list .search-title") == "参数估计"
    marks = page.locator(".search-list .search-excerpt mark").all_inner_texts()
    assert "极大似然" in marks
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "search.png"))

    page.keyboard.press("Escape")
    assert page.locator(".search-results").is_hidden()
    page.keyboard.press("Control+k")
    assert page.evaluate("document.activeElement.className") == "search-input"

    _search(page, "bootstrap")
    _first_result(page, "/bootstrap/")
    assert page.locator(".search-list .search-excerpt mark").count() >= 1

    for secret in ("zanzibarwombat", "秘密绝密内容"):
        _search(page, secret)
        page.wait_for_function(
            "q => document.querySelector('.search-status').textContent.includes(q)",
            arg=secret,
            timeout=10_000,
        )
        assert page.locator(".search-list li").count() == 0

    _search(page, "似然函数")
    _first_result(page, "/mle/")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    page.wait_for_url("**/mle/")
    assert not errors

    # A phone, in dark mode: the open results fit the screen.
    phone = browser.new_context(viewport={"width": 375, "height": 740}, color_scheme="dark")
    try:
        tab = phone.new_page()
        tab.goto(base + "/mle/")
        tab.keyboard.press("/")
        tab.keyboard.type("quokkaphant")
        _first_result(tab, "/bootstrap/")
        box = tab.locator(".search-results").bounding_box()
        assert box and box["x"] >= 0 and box["x"] + box["width"] <= 375
        assert tab.evaluate("document.documentElement.scrollWidth") <= 375
        tab.screenshot(path=str(SCREENSHOTS / "search-phone-dark.png"))
    finally:
        phone.close()


SHARDED = {
    "mle.md": MLE,
    "bootstrap.md": BOOTSTRAP,
    "secret.md": SECRET,
    "kernel.md": "---\ndg-publish: true\n---\n# Kernels\n\nA marsupilami kernel smooths.\n",
    "prior.md": "---\ndg-publish: true\n---\n# Priors\n\n共轭先验让后验分布保持同一族。\n",
}


def test_large_garden_gets_shards_holding_every_page_once(build_vault) -> None:
    settings = 'language = "zh-CN"\nsearch-shard-pages = 2'
    run = build_vault(SHARDED, settings=settings)
    assert run.code == 0, run.stderr
    listed = json.loads((run.out / "pagefind" / "hortus-shards.json").read_text("utf-8"))
    assert len(listed["shards"]) == 1 and listed["hidden"] == {}  # 4 pages, 2 per shard
    counts = []
    for shard in ["", *listed["shards"]]:
        entry = json.loads((run.out / "pagefind" / shard / "pagefind-entry.json").read_text())
        counts.append(sum(lang["page_count"] for lang in entry["languages"].values()))
    assert sum(counts) == 4 and all(counts)
    assert sorted(searchable(run.out)) == ["/bootstrap/", "/kernel/", "/mle/", "/prior/"]
    everything = b"".join(decoded(p) for p in (run.out / "pagefind").rglob("*") if p.is_file())
    assert not any(secret.encode() in everything for secret in CANARIES)
    # Pagefind's own search interfaces are not shipped: search.js is the theme's.
    assert (
        not list(run.out.rglob("pagefind-ui.js")) and (run.out / "pagefind/pagefind.js").is_file()
    )


def test_search_box_searches_every_shard(build_vault, page, serve_dir) -> None:
    run = build_vault(SHARDED, settings='language = "zh-CN"\nsearch-shard-pages = 1')
    assert run.code == 0, run.stderr
    shards = json.loads((run.out / "pagefind" / "hortus-shards.json").read_text())["shards"]
    assert len(shards) >= 2  # four pages, one per shard but where two names hash alike
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(serve_dir(run.out) + "/bootstrap/")
    page.keyboard.press("/")
    for query, url in (
        ("极大似然", "/mle/"),
        ("quokkaphant", "/bootstrap/"),
        ("marsupilami", "/kernel/"),
        ("共轭先验", "/prior/"),
    ):
        _search(page, query)
        _first_result(page, url)
    assert not errors


FORMULAS = """---
dg-publish: true
title: Variance
---
# Variance

The estimate $\\hat\\sigma^2 = \\frac{1}{n-1}\\sum_i (x_i - \\bar x)^2$ is unbiased, and

$$
\\operatorname{Var}(X) = \\mathbb{E}[X^2] - \\mathbb{E}[X]^2 \\quad\\text{(a quokkaformula)}
$$

holds for every $X$ with $\\sqrt{\\mathbb{E}[X^2]} < \\infty$.
"""


def test_formulas_are_searched_by_their_tex_and_cut_before_pagefind_reads_them(
    build_vault, tmp_path: Path
) -> None:
    """Pagefind is not shown KaTeX's HTML (it would leave it out anyway): the index equals
    one made from the page with every formula whole, and holds each formula's TeX."""
    from hortus.site import page_view, pagefind_binary, run_pagefind, search_view

    run = build_vault({"variance.md": FORMULAS})
    assert run.code == 0, run.stderr
    page = run.out / "variance" / "index.html"
    whole = search_view(page.read_bytes()).decode()
    shown = page_view(page)
    assert whole.count('class="katex-html"') == 4 and "katex-html" not in shown
    assert len(shown) < len(whole) / 3
    for tex in ("\\hat\\sigma^2", "\\operatorname{Var}(X)", "\\sqrt{\\mathbb{E}[X^2]}"):
        assert tex in shown  # the annotation, as written
    made = {}
    for name, html in (("whole", whole), ("shown", shown)):
        run_pagefind(pagefind_binary(), [("/variance/", html)], tmp_path / name, "en")
        folder = tmp_path / name
        made[name] = {
            p.relative_to(folder).as_posix(): decoded(p)
            for p in sorted(folder.rglob("*"))
            if p.is_file()
        }
    assert made["whole"] == made["shown"]
    assert b"quokkaformula" in b"".join(made["shown"].values())
    assert b"operatorname" in b"".join(made["shown"].values())
