"""The nesting guard: its own plugin, installed by the project's parser, not by callouts."""

from __future__ import annotations

import pytest

from hortus.markdown import make_parser
from hortus.markdown.plugins import callouts_plugin, nesting_plugin
from syntax_harness import parser

DEEP = {
    "quotes": (">" * 200 + " the deepest quote\n", "the deepest quote"),
    "lists": ("- " * 200 + "the deepest item\n", "the deepest item"),
    "callouts": ("".join("> " * i + f"[!note] level {i}\n" for i in range(1, 60)), "level 59"),
}


def guarded(md) -> bool:
    return bool(getattr(md.block.tokenize, "keeps_deep_blocks", False))


def test_callouts_no_longer_install_the_guard() -> None:
    assert not guarded(parser(callouts_plugin))
    assert guarded(parser(nesting_plugin))
    assert guarded(make_parser())


def test_installing_twice_wraps_once() -> None:
    md = parser(nesting_plugin)
    once = md.block.tokenize
    md.use(nesting_plugin)
    assert md.block.tokenize is once


@pytest.mark.parametrize("name", sorted(DEEP))
def test_project_parser_keeps_the_deepest_text(name: str) -> None:
    source, deepest = DEEP[name]
    env: dict = {}
    html = make_parser().render(source + "\nafter\n", env)
    assert deepest in html and "after" in html
    assert env["too_deep"], "the deep lines are listed for the link stage to report"


def test_the_guard_alone_keeps_deep_lists_without_callouts() -> None:
    source, deepest = DEEP["lists"]
    assert deepest not in parser().render(source)  # markdown-it alone drops it
    assert deepest in parser(nesting_plugin).render(source)
