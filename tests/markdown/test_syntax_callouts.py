"""Callouts: fixtures alone and with every Obsidian syntax plugin, and the token contract."""

from __future__ import annotations

from pathlib import Path

import pytest

from hortus.markdown.plugins import callouts_plugin, default_title
from syntax_harness import ALL, fixture_cases, parser


@pytest.mark.parametrize(("text", "expected"), fixture_cases("callouts.md", "alone"))
def test_alone(text: str, expected: str) -> None:
    assert parser(callouts_plugin).render(text).rstrip() == expected.rstrip()


@pytest.mark.parametrize("order", [ALL, ALL[::-1]], ids=["forward", "reversed"])
@pytest.mark.parametrize(("text", "expected"), fixture_cases("callouts.md", "together"))
def test_together(text: str, expected: str, order: tuple) -> None:
    assert parser(*order).render(text).rstrip() == expected.rstrip()


def test_tokens() -> None:
    text = "> [!Warning|wide]- Be *careful*\n> body\n"
    tokens = parser(callouts_plugin).parse(text)
    assert [(t.type, t.tag, t.level) for t in tokens] == [
        ("callout_open", "details", 0),
        ("callout_title_open", "summary", 1),
        ("inline", "", 2),
        ("callout_title_close", "summary", 1),
        ("callout_content_open", "div", 1),
        ("paragraph_open", "p", 2),
        ("inline", "", 3),
        ("paragraph_close", "p", 2),
        ("callout_content_close", "div", 1),
        ("callout_close", "details", 0),
    ]
    opening = tokens[0]
    assert opening.meta == {
        "type": "warning",
        "fold": "-",
        "title": "Be *careful*",
        "metadata": "wide",
    }
    assert opening.attrs == {
        "class": "callout",
        "data-callout": "warning",
        "data-callout-metadata": "wide",
    }
    assert opening.map == [0, 2]
    assert tokens[2].content == "Be *careful*"
    assert tokens[2].map == [0, 1]
    assert tokens[6].content == "body"
    assert tokens[6].map == [1, 2]


def test_default_title_meta_is_none() -> None:
    tokens = parser(callouts_plugin).parse("> [!tldr]\n")
    assert tokens[0].meta["title"] is None
    assert tokens[2].children and tokens[2].children[0].content == "Tldr"


@pytest.mark.parametrize(
    ("written", "title"),
    [("note", "Note"), ("NOTE", "Note"), ("tldr", "Tldr"), ("def", "Def"), ("my-type", "My-type")],
)
def test_default_title(written: str, title: str) -> None:
    assert default_title(written) == title


def test_every_type_and_alias_has_a_style() -> None:
    css = (Path(__file__).parents[2] / "theme" / "static" / "callouts.css").read_text("utf-8")
    aliases = {
        "abstract": ["summary", "tldr"],
        "info": [],
        "todo": [],
        "tip": ["hint", "important"],
        "success": ["check", "done"],
        "question": ["help", "faq"],
        "warning": ["caution", "attention"],
        "failure": ["fail", "missing"],
        "danger": ["error"],
        "bug": [],
        "example": [],
        "quote": ["cite"],
    }
    for name in [*aliases, *(a for names in aliases.values() for a in names)]:
        assert f'.callout[data-callout="{name}"]' in css, name
    assert "url(http" not in css and "@import" not in css  # nothing fetched
    assert ':root[data-theme="dark"]' in css
    assert ':root:not([data-theme="light"])' in css
