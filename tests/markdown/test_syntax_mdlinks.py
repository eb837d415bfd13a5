"""Markdown links into the vault: fixture cases and meta["internal"]."""

from __future__ import annotations

from pathlib import Path

import pytest
from markdown_it import MarkdownIt
from markdown_it.token import Token
from markdown_it.utils import read_fixture_file

from hortus.markdown.plugins import embeds_plugin, mdlinks_plugin, wikilinks_plugin

CASES = read_fixture_file(Path(__file__).parents[1] / "fixtures" / "mdlinks.md")


def make_md() -> MarkdownIt:
    md = MarkdownIt("commonmark").enable(["table", "strikethrough"])
    return md.use(wikilinks_plugin).use(embeds_plugin).use(mdlinks_plugin)


def links(src: str, md: MarkdownIt | None = None) -> list[Token]:
    found = []
    for token in (md or make_md()).parse(src):
        found.extend(c for c in token.children or [] if c.type == "link_open")
    return found


def internal(target: str, line: int = 0, **extra: object) -> dict:
    return {"target": target, "heading": None, "headings": [], "block": None, "line": line, **extra}


@pytest.mark.parametrize(
    ("line", "title", "src", "expected"), CASES, ids=[f"{c[0]}-{c[1]}" for c in CASES]
)
def test_fixture(line: int, title: str, src: str, expected: str) -> None:
    assert make_md().render(src) == expected


@pytest.mark.parametrize(
    ("src", "expected"),
    [
        ("[text](Note.md)", internal("Note.md")),
        (
            "[text](folder/My%20Note.md#Heading)",
            internal("folder/My Note.md", heading="Heading", headings=["Heading"]),
        ),
        ("[text](<My Note.md>)", internal("My Note.md")),
        ("[text](../Other.md)", internal("../Other.md")),
        ("[text](%E7%AC%94%E8%AE%B0.md)", internal("笔记.md")),
        ("[text](笔记.md)", internal("笔记.md")),
        ("[text](Note)", internal("Note")),
        ("[text](Note.md#^block-id)", internal("Note.md", block="block-id")),
        (
            "[text](Note.md#A#B%20c)",
            internal("Note.md", heading="B c", headings=["A", "B c"]),
        ),
        (
            "[text](#Some%20heading)",
            internal("", heading="Some heading", headings=["Some heading"]),
        ),
        ("[text](files/a.pdf)", internal("files/a.pdf")),
        ("[text](a%23b.md)", internal("a#b.md")),
        ("[text](Note.md?plain=1)", internal("Note.md")),
        ("[text](Note.md 'title')", internal("Note.md")),
        ("[text][ref]\n\n[ref]: <Ref Note.md>", internal("Ref Note.md")),
    ],
)
def test_internal_meta(src: str, expected: dict) -> None:
    [token] = links(src)
    assert token.meta == {"internal": expected}


@pytest.mark.parametrize(
    "src",
    [
        "[a](https://example.com/Note.md)",
        "[a](HTTP://EXAMPLE.COM)",
        "[a](mailto:me@example.com)",
        "[a](//example.com/Note.md)",
        "[a](obsidian://open?vault=x)",
        "[a](#)",
        "[a]()",
    ],
)
def test_external_links_untouched(src: str) -> None:
    assert [token.meta for token in links(src)] == [{}]


def test_lines_in_paragraph_list_table_blockquote() -> None:
    src = (
        "para [a](A.md)\n"  # 0
        "`code\nspan` [b](B.md) [x](https://x.org)\n"  # 1-2
        "\n"
        "- [c](C.md)\n"  # 4
        "  - nested\n"  # 5
        "    [d](D.md#H)\n"  # 6
        "\n"
        "| [e](E.md) |\n"  # 8
        "| --- |\n"
        "| [f](F.md) |\n"  # 10
        "\n"
        "> [g](G.md)\n"  # 12
        "> > [h](H)\n"  # 13
    )
    found = [t.meta["internal"] for t in links(src) if "internal" in t.meta]
    assert [(m["target"], m["line"]) for m in found] == [
        ("A.md", 0),
        ("B.md", 2),
        ("C.md", 4),
        ("D.md", 6),
        ("E.md", 8),
        ("F.md", 10),
        ("G.md", 12),
        ("H", 13),
    ]


def test_link_around_an_image_and_an_embed() -> None:
    [token] = links("text\n[![a](a.png) ![[b.png]]](Note.md#^x)")
    assert token.meta == {"internal": internal("Note.md", line=1, block="x")}


def test_plugin_alone_and_installed_twice() -> None:
    md = MarkdownIt("commonmark").use(mdlinks_plugin).use(mdlinks_plugin)
    [token] = links("a\n[b](B.md)", md)
    assert token.meta == {"internal": internal("B.md", line=1)}
