"""Wikilinks: fixture cases (default render rule) and the token contract."""

from __future__ import annotations

from pathlib import Path

import pytest
from markdown_it import MarkdownIt
from markdown_it.token import Token
from markdown_it.utils import read_fixture_file

from hortus.markdown.plugins import embeds_plugin, mdlinks_plugin, wikilinks_plugin

CASES = read_fixture_file(Path(__file__).parents[1] / "fixtures" / "wikilinks.md")


def make_md() -> MarkdownIt:
    md = MarkdownIt("commonmark").enable(["table", "strikethrough"])
    return md.use(wikilinks_plugin).use(embeds_plugin).use(mdlinks_plugin)


def inline_tokens(tokens: list[Token], kind: str) -> list[Token]:
    found = []
    for token in tokens:
        stack = list(token.children or [])
        while stack:
            child = stack.pop(0)
            if child.type == kind:
                found.append(child)
            stack[:0] = child.children or []
    return found


def wikilinks(src: str) -> list[Token]:
    return inline_tokens(make_md().parse(src), "wikilink")


def meta(target: str, line: int = 0, **extra: object) -> dict:
    base = {"target": target, "heading": None, "headings": [], "block": None, "text": None}
    return {**base, "line": line, **extra}


@pytest.mark.parametrize(
    ("line", "title", "src", "expected"), CASES, ids=[f"{c[0]}-{c[1]}" for c in CASES]
)
def test_fixture(line: int, title: str, src: str, expected: str) -> None:
    assert make_md().render(src) == expected


@pytest.mark.parametrize(
    ("src", "expected"),
    [
        ("[[Note]]", meta("Note")),
        ("[[Note|text]]", meta("Note", text="text")),
        ("[[Note#Heading]]", meta("Note", heading="Heading", headings=["Heading"])),
        (
            "[[Note#Heading#Sub]]",
            meta("Note", heading="Sub", headings=["Heading", "Sub"]),
        ),
        ("[[Note#^block-id]]", meta("Note", block="block-id")),
        ("[[#Heading]]", meta("", heading="Heading", headings=["Heading"])),
        ("[[#^id]]", meta("", block="id")),
        ("[[folder/Note]]", meta("folder/Note")),
        ("[[Note.md]]", meta("Note.md")),
        ("[[ Note | text ]]", meta("Note", text="text")),
        ("[[Note|]]", meta("Note")),
        ("[[Note\\|text]]", meta("Note", text="text")),
        ("[[Note#H|a|b]]", meta("Note", heading="H", headings=["H"], text="a|b")),
    ],
)
def test_meta(src: str, expected: dict) -> None:
    [token] = wikilinks(src)
    assert token.meta == expected
    assert token.content == src
    assert token.nesting == 0
    assert token.children is None


def test_one_token_with_source_as_content() -> None:
    src = "see [[Note#Heading|there]] now"
    [paragraph_inline] = [t for t in make_md().parse(src) if t.type == "inline"]
    types = [child.type for child in paragraph_inline.children or []]
    assert types == ["text", "wikilink", "text"]
    assert paragraph_inline.children[1].content == "[[Note#Heading|there]]"


def test_lines_in_a_multiline_paragraph() -> None:
    src = "intro\n\nfirst [[A]]\nsecond `code\nspan` [[B]]\n<span\ntitle=x> [[C|c]] and [[D]]\n"
    assert [(t.meta["target"], t.meta["line"]) for t in wikilinks(src)] == [
        ("A", 2),
        ("B", 4),
        ("C", 6),
        ("D", 6),
    ]


def test_lines_in_a_list() -> None:
    src = "- one [[A]]\n- two\n  continued [[B]]\n\n  para [[C]]\n1. [[D]]\n"
    assert [(t.meta["target"], t.meta["line"]) for t in wikilinks(src)] == [
        ("A", 0),
        ("B", 2),
        ("C", 4),
        ("D", 5),
    ]


def test_lines_and_escaped_pipe_in_a_table() -> None:
    src = "text\n\n| [[H]] | b |\n| --- | --- |\n| [[R1\\|one]] | x |\n| y | [[R2#S\\|two]] |\n"
    tokens = wikilinks(src)
    assert [token.meta for token in tokens] == [
        meta("H", 2),
        meta("R1", 4, text="one"),
        meta("R2", 5, heading="S", headings=["S"], text="two"),
    ]
    # the table rule has already unescaped the pipe
    assert tokens[1].content == "[[R1|one]]"


def test_lines_in_a_blockquote() -> None:
    src = "> quote [[A]]\n> more\n> [[B#^x]]\n>\n> > nested [[C]]\n"
    assert [(t.meta["target"], t.meta["line"]) for t in wikilinks(src)] == [
        ("A", 0),
        ("B", 2),
        ("C", 4),
    ]


def test_lines_in_headings() -> None:
    src = "# Title [[A]]\n\nSetext [[B]]\n===\n"
    assert [(t.meta["target"], t.meta["line"]) for t in wikilinks(src)] == [("A", 0), ("B", 2)]


def test_plugin_alone_and_installed_twice() -> None:
    md = MarkdownIt("commonmark").use(wikilinks_plugin).use(wikilinks_plugin)
    [token] = inline_tokens(md.parse("a\n[[Note]]"), "wikilink")
    assert token.meta["line"] == 1  # not shifted twice
    # without the embeds plugin, `![[x]]` is a `!` and a link
    assert md.render("![[Note]]") == '<p>!<a class="internal" data-target="Note">Note</a></p>\n'


def test_render_rule_can_be_overridden() -> None:
    md = make_md()

    def render(self, tokens, idx, options, env) -> str:
        return f"<{tokens[idx].meta['target']}>"

    md.add_render_rule("wikilink", render)
    assert md.render("[[X]]") == "<p><X></p>\n"
