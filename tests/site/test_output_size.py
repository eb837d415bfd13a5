"""The output grows with the notes, not with the notes squared: a page's furniture (explorer,
local graph, head) is bounded, a tag of thousands of notes is listed on pages of a bounded
size, and feeds hold the newest entries only."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from conftest import run_hortus
from hortus.render import LISTING_PAGE, listing_pages

MANY = 3000  # notes added to the small garden, in its folders and in new ones
FEED_ENTRIES = 20  # what a feed holds at most (hortus.site.feeds)

SMALL = {
    "Topic/Focus.md": "---\ntags: [alpha]\n---\nThe note we measure. See [[Friend]].\n",
    "Topic/Friend.md": "---\ntags: [alpha, beta]\n---\nA friend of [[Focus]].\n",
    "Elsewhere/Other.md": "Links to [[Friend]].\n",
    "Topic/Secret.md": "---\npublish: false\ntags: [alpha]\n---\nNever shown.\n",
}


def _many() -> dict[str, str]:
    """Generated notes in the measured note's folder and in other folders, all tagged like it,
    each linking to another generated note (never to the measured one)."""
    files = {}
    for i in range(MANY):
        folder = "Topic" if i % 2 else f"Generated/Part {i % 7}"
        target = f"Gen {(i * 7 + 1) % MANY:04d}"
        text = f"---\ntags: [alpha]\n---\nText {i}, see [[{target}]].\n"
        files[f"{folder}/Gen {i:04d}.md"] = text
    return files


def _build(root: Path, files: dict[str, str]) -> Path:
    notes = root / "notes"
    for name, text in files.items():
        path = notes / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    (root / "pyproject.toml").write_text('[tool.hortus]\npublish = "all"\n', encoding="utf-8")
    proc = run_hortus("build", cwd=root)
    assert proc.returncode == 0, proc.stderr
    return root / "public"


@pytest.fixture(scope="module")
def gardens(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    small = _build(tmp_path_factory.mktemp("small"), SMALL)
    big = _build(tmp_path_factory.mktemp("big"), {**SMALL, **_many()})
    return small, big


def _page(site: Path, url: str) -> str:
    return (site / url.strip("/") / "index.html").read_text(encoding="utf-8")


def test_a_note_page_is_about_as_large_in_a_garden_of_thousands(gardens) -> None:
    small, big = gardens
    for url in ("/topic/focus/", "/elsewhere/other/"):
        before, after = _page(small, url), _page(big, url)
        for part in ('<nav class="explorer"', '<nav class="graph-box"', "Friend"):
            assert part in before and part in after
        grown = len(after.encode()) - len(before.encode())
        assert grown <= 2048, f"{url} grew by {grown} bytes with {MANY} more notes"


def test_a_tag_of_thousands_of_notes_is_listed_on_pages_of_bounded_size(gardens) -> None:
    _small, big = gardens
    pages = listing_pages("/tags/alpha/", range(MANY + 2))
    assert len(pages) == -(-(MANY + 2) // LISTING_PAGE) > 1
    listed: list[str] = []
    for part in pages:
        html = _page(big, part.url)
        titles = re.findall(r'<li><a href="[^"]*">([^<]+)</a></li>', html.split("<main")[1])
        assert 0 < len(titles) <= LISTING_PAGE
        listed += titles
        # Each page links to its neighbours, and says where it is among them.
        assert f"{part.number} / {len(pages)}" in html
        assert ('rel="prev"' in html) == (part.number > 1)
        assert ('rel="next"' in html) == (part.number < len(pages))
        assert len(html.encode()) < 60_000
    # Every note of the tag once, across the pages; never the unpublished one.
    assert sorted(listed) == sorted(["Focus", "Friend", *(f"Gen {i:04d}" for i in range(MANY))])
    assert not (big / "tags" / "alpha" / "page" / str(len(pages) + 1)).exists()


def test_the_tag_page_of_a_small_garden_is_one_page(gardens) -> None:
    small, _big = gardens
    html = _page(small, "/tags/alpha/")
    assert "Focus" in html and "Friend" in html and 'class="pager"' not in html
    assert not (small / "tags" / "alpha" / "page").exists()


def test_feeds_hold_the_newest_entries_only(gardens) -> None:
    _small, big = gardens
    for feed in ("feed.xml", "tags/alpha/feed.xml", "topic/feed.xml"):
        text = (big / feed).read_text(encoding="utf-8")
        assert 0 < text.count("<entry>") <= FEED_ENTRIES, feed


def test_no_shared_file_names_the_unpublished_note(gardens) -> None:
    _small, big = gardens
    for path in big.rglob("*"):
        if path.is_file() and path.suffix in (".html", ".xml", ".json"):
            text = path.read_text(encoding="utf-8", errors="replace")
            assert "Secret" not in text and "Never shown" not in text, path


def test_listing_pages_cut_a_listing_into_bounded_pages() -> None:
    assert [(p.url, list(p.entries)) for p in listing_pages("/t/", [])] == [("/t/", [])]
    two = listing_pages("/t/", list(range(5)), size=3)
    assert [(p.url, list(p.entries)) for p in two] == [("/t/", [0, 1, 2]), ("/t/page/2/", [3, 4])]
    assert (two[0].previous, two[0].next) == (None, "/t/page/2/")
    assert (two[1].previous, two[1].next, two[1].total) == ("/t/", None, 2)
