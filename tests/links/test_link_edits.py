"""An edit relinks the notes it reaches and keeps every other note's links, backlinks and
tag listings from the last build: a renamed heading, a removed block id, a new alias, a
changed tag or a new link changes exactly the pages that show it, and every build is the
bytes of one without a cache."""

from __future__ import annotations

from pathlib import Path

import pytest

from build_harness import EditedGarden

NOTES = {
    "target.md": "# Target\n\n## Old heading\n\nA line. ^blk\n",
    "heading.md": "# Heading\n\nSee [[target#Old heading]].\n",
    "block.md": "# Block\n\nSee [[target#^blk]].\n",
    "caller.md": "# Caller\n\nSee [[Nick]].\n",
    "named.md": "# Named\n\nNamed words.\n",
    "tagged.md": "---\ntags: [first]\n---\n# Tagged\n\nWords.\n",
    "other.md": "---\ntags: [first]\n---\n# Other\n\nAlso tagged.\n",
    "lonely.md": "# Lonely\n\nNothing links here, and it links nowhere.\n",
}


@pytest.fixture
def garden(tmp_path: Path) -> EditedGarden:
    return EditedGarden(tmp_path, NOTES)


def test_a_renamed_heading_unlinks_the_links_into_it(garden: EditedGarden) -> None:
    assert 'href="../target/#old-heading"' in garden.page("heading")
    garden.write("target.md", "# Target\n\n## New heading\n\nA line. ^blk\n")
    changed = garden.rebuild()
    assert {"target/index.html", "heading/index.html"} <= changed
    assert 'href="../target/#old-heading"' not in garden.page("heading")
    assert not {"block/index.html", "lonely/index.html", "caller/index.html"} & changed


def test_a_removed_block_id_unlinks_the_link_to_it(garden: EditedGarden) -> None:
    assert 'href="../target/#^blk"' in garden.page("block")
    garden.write("target.md", "# Target\n\n## Old heading\n\nA line.\n")
    changed = garden.rebuild()
    assert "block/index.html" in changed
    assert 'href="../target/#^blk"' not in garden.page("block")
    assert 'href="../target/#old-heading"' in garden.page("heading")
    assert "lonely/index.html" not in changed


def test_a_new_alias_links_the_link_that_names_it(garden: EditedGarden) -> None:
    assert 'href="../named/"' not in garden.page("caller")
    garden.write("named.md", "---\naliases: [Nick]\n---\n# Named\n\nNamed words.\n")
    changed = garden.rebuild()
    assert {"caller/index.html", "named/index.html"} <= changed
    assert 'href="../named/"' in garden.page("caller")
    assert 'href="../caller/"' in garden.page("named")  # its backlink
    assert "lonely/index.html" not in changed


def test_a_changed_tag_moves_the_page_between_tag_listings(garden: EditedGarden) -> None:
    garden.write("tagged.md", "---\ntags: [second]\n---\n# Tagged\n\nWords.\n")
    changed = garden.rebuild()
    assert {"tagged/index.html", "tags/first/index.html", "tags/second/index.html"} <= changed
    assert "/tagged/" not in garden.page("tags/first")
    assert "/tagged/" in garden.page("tags/second")
    assert "/other/" in garden.page("tags/first")
    assert not {"other/index.html", "lonely/index.html"} & changed


def test_a_new_link_and_its_removal_list_and_unlist_the_backlink(garden: EditedGarden) -> None:
    garden.write("lonely.md", "# Lonely\n\nNow links to [[other]].\n")
    changed = garden.rebuild()
    assert {"lonely/index.html", "other/index.html"} <= changed
    assert 'href="../lonely/"' in garden.page("other")
    garden.write("lonely.md", "# Lonely\n\nLinks nowhere again.\n")
    changed = garden.rebuild()
    assert "other/index.html" in changed
    assert 'href="../lonely/"' not in garden.page("other")
    assert "named/index.html" not in changed


def test_links_saved_by_a_build_cut_short_are_linked_again(garden: EditedGarden) -> None:
    """A build stopped while saving the links may leave entries of two builds; the next one
    keeps none of them, and its pages are still what a build without the cache makes."""
    for agreed in garden.root.rglob("links-*/agreed"):
        agreed.unlink()
    garden.write("target.md", "# Target\n\n## New heading\n\nA line. ^blk\n")
    changed = garden.rebuild()  # checked against a cold build
    assert "heading/index.html" in changed
    assert list(garden.root.rglob("links-*/agreed"))
