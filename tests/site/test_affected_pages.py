"""An edit re-renders the pages it reaches and keeps the others without computing their
keys: each edit here reaches a page only through a link, an embed two levels deep, a
removed alias, a neighbour's new link (which changes how the local graph draws it), a date
or a cell's data file; every build is checked byte for byte against one without a cache."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from build_harness import EditedGarden, build_as_cold

NOTES = {
    "hub.md": "# Hub\n\nSee [[p]].\n",
    "p.md": "# P\n\nA page.\n",
    "q.md": "# Q\n\nLinks to [[p]].\n",
    "x.md": "# X\n\nNo links yet.\n",
    "outer.md": "# Outer\n\n![[middle]]\n",
    "middle.md": "# Middle\n\n![[inner]]\n",
    "inner.md": "# Inner\n\nThe first version.\n",
    "named.md": "---\naliases: [Nick]\n---\n# Named\n",
    "caller.md": "# Caller\n\nSee [[Nick]].\n",
    "lonely.md": "# Lonely\n\nNothing links here.\n",
    "counted.md": (
        "# Counted\n\n```{python}\nfrom pathlib import Path\n"
        "n = len(Path('data.txt').read_text().split())\n```\n\nWords: `{python} n`.\n"
    ),
}


class Garden(EditedGarden):
    def __init__(self, root: Path) -> None:
        super().__init__(root, {**NOTES, "data.txt": "one two three"})

    def graph(self, name: str) -> str:
        """The local graph drawn beside a page."""
        html = self.last[f"{name}/index.html"].decode("utf-8")
        return html[html.index('<nav class="graph-box"') :]

    def inode(self, name: str) -> int:
        return (self.root / "public" / name / "index.html").stat().st_ino


@pytest.fixture
def garden(tmp_path: Path) -> Garden:
    return Garden(tmp_path)


def test_an_edit_keeps_the_pages_it_does_not_reach(garden: Garden) -> None:
    kept = garden.inode("lonely")
    garden.write("inner.md", "# Inner\n\nThe second version.\n")
    changed = garden.rebuild()
    assert {"inner/index.html", "middle/index.html", "outer/index.html"} <= changed
    assert "The second version." in garden.page("outer")
    assert "lonely/index.html" not in changed
    assert garden.inode("lonely") == kept  # the same file, linked from the last build


def test_a_new_link_redraws_the_local_graphs_of_the_target_s_neighbours(garden: Garden) -> None:
    drawn = garden.graph("q")
    garden.write("x.md", "# X\n\nNow links to [[p]].\n")
    changed = garden.rebuild()
    # p gained a backlink; q, two links from x, draws p with one more link (a larger node).
    assert {"x/index.html", "p/index.html", "q/index.html"} <= changed
    assert garden.graph("q") != drawn
    assert "lonely/index.html" not in changed


def test_removing_an_alias_breaks_the_link_that_used_it(garden: Garden) -> None:
    assert 'href="../named/"' in garden.page("caller")
    garden.write("named.md", "# Named\n")
    changed = garden.rebuild()
    assert "caller/index.html" in changed
    assert 'href="../named/"' not in garden.page("caller")


def test_a_new_date_reaches_the_page(garden: Garden) -> None:
    when = 1_600_000_000  # 2020-09-13
    os.utime(garden.notes / "lonely.md", (when, when))
    changed = garden.rebuild()
    assert changed == {"lonely/index.html"}
    assert 'datetime="2020-09-13"' in garden.page("lonely")


def test_a_cell_s_data_file_reaches_its_page(garden: Garden) -> None:
    assert "Words: 3" in garden.page("counted") or ">3<" in garden.page("counted")
    garden.write("data.txt", "one two three four five")
    changed = garden.rebuild()
    assert "counted/index.html" in changed
    assert "5" in garden.page("counted").split("Words:")[1][:80]


def test_a_renamed_heading_reaches_a_page_through_an_embedded_canvas(tmp_path: Path) -> None:
    # Opt-in publishing: the canvas has no page of its own, so it is among no note's
    # backlinks; its card's link into `target` still shows on the page embedding it.
    notes = tmp_path / "notes"
    notes.mkdir()
    (tmp_path / "pyproject.toml").write_text('[tool.hortus]\nlanguage = "en"\n', encoding="utf-8")
    card = {"id": "a", "type": "text", "text": "See [[target#Method]].", "x": 0, "y": 0}
    board = {"nodes": [{**card, "width": 200, "height": 80}], "edges": []}
    published = "---\ndg-publish: true\n---\n"
    (notes / "page.md").write_text(published + "# Page\n\n![[board.canvas]]\n", encoding="utf-8")
    (notes / "board.canvas").write_text(json.dumps(board), encoding="utf-8")
    (notes / "target.md").write_text(published + "# Target\n\n## Method\n", encoding="utf-8")
    before = build_as_cold(tmp_path, notes)[1]["page/index.html"].decode("utf-8")
    assert 'href="../target/#method"' in before
    (notes / "target.md").write_text(published + "# Target\n\n## Approach\n", encoding="utf-8")
    after = build_as_cold(tmp_path, notes)[1]["page/index.html"].decode("utf-8")
    assert 'href="../target/#method"' not in after
