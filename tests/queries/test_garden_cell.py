"""The garden in a cell: `from hortus import garden` lists the published pages (never a
private one), and a cell's cached result is kept only while what it read is unchanged."""

from __future__ import annotations

import re
from pathlib import Path

from conftest import article, run_hortus, visible_text

CELL_NOTE = """---
dg-publish: true
---
# Census

```{python}
from hortus import garden
books = garden.tagged("book")
ratings = sorted(p.properties["rating"] for p in books)
claim("two published books", len(books), 2)
print(ratings, garden.page("Dune").fields["mood"], garden.page("Dune").backlinks)
```
"""

NOTES = {
    "Census.md": CELL_NOTE,
    "Dune.md": "---\ndg-publish: true\ntags: [book]\nrating: 5\n---\nDune.\n\nmood:: calm\n",
    "Emma.md": "---\ndg-publish: true\ntags: [book/classic]\nrating: 3\n---\nSee [[Dune]].\n",
    "Other.md": "---\ndg-publish: true\n---\nNot a book.\n",
    "Hidden.md": "---\ntags: [book]\nrating: 9\n---\nprivate-canary\n",
}


def build(project: Path) -> tuple[int, int, str]:
    """(notes whose cells ran, notes whose results came from the cache, stderr)."""
    proc = run_hortus("build", cwd=project)
    assert proc.returncode == 0, proc.stderr
    found = re.search(r"cells run for (\d+) notes, (\d+) from cache", proc.stdout + proc.stderr)
    assert found, proc.stdout + proc.stderr
    return int(found.group(1)), int(found.group(2)), proc.stderr


def write(project: Path, name: str, text: str) -> None:
    (project / "notes" / name).write_text(text, encoding="utf-8")


def test_a_cell_reads_the_published_garden_and_reruns_when_what_it_read_changed(
    tmp_path: Path,
) -> None:
    project = tmp_path / "site"
    (project / "notes").mkdir(parents=True)
    (project / "pyproject.toml").write_text('[tool.hortus]\nlanguage = "en"\n', encoding="utf-8")
    for name, text in NOTES.items():
        write(project, name, text)

    assert build(project)[:2] == (1, 0)
    page = visible_text(article((project / "public" / "census" / "index.html").read_text()))
    assert "[3, 5] calm ('Emma.md',)" in page
    assert "private-canary" not in page

    write(project, "Other.md", "---\ndg-publish: true\n---\nStill not a book.\n")
    assert build(project)[:2] == (0, 1), "nothing the cell read changed"

    write(
        project,
        "Dune.md",
        "---\ndg-publish: true\ntags: [book]\nrating: 4\n---\nDune.\n\nmood:: calm\n",
    )
    assert build(project)[:2] == (1, 0), "a rating the cell read changed"
    page = visible_text(article((project / "public" / "census" / "index.html").read_text()))
    assert "[3, 4] calm" in page
