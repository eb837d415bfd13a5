"""The link stage over per-note summaries, kept between builds: an edit to what a note
declares (a heading, a block id, an alias, a tag) changes every page that shows it and no
other, and the rebuilt site is the bytes of a build without any cache."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from build_harness import build_as_cold, make_project
from hortus.config import load_settings
from hortus.diagnostics import Diagnostics
from hortus.links import link_notes, summarize
from hortus.markdown import make_parser, parse_note
from hortus.vault import load_vault

B = "---\ntags: [old]\n---\n# B\n\n## Method\n\nA quoted line. ^quote\n"
NOTES = {
    "a.md": "# A\n\nSee [[b#Method]], [[b#^quote]] and [[Bee Alias]].\n",
    "b.md": B,
    "c.md": "# C\n\n![[b#^quote]]\n",
    "lonely.md": "# Lonely\n\nNothing links here, and it links nowhere.\n",
    "tagged.md": "# Tagged\n\nAlso #old, and [[lonely]].\n",
}


class Garden:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.notes = make_project(root, NOTES)
        self.last = self.build()

    def write(self, name: str, text: str) -> None:
        (self.notes / name).write_text(text, encoding="utf-8")

    def build(self) -> dict[str, bytes]:
        """Build with the cache, check it against a build without one, return the output."""
        return build_as_cold(self.root, self.notes)[1]

    def edit(self, name: str, text: str) -> set[str]:
        """Rewrite a note, rebuild; the output files that changed, appeared or went away."""
        self.write(name, text)
        before, self.last = self.last, self.build()
        return {
            rel for rel in before.keys() | self.last.keys() if before.get(rel) != self.last.get(rel)
        }

    def main(self, url: str) -> str:
        """The main part of a page: the note or the listing, not the explorer around it."""
        html = self.last[f"{url.strip('/')}/index.html".lstrip("/")].decode("utf-8")
        return html[html.index("<main") : html.index("</main>")]


@pytest.fixture
def garden(tmp_path: Path) -> Garden:
    return Garden(tmp_path)


# Files every edit of b.md changes: its page, the feed and the sitemap date its text.
OWN = {"b/index.html"}


def pages(changed: set[str]) -> set[str]:
    """The note and listing pages among changed files (not feeds, sitemap, search)."""
    return {rel for rel in changed if rel.endswith(".html") and rel != "404.html"}


def test_renaming_a_heading_changes_the_linking_page_and_no_other(garden: Garden) -> None:
    assert 'href="../b/#method"' in garden.main("/a/")
    changed = garden.edit("b.md", B.replace("## Method", "## Approach"))
    assert pages(changed) == OWN | {"a/index.html"}
    assert "#method" not in garden.main("/a/")
    assert 'id="approach"' in garden.main("/b/")


def test_removing_a_block_id_changes_the_pages_linking_and_embedding_it(garden: Garden) -> None:
    assert '<p id="^quote">A quoted line.</p>' in garden.main("/c/")
    changed = garden.edit("b.md", B.replace(" ^quote", ""))
    assert pages(changed) == OWN | {"a/index.html", "c/index.html"}
    assert "#^quote" not in garden.main("/a/")
    # The block is gone: the embed no longer shows it as the block (it shows the note).
    assert "^quote" not in garden.main("/c/")
    assert '<h2 id="method">Method</h2>' in garden.main("/c/")


def test_adding_an_alias_makes_a_link_to_it_resolve(garden: Garden) -> None:
    assert '<span class="broken-link">Bee Alias</span>' in garden.main("/a/")
    changed = garden.edit("b.md", B.replace("tags: [old]", "tags: [old]\naliases: [Bee Alias]"))
    assert '<a class="internal" href="../b/">Bee Alias</a>' in garden.main("/a/")
    # b's page, a's link, and the alias's redirect page; nothing else.
    assert pages(changed) == OWN | {"a/index.html", "bee-alias/index.html"}


def test_changing_a_tag_moves_the_note_between_tag_pages(garden: Garden) -> None:
    assert 'href="../../b/"' in garden.main("/tags/old/")
    changed = garden.edit("b.md", B.replace("tags: [old]", "tags: [new]"))
    assert 'href="../../b/"' in garden.main("/tags/new/")
    assert 'href="../../b/"' not in garden.main("/tags/old/")  # tagged.md keeps it
    assert pages(changed) - {"tags/index.html"} == OWN | {
        "tags/new/index.html",
        "tags/old/index.html",
    }


def test_an_unrelated_page_is_kept_as_it_was(garden: Garden) -> None:
    lonely = (garden.root / "public" / "lonely" / "index.html").stat().st_ino
    garden.edit("b.md", B.replace("## Method", "## Approach"))
    # Kept from the last build (hard-linked), not rendered again.
    assert (garden.root / "public" / "lonely" / "index.html").stat().st_ino == lonely


def test_summaries_say_what_links_into_a_note_find(tmp_path: Path) -> None:
    notes = tmp_path / "notes"
    notes.mkdir()
    (tmp_path / "pyproject.toml").write_text("[tool.hortus]\n", encoding="utf-8")
    (notes / "b.md").write_text(B + "\nA #tag and [[a|x]] and ![[pic.png]].\n", encoding="utf-8")
    settings = load_settings(tmp_path)
    vault = load_vault(notes, settings, Diagnostics())
    md = make_parser()
    summary = summarize(parse_note(md, vault.notes[0]))
    assert [(h.level, h.id, h.text) for h in summary.headings] == [
        (1, "b", "B"),
        (2, "method", "Method"),
    ]
    assert summary.block_ids == ("quote",)
    assert summary.tags == ("tag",)
    assert [(ref.target, ref.embed, ref.line) for ref in summary.links] == [
        ("a", False, 10),
        ("pic.png", True, 10),
    ]
    graph = link_notes(vault, [parse_note(md, vault.notes[0])], Diagnostics())
    assert [link.status for link in graph.resolved[vault.notes[0].path]] == ["missing"] * 2


def test_tags_alike_but_for_case_are_listed_in_one_order_under_any_hash_seed(
    tmp_path: Path,
) -> None:
    """`#ML`, `#Ml` and `#ml` sort alike without case: a page lists them in one order in
    every build, not in the order of a set, which differs from process to process."""
    notes = make_project(tmp_path, {"a.md": "---\ntags: [ml, ML]\n---\n# A\n\nAlso #Ml.\n"})
    script = (
        "import sys; from pathlib import Path\n"
        "from hortus.config import load_settings\n"
        "from hortus.diagnostics import Diagnostics\n"
        "from hortus.links import link_notes\n"
        "from hortus.markdown import make_parser, parse_note\n"
        "from hortus.vault import load_vault\n"
        "root = Path(sys.argv[1])\n"
        "vault = load_vault(root / 'notes', load_settings(root), Diagnostics())\n"
        "md = make_parser()\n"
        "graph = link_notes(vault, [parse_note(md, n) for n in vault.notes], Diagnostics())\n"
        "print(graph.note_tags[vault.notes[0].path], list(graph.tags))\n"
    )
    seen = {
        subprocess.run(
            [sys.executable, "-c", script, str(notes.parent)],
            env={**os.environ, "PYTHONHASHSEED": str(seed)},
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        for seed in range(8)
    }
    assert seen == {"['ML', 'Ml', 'ml'] ['ML', 'Ml', 'ml']\n"}
