"""Feed, sitemap, robots, explorer, breadcrumbs and dates: the files and parts around notes."""

from __future__ import annotations

import os
import subprocess
import xml.etree.ElementTree as ET

from conftest import run_hortus

P = "---\ndg-publish: true\n---\n"
ATOM = "{http://www.w3.org/2005/Atom}"


def test_feed_sitemap_and_robots(build_vault) -> None:
    run = build_vault(
        {
            "Old.md": "---\ndg-publish: true\nupdated: 2021-03-04\ndescription: old one\n---\nx\n",
            "New.md": "---\ndg-publish: true\nupdated: 2024-05-06\n---\ny\n",
            "Hidden.md": "---\nupdated: 2030-01-01\n---\nsecret\n",
        },
        settings='base-url = "https://garden.example"',
    )
    assert run.code == 0, run.stderr
    feed = ET.parse(run.out / "feed.xml").getroot()
    entries = feed.findall(f"{ATOM}entry")
    assert [e.findtext(f"{ATOM}title") for e in entries] == ["New", "Old"]
    assert entries[0].find(f"{ATOM}link").get("href") == "https://garden.example/new/"
    assert entries[0].findtext(f"{ATOM}updated") == "2024-05-06T00:00:00Z"
    assert entries[1].findtext(f"{ATOM}summary") == "old one"
    sitemap = ET.parse(run.out / "sitemap.xml").getroot()
    locs = [u.findtext("{http://www.sitemaps.org/schemas/sitemap/0.9}loc") for u in sitemap]
    assert locs == [
        "https://garden.example/",
        "https://garden.example/new/",
        "https://garden.example/old/",
    ]
    robots = (run.out / "robots.txt").read_text(encoding="utf-8")
    assert "Sitemap: https://garden.example/sitemap.xml" in robots
    assert 'Updated <time datetime="2024-05-06">' in run.page("/new/") or "2024-05-06" in run.page(
        "/new/"
    )


def test_explorer_breadcrumbs_and_folder_pages(build_vault) -> None:
    run = build_vault(
        {
            "Top.md": P + "top\n",
            "数学/分析/极限.md": P + "lim\n",
            "数学/Secret.md": "private\n",
            "私密/Only.md": "private\n",
        }
    )
    assert run.code == 0, run.stderr
    html = run.page("/数学/分析/极限/")
    explorer = html[
        html.index('<nav class="explorer"') : html.index(
            "</nav>", html.index('<nav class="explorer"')
        )
    ]
    assert "极限" in explorer and "Top" in explorer
    assert "Secret" not in html and "私密" not in html
    assert 'aria-current="page">极限</a>' in explorer
    crumbs = html[html.index('<nav class="breadcrumbs"') :]
    assert crumbs.index(">数学</a>") < crumbs.index(">分析</a>") < crumbs.index(">极限</span>")
    folder = run.page("/数学/")
    assert "分析/" in folder and "Secret" not in folder


def test_dates_come_from_git_history(build_vault, tmp_path) -> None:
    run = build_vault({"A.md": P + "a\n"})
    project = run.out.parent
    env = {
        "GIT_AUTHOR_DATE": "2022-02-03T10:00:00Z",
        "GIT_COMMITTER_DATE": "2022-02-03T10:00:00Z",
        "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.org",
        "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.org",
    }  # fmt: skip
    for command in (["git", "init", "-q"], ["git", "add", "notes"], ["git", "commit", "-qm", "n"]):
        subprocess.run(command, cwd=project, check=True, env={**os.environ, **env})
    proc = run_hortus("build", cwd=project)
    assert proc.returncode == 0, proc.stderr
    page = (run.out / "a" / "index.html").read_text(encoding="utf-8")
    assert '<time datetime="2022-02-03">' in page


def test_explorer_marks_the_right_page_everywhere(build_vault) -> None:
    run = build_vault({"Start.md": P + "s\n", "Other.md": P + "o\n", "sub/Deep.md": P + "d\n"})
    assert run.code == 0, run.stderr
    for url, name in (("/start/", "Start"), ("/other/", "Other"), ("/sub/deep/", "Deep")):
        html = run.page(url)
        start = html.index('<nav class="explorer"')
        nav = html[start : html.index("</nav>", start)]
        current = nav[: nav.index(' aria-current="page"')]
        assert current.endswith(f'href="../{name.lower()}/"'), (url, current[-60:])
        assert nav.count('aria-current="page"') == 1
    assert 'href="../sub/deep/"' in run.page("/start/")
    home = run.page("/")
    start = home.index('<nav class="explorer"')
    explorer = home[start : home.index("</nav>", start)]
    assert 'href="sub/deep/"' in explorer and 'href="start/"' in explorer
    assert 'href="../../start/"' in run.page("/sub/deep/")


def test_a_garden_larger_than_one_sitemap_gets_an_index(tmp_path) -> None:
    import datetime as dt

    from hortus.site import SiteWriter, write_sitemap

    writer = SiteWriter(tmp_path / "out")
    pages = [(f"/n{i}/", dt.date(2024, 1, 1 + i)) for i in range(5)]
    write_sitemap(writer, "https://g.example", pages, per_file=2)
    writer.commit()
    ns = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
    index = ET.parse(tmp_path / "out" / "sitemap.xml").getroot()
    assert index.tag == f"{ns}sitemapindex"
    locs = [e.findtext(f"{ns}loc") for e in index]
    assert locs == [f"https://g.example/sitemap-{n}.xml" for n in (1, 2, 3)]
    listed = [
        u.findtext(f"{ns}loc")
        for n in (1, 2, 3)
        for u in ET.parse(tmp_path / "out" / f"sitemap-{n}.xml").getroot()
    ]
    assert listed == [f"https://g.example/n{i}/" for i in range(5)]
    assert index[2].findtext(f"{ns}lastmod") == "2024-01-05"
    robots = (tmp_path / "out" / "robots.txt").read_text(encoding="utf-8")
    assert "Sitemap: https://g.example/sitemap.xml" in robots
