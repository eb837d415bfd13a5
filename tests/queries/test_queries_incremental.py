"""Incremental builds with queries: a page with a query is made again when a note its query
reads changes what it shows, and kept otherwise; the cached build equals a cold one."""

from __future__ import annotations

from pathlib import Path

from build_harness import build_as_cold
from conftest import run_hortus

NOTES = {
    "Reading.md": (
        "# Reading\n\n```dataview\nTABLE rating FROM #book SORT file.name\n```\n\n"
        "```base\nfilters: 'file.inFolder(\"Books\")'\nviews:\n  - type: list\n    name: L\n```\n"
    ),
    "Books/Dune.md": "---\ntags: [book]\nrating: 5\n---\nDune.\n",
    "Books/Emma.md": "---\ntags: [book]\nrating: 3\n---\nEmma.\n",
    "Elsewhere.md": "# Elsewhere\n\nNothing to do with books.\n",
}


class Project:
    def __init__(self, root: Path) -> None:
        self.root = root
        text = '[tool.hortus]\npublish = "all"\nlanguage = "en"\n'
        (root / "pyproject.toml").write_text(text, encoding="utf-8")
        for name, body in NOTES.items():
            self.write(name, body)

    def write(self, name: str, text: str) -> None:
        path = self.root / "notes" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")

    def build(self) -> None:
        build_as_cold(self.root, self.root / "notes")

    def inode(self, url: str) -> int:
        return (self.root / "public" / url.strip("/") / "index.html").stat().st_ino


def test_a_page_with_a_query_is_rebuilt_only_when_what_it_shows_changes(tmp_path: Path) -> None:
    project = Project(tmp_path)
    project.build()
    reading = project.inode("/reading/")

    project.write("Elsewhere.md", "# Elsewhere\n\nStill nothing to do with books.\n")
    project.build()
    assert project.inode("/reading/") == reading, "a note the queries do not show changed"

    project.write("Books/Emma.md", "---\ntags: [book]\nrating: 4\n---\nEmma.\n")
    project.build()
    assert project.inode("/reading/") != reading, "a rating the table shows changed"
    page = (tmp_path / "public" / "reading" / "index.html").read_text(encoding="utf-8")
    assert "<td>4</td>" in page
    reading = project.inode("/reading/")

    project.write("Elsewhere.md", "---\ntags: [book]\n---\n# Elsewhere\n\nNow a book.\n")
    project.build()
    assert project.inode("/reading/") != reading, "a note newly tagged joined the table"

    reading = project.inode("/reading/")
    project.write("Books/Zola.md", "# Zola\n")
    project.build()
    assert project.inode("/reading/") != reading, "a note in the folder joined the base"


def test_a_new_build_date_reaches_a_page_that_shows_today(tmp_path: Path) -> None:
    """Nothing in the vault changed, but `today()` did: the page shows the new date."""
    project = tmp_path / "site"
    (project / "notes").mkdir(parents=True)
    (project / "pyproject.toml").write_text('[tool.hortus]\npublish = "all"\n', encoding="utf-8")
    (project / "notes" / "Today.md").write_text(
        '# Today\n\nIt is `= dateformat(date(today), "yyyy-MM-dd")`.\n', encoding="utf-8"
    )
    shown = []
    for epoch in ("1700000000", "1800000000"):  # 2023-11-14, 2027-01-15
        done = run_hortus("build", cwd=project, env={"SOURCE_DATE_EPOCH": epoch})
        assert done.returncode == 0, done.stderr
        shown.append((project / "public" / "today" / "index.html").read_text(encoding="utf-8"))
    assert "2023-11-14" in shown[0]
    assert "2027-01-15" in shown[1]


def test_queries_nested_or_inline_are_found_in_notes_read_from_the_cache(tmp_path: Path) -> None:
    """Which notes hold a query is read from what their parse recorded: a fence in a callout,
    a fence named in capitals and an inline query are found in a build that takes the notes
    from the cache as in one that parses them."""
    project = Project(tmp_path)
    project.write(
        "Shelf.md",
        "# Shelf\n\n> [!note] Books\n> ```DataView\n> LIST FROM #book\n> ```\n\n"
        "- This page: `= this.file.name`\n",
    )
    for edit in ("", "An edit elsewhere.\n"):
        project.write("Elsewhere.md", f"# Elsewhere\n\n{edit}")
        project.build()  # the second takes Shelf.md from the parse cache
        page = (tmp_path / "public" / "shelf" / "index.html").read_text(encoding="utf-8")
        main = page[page.index("<main") : page.index("</main>")]
        assert "Dune" in main and "Emma" in main  # the list of books
        assert "This page: " in main and "Shelf" in main.split("This page: ", 1)[1][:200]
        assert "LIST FROM" not in main and "this.file.name" not in main
