"""A large garden's links are resolved by forked workers; what the build shows and says is
what resolving them one by one gives: the same links, warnings in the same order, the same
backlinks and tags, and attachments whose names slug alike told apart as in path order."""

from __future__ import annotations

from pathlib import Path

import pytest

from hortus.config import load_settings
from hortus.diagnostics import Diagnostics
from hortus.links import LinkGraph, link_notes
from hortus.links.stage import PARALLEL_LINK_MIN
from hortus.markdown import make_parser, parse_note
from hortus.parallel import can_fork
from hortus.vault import load_vault

P = "---\ndg-publish: true\ntags: [topic/{tag}]\n---\n"
COUNT = PARALLEL_LINK_MIN + 100


def note_text(i: int) -> str:
    """Links to other notes, into headings (one of them missing), to a note that does not
    exist, to a name two notes share, and to attachments whose names slug alike, from notes
    early and late in path order (that is, from either worker's share)."""
    lines = [
        P.format(tag=i % 7),
        f"# Heading {i}\n",
        f"See [[n{(i * 7) % COUNT:05d}]] and [[n{(i * 13) % COUNT:05d}#Heading {(i * 13) % COUNT}]].",
    ]
    if i % 50 == 0:
        lines.append(f"Broken [[missing {i}]] and [[n{(i + 1) % COUNT:05d}#No such heading]].")
    if i % 97 == 0:
        lines.append("Ambiguous [[twin]] and a block [[n00001#^nope]]. #inline/tag")
    if i in (3, COUNT - 3):
        lines.append("![[a b.png]]" if i == COUNT - 3 else "![[a-b.png]]")
    if i in (5, COUNT - 5):
        lines.append("![[c d.png]]" if i == 5 else "![[c-d.png]]")
    return "\n".join(lines) + "\n"


def link_garden(tmp_path: Path, jobs: int) -> tuple[LinkGraph, list[str]]:
    project = tmp_path / "site"
    if not project.exists():
        notes = project / "notes"
        (notes / "x").mkdir(parents=True)
        (notes / "y").mkdir()
        (project / "pyproject.toml").write_text("[tool.hortus]\n", encoding="utf-8")
        for i in range(COUNT):
            (notes / f"n{i:05d}.md").write_text(note_text(i), encoding="utf-8")
        for folder in ("x", "y"):
            (notes / folder / "twin.md").write_text(P.format(tag="t") + "twin\n", "utf-8")
        for name in ("a b.png", "a-b.png", "c d.png", "c-d.png"):
            (notes / name).write_bytes(b"\x89PNG")
    settings = load_settings(project)
    vault = load_vault(project / "notes", settings, Diagnostics())
    md = make_parser()
    parsed = [parse_note(md, note) for note in vault.published]
    said = Diagnostics()
    graph = link_notes(vault, parsed, said, jobs=jobs)
    return graph, [str(d) for d in said.items]


@pytest.mark.skipif(not can_fork(), reason="workers are forked")
def test_links_resolved_by_workers_are_those_resolved_in_order(tmp_path: Path) -> None:
    alone, said_alone = link_garden(tmp_path, jobs=1)
    apart, said_apart = link_garden(tmp_path, jobs=2)
    assert said_apart == said_alone
    # The garden says what a reader sees: broken links and headings, the ambiguous name,
    # the two attachments published at one URL.
    joined = "\n".join(said_alone)
    assert "no note or file named 'missing 0'" in joined
    assert "has no heading 'No such heading'" in joined
    assert "'twin' matches 2 files" in joined
    assert "a b.png would be published at /a-b.png, like the attachment a-b.png" in joined
    assert "c-d.png would be published at /c-d.png, like the attachment c d.png" in joined
    assert apart.attachments == alone.attachments
    for path in alone.resolved:
        assert list(apart.resolved[path]) == list(alone.resolved[path]), path
        assert list(apart.property_links[path]) == list(alone.property_links[path]), path
    assert {k: [n.path for n in v] for k, v in apart.backlinks.items()} == {
        k: [n.path for n in v] for k, v in alone.backlinks.items()
    }
    assert {k: [n.path for n in v] for k, v in apart.tags.items()} == {
        k: [n.path for n in v] for k, v in alone.tags.items()
    }
    assert apart.note_tags == alone.note_tags
    assert apart.reaching == alone.reaching
    assert apart.embeds == alone.embeds
    assert apart.structure == alone.structure
