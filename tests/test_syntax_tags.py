"""`#tags`: fixtures alone and with every Obsidian syntax plugin, and the token contract."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from markdown_it import MarkdownIt
from markdown_it.utils import read_fixture_file
from mdit_py_plugins.footnote import footnote_plugin
from mdit_py_plugins.front_matter import front_matter_plugin

from hortus.syntax.blockids import blockids_plugin
from hortus.syntax.callouts import callouts_plugin
from hortus.syntax.comments import comments_plugin
from hortus.syntax.highlight import highlight_plugin
from hortus.syntax.tags import is_tag_char, tag_url, tags_plugin

FIXTURES = read_fixture_file(Path(__file__).parent / "fixtures" / "tags.md")
ALL = (comments_plugin, callouts_plugin, highlight_plugin, tags_plugin, blockids_plugin)


def parser(*plugins: Callable[[MarkdownIt], None]) -> MarkdownIt:
    """The project's base Markdown, with the given Obsidian plugins in that order."""
    md = MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"])
    md.use(front_matter_plugin).use(footnote_plugin)
    for plugin in plugins:
        md.use(plugin)
    return md


def cases(mode: str) -> list[Any]:
    """Fixtures titled `[all] ...` need every plugin; `[alone] ...` only this one."""
    skip = "[all]" if mode == "alone" else "[alone]"
    return [
        pytest.param(text, expected, id=f"{line}-{title}")
        for line, title, text, expected in FIXTURES
        if not title.startswith(skip)
    ]


@pytest.mark.parametrize(("text", "expected"), cases("alone"))
def test_alone(text: str, expected: str) -> None:
    assert parser(tags_plugin).render(text).rstrip() == expected.rstrip()


@pytest.mark.parametrize("order", [ALL, ALL[::-1]], ids=["forward", "reversed"])
@pytest.mark.parametrize(("text", "expected"), cases("together"))
def test_together(text: str, expected: str, order: tuple) -> None:
    assert parser(*order).render(text).rstrip() == expected.rstrip()


def test_token() -> None:
    inline = parser(tags_plugin).parse("see #Nested/Tag-1 now")[1]
    tags = [t for t in inline.children or [] if t.type == "tag"]
    assert len(tags) == 1
    assert (tags[0].content, tags[0].markup, tags[0].meta) == (
        "#Nested/Tag-1",
        "#",
        {"tag": "Nested/Tag-1"},
    )
    assert [t.content for t in inline.children or [] if t.type == "text"] == ["see ", " now"]


def test_every_tag_of_a_note() -> None:
    text = "#a in text\n\n- #b/c item\n\n| #d |\n|---|\n\n# Title #e\n\n`#no` #123 x#no"
    found = [
        child.meta["tag"]
        for token in parser(tags_plugin).parse(text)
        for child in token.children or ()
        if child.type == "tag"
    ]
    assert found == ["a", "b/c", "d", "e"]


@pytest.mark.parametrize(
    ("char", "allowed"),
    [
        ("a", True),
        ("é", True),
        ("中", True),
        ("٣", True),
        ("_", True),
        ("-", True),
        ("/", True),
        ("\u0301", True),
        ("🌱", True),
        (".", False),
        (",", False),
        ("#", False),
        (" ", False),
        ("'", False),
        ("(", False),
        ("&", False),
    ],
)
def test_tag_characters(char: str, allowed: bool) -> None:
    assert is_tag_char(char) is allowed


def test_tag_url() -> None:
    assert tag_url("Nested/Tag") == "/tags/nested/tag/"
    assert tag_url("标签") == "/tags/标签/"
