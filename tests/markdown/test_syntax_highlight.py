"""`==highlight==`: fixtures alone and with every Obsidian syntax plugin, and the tokens."""

from __future__ import annotations

import pytest
from markdown_it.rules_inline.state_inline import Scanned, StateInline

from hortus.markdown.plugins import mark_plugin
from syntax_harness import ALL, fixture_cases, parser


@pytest.mark.parametrize(("text", "expected"), fixture_cases("highlight.md", "alone"))
def test_alone(text: str, expected: str) -> None:
    assert parser(mark_plugin).render(text).rstrip() == expected.rstrip()


@pytest.mark.parametrize("order", [ALL, ALL[::-1]], ids=["forward", "reversed"])
@pytest.mark.parametrize(("text", "expected"), fixture_cases("highlight.md", "together"))
def test_together(text: str, expected: str, order: tuple) -> None:
    assert parser(*order).render(text).rstrip() == expected.rstrip()


def test_tokens() -> None:
    inline = parser(mark_plugin).parse("a ==b== c")[1]
    kinds = [(t.type, t.tag, t.markup, t.nesting) for t in inline.children or []]
    assert kinds == [
        ("text", "", "", 0),
        ("mark_open", "mark", "==", 1),
        ("text", "", "", 0),
        ("mark_close", "mark", "==", -1),
        ("text", "", "", 0),
    ]


def test_uses_scan_delims_of_the_state(monkeypatch: pytest.MonkeyPatch) -> None:
    """A plugin that replaces `scanDelims` (CJK-friendly flanking) decides for `==` too."""
    original = StateInline.scanDelims
    seen: list[int] = []

    def spy(self: StateInline, start: int, can_split_word: bool) -> Scanned:
        seen.append(start)
        return original(self, start, can_split_word)

    monkeypatch.setattr(StateInline, "scanDelims", spy)
    assert parser(mark_plugin).render("x ==y==") == "<p>x <mark>y</mark></p>\n"
    assert seen == [2, 5]
