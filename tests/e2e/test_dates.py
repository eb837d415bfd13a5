"""Dates from git history, in a full clone and in a shallow one (Vercel clones 10 commits
deep): a page shows only the dates its frontmatter or its history can tell."""

from __future__ import annotations

import re
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from conftest import git_at, run_hortus

ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
P = "---\ndg-publish: true\n---\n"
QUERY = "```dataview\nTABLE file.mday AS Changed, file.cday AS Made SORT file.name ASC\n```\n"

# (date, files written in that commit); the last three commits are all a --depth 3 clone
# holds, and the oldest of them (2024-03-02) is its shallow boundary.
HISTORY: list[tuple[str, dict[str, str]]] = [
    (
        "2020-01-10",
        {
            "Old.md": P + "first words\n",
            "Touched.md": P + "touched\n",
            "Fm.md": "---\ndg-publish: true\nupdated: 2019-05-05\ncreated: 2018-01-02\n---\nf\n",
            "Made.md": "---\ndg-publish: true\ndate created: 2017-07-07\n---\nm\n",
            "Private.md": "secret words\n",
        },
    ),
    ("2020-06-15", {"Old.md": P + "first words, then more\n"}),
    ("2021-02-01", {"Later.md": P + "later\n"}),
    ("2024-03-01", {"Private.md": "secret words, again\n"}),
    ("2024-03-02", {"Later.md": P + "later, and the boundary's own change\n"}),
    ("2024-03-03", {"Touched.md": P + "touched again\n"}),
    ("2024-03-04", {"New.md": P + "new\n\n" + QUERY}),
]


def _commit(repo: Path, day: str, files: dict[str, str]) -> None:
    for name, text in files.items():
        (repo / "notes" / name).write_text(text, encoding="utf-8")
    git_at(repo, "add", "-A", day=day)
    git_at(repo, "commit", "-qm", day, day=day)


@pytest.fixture(scope="module")
def origin(tmp_path_factory: pytest.TempPathFactory) -> Path:
    repo = tmp_path_factory.mktemp("origin")
    (repo / "notes").mkdir()
    settings = '[tool.hortus]\nbase-url = "https://g.example"\n'
    (repo / "pyproject.toml").write_text(settings, encoding="utf-8")
    subprocess.run(["git", "init", "-q", "-b", "main"], cwd=repo, check=True)
    for day, files in HISTORY:
        _commit(repo, day, files)
    return repo


def _built(origin: Path, into: Path, *clone_args: str) -> tuple[Path, str]:
    subprocess.run(["git", "clone", "-q", *clone_args, f"file://{origin}", str(into)], check=True)
    proc = run_hortus("build", cwd=into)
    assert proc.returncode == 0, proc.stderr
    return into / "public", proc.stderr + proc.stdout


def _page(out: Path, name: str) -> str:
    return (out / name / "index.html").read_text(encoding="utf-8")


def _dates(html: str) -> dict[str, str]:
    """The page's shown dates: {"created": ISO, "updated": ISO}, each only when shown."""
    meta = html[html.index('<div class="note-meta">') :]
    meta = meta[: meta.index("</div>")]
    found = re.findall(r'<span class="(created|updated)">[^<]*<time datetime="([^"]+)">', meta)
    return dict(found)


def _query_row(html: str, name: str) -> str:
    """The row of the note `name` in the page's query table."""
    table = html[html.index('<table class="query-table">') :]
    row = table[table.index(f">{name}</a>") :]
    return row[: row.index("</tr>")]


def _feed(out: Path) -> list[tuple[str, str]]:
    root = ET.parse(out / "feed.xml").getroot()
    return [
        (e.findtext(f"{ATOM}title"), e.findtext(f"{ATOM}updated"))
        for e in root.findall(f"{ATOM}entry")
    ]


def _lastmods(out: Path) -> dict[str, str | None]:
    root = ET.parse(out / "sitemap.xml").getroot()
    return {u.findtext(f"{SITEMAP}loc"): u.findtext(f"{SITEMAP}lastmod") for u in root}


def test_a_shallow_clone_shows_no_date_it_cannot_know(origin: Path, tmp_path: Path) -> None:
    out, said = _built(origin, tmp_path / "shallow", "--depth", "3")
    assert (tmp_path / "shallow" / ".git" / "shallow").is_file()
    # Untouched in the clone's commits: no date, unless the frontmatter gives one.
    assert _dates(_page(out, "old")) == {}
    assert _dates(_page(out, "later")) == {}  # changed by the boundary commit: unknowable
    assert _dates(_page(out, "made")) == {"created": "2017-07-07"}
    assert _dates(_page(out, "fm")) == {"created": "2018-01-02", "updated": "2019-05-05"}
    # Touched in the clone's commits: the true dates, the creation only where it is seen.
    assert _dates(_page(out, "touched")) == {"updated": "2024-03-03"}
    assert _dates(_page(out, "new")) == {"created": "2024-03-04", "updated": "2024-03-04"}
    assert "Updated <time" not in _page(out, "old")
    # The boundary's date, which every untouched file seems to have, is nowhere.
    for path in out.rglob("*"):
        if path.is_file() and path.suffix in {".html", ".xml", ".json", ".txt"}:
            text = path.read_text(encoding="utf-8")
            assert "2024-03-02" not in text and "March 2, 2024" not in text, path
    # One warning for the build, with its count and the remedy.
    assert said.count("VERCEL_DEEP_CLONE=true") == 1, said
    assert "3 of 6 pages have no date" in said
    # The feed lists what is known to have changed, and dates nothing else.
    assert _feed(out) == [
        ("New", "2024-03-04T00:00:00Z"),
        ("Touched", "2024-03-03T00:00:00Z"),
        ("Fm", "2019-05-05T00:00:00Z"),
    ]
    lastmods = _lastmods(out)
    assert lastmods["https://g.example/old/"] is None
    assert lastmods["https://g.example/touched/"] == "2024-03-03"
    # A query over the dates sees none for the undated pages (an empty cell, not a guess).
    row = _query_row(_page(out, "new"), "Old")
    assert "2020" not in row and "2024" not in row
    assert "July 07, 2017" in _query_row(_page(out, "new"), "Made")


def test_a_full_clone_shows_every_true_date(origin: Path, tmp_path: Path) -> None:
    out, said = _built(origin, tmp_path / "full")
    assert "VERCEL_DEEP_CLONE" not in said
    assert _dates(_page(out, "old")) == {"created": "2020-01-10", "updated": "2020-06-15"}
    assert _dates(_page(out, "later")) == {"created": "2021-02-01", "updated": "2024-03-02"}
    assert _dates(_page(out, "touched")) == {"created": "2020-01-10", "updated": "2024-03-03"}
    assert _dates(_page(out, "new")) == {"created": "2024-03-04", "updated": "2024-03-04"}
    # The frontmatter wins over the history.
    assert _dates(_page(out, "fm")) == {"created": "2018-01-02", "updated": "2019-05-05"}
    assert _dates(_page(out, "made")) == {"created": "2017-07-07", "updated": "2020-01-10"}
    old = _page(out, "old")
    assert "Created <time" in old and "January 10, 2020" in old and "June 15, 2020" in old
    assert [title for title, _ in _feed(out)] == ["New", "Touched", "Later", "Old", "Made", "Fm"]
    assert _lastmods(out)["https://g.example/old/"] == "2020-06-15"
    assert "June 15, 2020" in _query_row(_page(out, "new"), "Old")
    assert "secret" not in (out / "feed.xml").read_text(encoding="utf-8")


def test_dates_are_labelled_in_the_pages_language(build_vault) -> None:
    run = build_vault(
        {"笔记.md": "---\ndg-publish: true\ncreated: 2023-01-02\nmodified: 2024-05-06\n---\n字\n"},
        settings='language = "zh-CN"',
    )
    assert run.code == 0, run.stderr
    html = run.page("/笔记/")
    assert '创建于 <time datetime="2023-01-02">2023年1月2日</time>' in html
    assert '更新于 <time datetime="2024-05-06">2024年5月6日</time>' in html
