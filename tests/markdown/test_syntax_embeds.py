"""Embeds and local images: fixture cases (default render rules) and the token contract."""

from __future__ import annotations

from pathlib import Path

import pytest
from markdown_it import MarkdownIt
from markdown_it.token import Token
from markdown_it.utils import read_fixture_file

from hortus.markdown.plugins import embeds_plugin, mdlinks_plugin, wikilinks_plugin

CASES = read_fixture_file(Path(__file__).parents[1] / "fixtures" / "embeds.md")


def make_md() -> MarkdownIt:
    md = MarkdownIt("commonmark").enable(["table", "strikethrough"])
    return md.use(wikilinks_plugin).use(embeds_plugin).use(mdlinks_plugin)


def inline_tokens(src: str, kind: str, md: MarkdownIt | None = None) -> list[Token]:
    found = []
    for token in (md or make_md()).parse(src):
        stack = list(token.children or [])
        while stack:
            child = stack.pop(0)
            if child.type == kind:
                found.append(child)
            stack[:0] = child.children or []
    return found


def meta(target: str, line: int = 0, **extra: object) -> dict:
    base = {
        "target": target,
        "heading": None,
        "headings": [],
        "block": None,
        "width": None,
        "height": None,
        "modifier": None,
    }
    return {**base, "line": line, **extra}


@pytest.mark.parametrize(
    ("line", "title", "src", "expected"), CASES, ids=[f"{c[0]}-{c[1]}" for c in CASES]
)
def test_fixture(line: int, title: str, src: str, expected: str) -> None:
    assert make_md().render(src) == expected


@pytest.mark.parametrize(
    ("src", "expected"),
    [
        ("![[file.png]]", meta("file.png")),
        ("![[file.png|300]]", meta("file.png", width=300)),
        ("![[file.png|300x200]]", meta("file.png", width=300, height=200)),
        ("![[file.png| 300 x 200 ]]", meta("file.png", width=300, height=200)),
        ("![[file.png|center]]", meta("file.png", modifier="center")),
        ("![[file.png|alt text]]", meta("file.png", modifier="alt text")),
        ("![[file.png|alt text|100]]", meta("file.png", modifier="alt text", width=100)),
        ("![[file.png|300x]]", meta("file.png", modifier="300x")),
        ("![[Note]]", meta("Note")),
        ("![[Note#Heading]]", meta("Note", heading="Heading", headings=["Heading"])),
        ("![[Note#A#B]]", meta("Note", heading="B", headings=["A", "B"])),
        ("![[Note#^block]]", meta("Note", block="block")),
        ("![[#Heading]]", meta("", heading="Heading", headings=["Heading"])),
        ("![[doc.pdf]]", meta("doc.pdf")),
        ("![[doc.pdf#page=3]]", meta("doc.pdf", heading="page=3", headings=["page=3"])),
        ("![[clip.mp4]]", meta("clip.mp4")),
        ("![[song.mp3]]", meta("song.mp3")),
        ("![[board.canvas]]", meta("board.canvas")),
        ("![[Drawing.excalidraw]]", meta("Drawing.excalidraw")),
        ("![[ folder/My Pic.png ]]", meta("folder/My Pic.png")),
        ("![[a.png\\|120]]", meta("a.png", width=120)),
    ],
)
def test_embed_meta(src: str, expected: dict) -> None:
    [token] = inline_tokens(src, "embed")
    assert token.meta == expected
    assert token.content == src
    assert token.nesting == 0
    assert token.children is None


def test_lines_in_paragraph_list_table_blockquote() -> None:
    src = (
        "para\n"  # 0
        "![[A.png]] and\n"  # 1
        "`multi\nline` ![[B]]\n"  # 2-3
        "\n"
        "- item\n"  # 5
        "  ![[C#H]]\n"  # 6
        "\n"
        "| x |\n"  # 8
        "| - |\n"
        "| ![[D.png\\|40]] |\n"  # 10
        "\n"
        "> quote\n"  # 12
        "> ![[E]]\n"  # 13
    )
    assert [(t.meta["target"], t.meta["line"]) for t in inline_tokens(src, "embed")] == [
        ("A.png", 1),
        ("B", 3),
        ("C", 6),
        ("D.png", 10),
        ("E", 13),
    ]


@pytest.mark.parametrize(
    ("src", "expected"),
    [
        (
            "![alt](img/a.png)",
            {"local": True, "path": "img/a.png", "width": None, "height": None},
        ),
        ("![alt|200](a.png)", {"local": True, "path": "a.png", "width": 200, "height": None}),
        ("![200x100](a.png)", {"local": True, "path": "a.png", "width": 200, "height": 100}),
        (
            "![a](<my pic.png>)",
            {"local": True, "path": "my pic.png", "width": None, "height": None},
        ),
        (
            "![a](%E5%9B%BE/%E7%89%87.png#x)",
            {"local": True, "path": "图/片.png", "width": None, "height": None},
        ),
        ("![a](../up.png)", {"local": True, "path": "../up.png", "width": None, "height": None}),
        (
            "![a|64](https://example.com/a.png)",
            {"local": False, "width": 64, "height": None},
        ),
        (
            "![a](/static/a.png)",
            {"local": True, "path": "/static/a.png", "width": None, "height": None},
        ),
        ("![a](//cdn.example.com/a.png)", {"local": False, "width": None, "height": None}),
        ("![a](#frag)", {"local": False, "width": None, "height": None}),
        ("![a](data:image/png;base64,AA==)", {"local": False, "width": None, "height": None}),
    ],
)
def test_image_meta(src: str, expected: dict) -> None:
    [token] = inline_tokens(src, "image")
    assert token.meta == {**expected, "line": 0}


def test_image_size_leaves_the_alt_text() -> None:
    [token] = inline_tokens("![**an** alt |200x100](a.png)", "image")
    assert token.content == "**an** alt"
    assert [(c.type, c.content) for c in token.children or []][-1] == ("text", " alt ")
    assert token.attrs == {"src": "a.png", "alt": "", "width": "200", "height": "100"}


def test_image_lines() -> None:
    src = "# T\n\ntext\n![a](a.png) ![b](b.png)\n\n> ![c](c.png)\n"
    assert [t.meta["line"] for t in inline_tokens(src, "image")] == [3, 3, 5]


def test_plugin_alone_and_installed_twice() -> None:
    md = MarkdownIt("commonmark").use(embeds_plugin).use(embeds_plugin)
    [token] = inline_tokens("x\n![[a.png|10]]", "embed", md)
    assert token.meta["line"] == 1  # not shifted twice
    [image] = inline_tokens("x\n\n![a](a.png)", "image", md)
    assert image.meta["line"] == 2
    # without the wikilinks plugin `[[Note]]` is text
    assert md.render("[[Note]]") == "<p>[[Note]]</p>\n"
