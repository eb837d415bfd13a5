"""`==highlight==`: fixtures alone and with every Obsidian syntax plugin, and the tokens."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from markdown_it import MarkdownIt
from markdown_it.rules_inline.state_inline import Scanned, StateInline
from markdown_it.utils import read_fixture_file
from mdit_py_plugins.footnote import footnote_plugin
from mdit_py_plugins.front_matter import front_matter_plugin

from hortus.syntax.blockids import blockids_plugin
from hortus.syntax.callouts import callouts_plugin
from hortus.syntax.comments import comments_plugin
from hortus.syntax.highlight import highlight_plugin
from hortus.syntax.tags import tags_plugin

FIXTURES = read_fixture_file(Path(__file__).parent / "fixtures" / "highlight.md")
ALL = (comments_plugin, callouts_plugin, highlight_plugin, tags_plugin, blockids_plugin)


def parser(*plugins: Callable[[MarkdownIt], None]) -> MarkdownIt:
    """The project's base Markdown, with the given Obsidian plugins in that order."""
    md = MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"])
    md.use(front_matter_plugin).use(footnote_plugin)
    for plugin in plugins:
        md.use(plugin)
    return md


def cases(mode: str) -> list[pytest.ParameterSet]:
    """Fixtures titled `[all] ...` need every plugin; `[alone] ...` only this one."""
    skip = "[all]" if mode == "alone" else "[alone]"
    return [
        pytest.param(text, expected, id=f"{line}-{title}")
        for line, title, text, expected in FIXTURES
        if not title.startswith(skip)
    ]


@pytest.mark.parametrize(("text", "expected"), cases("alone"))
def test_alone(text: str, expected: str) -> None:
    assert parser(highlight_plugin).render(text).rstrip() == expected.rstrip()


@pytest.mark.parametrize("order", [ALL, ALL[::-1]], ids=["forward", "reversed"])
@pytest.mark.parametrize(("text", "expected"), cases("together"))
def test_together(text: str, expected: str, order: tuple) -> None:
    assert parser(*order).render(text).rstrip() == expected.rstrip()


def test_tokens() -> None:
    inline = parser(highlight_plugin).parse("a ==b== c")[1]
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
    assert parser(highlight_plugin).render("x ==y==") == "<p>x <mark>y</mark></p>\n"
    assert seen == [2, 5]
