"""`#tags`: fixtures alone and with every Obsidian syntax plugin, and the token contract."""

from __future__ import annotations

import pytest

from hortus.markdown.plugins import is_tag_char, tags_plugin
from syntax_harness import ALL, fixture_cases, parser


@pytest.mark.parametrize(("text", "expected"), fixture_cases("tags.md", "alone"))
def test_alone(text: str, expected: str) -> None:
    assert parser(tags_plugin).render(text).rstrip() == expected.rstrip()


@pytest.mark.parametrize("order", [ALL, ALL[::-1]], ids=["forward", "reversed"])
@pytest.mark.parametrize(("text", "expected"), fixture_cases("tags.md", "together"))
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
