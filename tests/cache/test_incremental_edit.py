"""A one-note edit in a garden with cells, queries, formulas and diagrams elsewhere: the
rebuild reads the tokens of the pages it re-renders and no others, re-renders exactly the
pages whose inputs the edit changed, runs no cell again, and its output is the bytes of a
build without any cache."""

from __future__ import annotations

import marshal
from pathlib import Path

import pytest

import hortus.pipeline.graph as graph_stage
import hortus.pipeline.pages as pages_stage
from build_harness import make_project, same_as_cold
from hortus.config import load_settings
from hortus.pipeline import CachedNote, build_site

NOTES = {
    "plain.md": "# Plain\n\nWords of plain, and [[other]].\n",
    "other.md": "# Other\n\nMore words.\n",
    "cells.md": (
        "# Cells\n\nThe answer is `{python} 6 * 7`.\n\n"
        "```{python}\nclaim('six sevens', 6 * 7, 42)\nprint('ran')\n```\n"
    ),
    "books.md": "---\nrating: 4\ntags: [book]\n---\n# Books\n\nA book.\n",
    "math.md": "# Math\n\nInline $x^2$ and\n\n$$\\int_0^1 x\\,dx$$\n",
    "diagram.md": "# Diagram\n\n```mermaid\ngraph TD\n  A --> B\n```\n",
    "host.md": "# Host\n\n![[embedded]]\n",
    "embedded.md": "# Embedded\n\nEmbedded words.\n",
}
# The notes whose tokens every build reads: the cells' steps and the diagrams' sources.
READ_ALWAYS = {"cells.md", "diagram.md"}
# A query reads every page of the garden (and so every note's tokens) when it is evaluated.
READING = "# Reading\n\n```dataview\nTABLE rating FROM #book SORT file.name\n```\n"


class Garden:
    """A project built in this process (so what the build loads is seen), each build checked
    against one without any cache."""

    def __init__(self, root: Path, monkeypatch: pytest.MonkeyPatch, notes: dict[str, str]) -> None:
        self.root = root
        self.notes = make_project(root, notes)
        self.loaded: list[str] = []
        load = CachedNote._load

        def recorded_load(note: CachedNote) -> list:
            self.loaded.append(str(note.note.path))
            return load(note)

        monkeypatch.setattr(CachedNote, "_load", recorded_load)
        monkeypatch.setattr(
            "hortus.pipeline.build.in_child_process", lambda make, meanwhile=None: make()
        )
        self.build()

    def write(self, name: str, text: str) -> None:
        (self.notes / name).write_text(text, encoding="utf-8")

    def pages(self) -> dict[str, int]:
        """Each page's file by inode: a page kept from the last build keeps its inode."""
        public = self.root / "public"
        return {p.relative_to(public).as_posix(): p.stat().st_ino for p in public.rglob("*.html")}

    def build(self):
        self.loaded.clear()
        cached = build_site(
            load_settings(self.root), self.notes, self.root / "public", strict=False
        )
        loaded = sorted(self.loaded)
        same_as_cold(self.root, self.notes, cached)
        self.loaded = loaded
        return cached

    def edit(self, name: str, text: str) -> set[str]:
        """Rewrite a note and rebuild; the pages rendered again (not kept from the last build)."""
        before = self.pages()
        self.write(name, text)
        result = self.build()
        assert result.execution.ran == 0  # every cell's result came from the cache
        after = self.pages()
        return {rel for rel, inode in after.items() if before.get(rel) != inode}


@pytest.fixture
def garden(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Garden:
    return Garden(tmp_path, monkeypatch, NOTES)


@pytest.fixture
def queried(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Garden:
    return Garden(tmp_path, monkeypatch, {**NOTES, "reading.md": READING})


def note_pages(rendered: set[str]) -> set[str]:
    """The note pages among the rendered files (not tag pages, listings or the home page)."""
    names = {f"{Path(name).stem}/index.html" for name in [*NOTES, "reading.md"]}
    return rendered & names


def test_an_edit_elsewhere_loads_and_renders_only_the_edited_page(garden: Garden) -> None:
    rendered = garden.edit("other.md", "# Other\n\nNew words of other.\n")
    assert note_pages(rendered) == {"other/index.html"}
    # No other note's tokens but those the cells and diagrams stages read their steps and
    # sources from: the formulas, links and page keys come from small per-note records.
    assert set(garden.loaded) <= READ_ALWAYS


def test_an_edit_of_an_embedded_note_renders_its_hosts(garden: Garden) -> None:
    rendered = garden.edit("embedded.md", "# Embedded\n\nChanged embedded words.\n")
    assert note_pages(rendered) == {"embedded/index.html", "host/index.html"}
    assert set(garden.loaded) == {"host.md", *READ_ALWAYS}


def test_an_edit_of_a_queried_note_renders_the_query_page(queried: Garden) -> None:
    rendered = queried.edit("books.md", NOTES["books.md"].replace("rating: 4", "rating: 5"))
    assert note_pages(rendered) == {"books/index.html", "reading/index.html"}


def test_an_edit_elsewhere_keeps_the_query_page(queried: Garden) -> None:
    rendered = queried.edit("other.md", "# Other\n\nNew words of other.\n")
    assert note_pages(rendered) == {"other/index.html"}


def test_an_edit_of_prose_beside_cells_reuses_their_results(garden: Garden) -> None:
    text = NOTES["cells.md"] + "\nA new closing line.\n"  # the cells keep their lines
    rendered = garden.edit("cells.md", text)
    assert note_pages(rendered) == {"cells/index.html"}
    assert set(garden.loaded) <= READ_ALWAYS


def test_an_edit_of_math_and_diagrams_renders_only_their_pages(garden: Garden) -> None:
    assert note_pages(garden.edit("math.md", "# Math\n\nNow $y^3$.\n")) == {"math/index.html"}
    text = NOTES["diagram.md"].replace("A --> B", "A --> C")
    assert note_pages(garden.edit("diagram.md", text)) == {"diagram/index.html"}
    assert set(garden.loaded) <= READ_ALWAYS


def test_the_garden_graph_is_kept_until_a_link_or_a_title_changes(
    garden: Garden, monkeypatch: pytest.MonkeyPatch
) -> None:
    kept: list[int] = []  # the size of each garden taken from the last build
    real = graph_stage.garden_from_plain
    monkeypatch.setattr(
        graph_stage, "garden_from_plain", lambda *a: kept.append(len(a[0])) or real(*a)
    )
    garden.edit("other.md", "# Other\n\nNew words, no new link.\n")
    assert kept == [len(NOTES)]
    # Each build below is also checked against one without the cache, /graph/ included.
    rendered = garden.edit("other.md", "# Other\n\nNow a link to [[math]].\n")
    assert kept == [len(NOTES)]
    assert "graph/index.html" in rendered
    garden.edit("math.md", "---\ntitle: Maths\n---\n# Math\n\nInline $x^2$.\n")
    assert kept == [len(NOTES)]
    garden.edit("plain.md", "# Plain\n\nWords of plain, edited, and [[other]].\n")
    assert kept == [len(NOTES)] * 2


def test_an_edits_other_pages_are_made_beside_its_note_pages_as_alone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An edit's tag, folder and feed pages and redirects are made in a process of their
    own, beside the note pages: what they write and what they warn of is what a build
    without the cache makes and says (each build is checked against one)."""
    monkeypatch.setattr("hortus.pipeline.build.default_jobs", lambda: 2)
    forked: list[int] = []
    real = pages_stage.ForkedWork
    monkeypatch.setattr(pages_stage, "ForkedWork", lambda work: forked.append(1) or real(work))
    notes = {**NOTES, "nick.md": "---\naliases: [other]\n---\n# Nick\n\nA nickname.\n"}
    garden = Garden(tmp_path, monkeypatch, notes)
    assert forked == []  # a cold build makes them after its note pages
    text = NOTES["books.md"].replace("tags: [book]", "tags: [book, novel]")
    rendered = garden.edit("books.md", text)
    assert forked == [1]
    assert "tags/novel/index.html" in rendered
    result = garden.build()
    said = [d for d in result.diagnostics.items if d.kind == "alias"]
    assert [(d.path, d.message[:15]) for d in said] == [("nick.md", "alias 'other' w")]
    garden.edit("new.md", "# New\n\nA new note: every page is made again, none beside.\n")
    assert forked == [1]


def test_a_record_whose_pages_part_is_lost_still_builds_the_same_bytes(garden: Garden) -> None:
    """The record is two files; a build stopped between them leaves a pair that does not
    match. The next build then keys every page and indexes every page for search again,
    and still makes what a build without the cache makes."""
    (pages_part,) = (garden.root / ".hortus" / "site").glob("build-*-pages.marshal")
    pages_part.write_bytes(marshal.dumps({"token": "from another build"}))
    rendered = garden.edit("other.md", "# Other\n\nNew words of other.\n")
    assert note_pages(rendered) == {"other/index.html"}  # the others' keys are unchanged
    pages_part.unlink()
    garden.edit("plain.md", "# Plain\n\nWords of plain, changed.\n")
