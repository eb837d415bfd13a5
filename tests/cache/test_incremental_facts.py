"""What the later stages take from a note's cached parse instead of its text (whether it may
hold cells, queries or formulas, the explorer's tree of the pages): an edit that gives a
note its first cell, query or formula is seen, a retitled page shows in the explorer, the
parse cache keeps one entry per note, and every edit build is the bytes of a cold build."""

from __future__ import annotations

from pathlib import Path

from build_harness import build_as_cold, make_project
from hortus.cache import SITE_FOLDER

NOTES = {
    "plain.md": "# Plain\n\nWords of plain, and [[other]].\n",
    "other.md": "---\nrating: 4\ntags: [book]\n---\n# Other\n\nMore words.\n",
}
EDITED = (
    "# Plain\n\nThe answer is `{python} 6 * 7`.\n\n"
    "```dataview\nTABLE rating FROM #book\n```\n\nAnd $x^2 + y$.\n"
)


def _project(root: Path, notes: dict[str, str]) -> Path:
    """The notes, and one more in a folder."""
    folder = make_project(root, notes)
    (folder / "folder").mkdir()
    (folder / "folder" / "deep.md").write_text("# Deep\n\nDeep words.\n", encoding="utf-8")
    return folder


def _parsed_entries(root: Path) -> list[Path]:
    return sorted((root / ".hortus" / SITE_FOLDER / "parsed").glob("*.pickle"))


def test_an_edit_that_adds_a_cell_a_query_and_a_formula_is_seen(tmp_path: Path) -> None:
    notes = _project(tmp_path, NOTES)
    _, before = build_as_cold(tmp_path, notes)
    assert 'class="katex' not in before["plain/index.html"].decode()
    entries = _parsed_entries(tmp_path)
    assert len(entries) == len(NOTES) + 1

    (notes / "plain.md").write_text(EDITED, encoding="utf-8")
    _, after = build_as_cold(tmp_path, notes)
    page = after["plain/index.html"].decode()
    assert "42" in page and "6 * 7" not in page  # the inline value, run
    assert "rating" in page and "/other/" in page  # the query's table, listing other
    assert 'class="katex' in page  # the formula, typeset
    now = _parsed_entries(tmp_path)
    assert len(now) == len(NOTES) + 1 and set(now) != set(entries)  # the old version let go


def test_a_retitled_or_added_page_shows_in_the_explorer(tmp_path: Path) -> None:
    notes = _project(tmp_path, NOTES)
    _, before = build_as_cold(tmp_path, notes)
    assert "Renamed" not in before["plain/index.html"].decode()

    (notes / "other.md").write_text("---\ntitle: Renamed\n---\n# Other\n", encoding="utf-8")
    _, after = build_as_cold(tmp_path, notes)
    assert ">Renamed</a>" in after["folder/deep/index.html"].decode()

    (notes / "folder" / "new.md").write_text("# New\n", encoding="utf-8")
    _, added = build_as_cold(tmp_path, notes)
    assert 'href="../new/"' in added["folder/deep/index.html"].decode()


def test_an_unchanged_rebuild_is_the_same(tmp_path: Path) -> None:
    notes = _project(tmp_path, {**NOTES, "plain.md": EDITED})
    _, first = build_as_cold(tmp_path, notes)
    _, again = build_as_cold(tmp_path, notes)
    assert first == again
