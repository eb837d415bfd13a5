"""`@fig-label`: fixtures alone and with every Obsidian syntax plugin, and the token contract."""

from __future__ import annotations

import pytest

from hortus.markdown.plugins import crossrefs_plugin
from syntax_harness import ALL, fixture_cases, parser


@pytest.mark.parametrize(("text", "expected"), fixture_cases("crossrefs.md", "alone"))
def test_alone(text: str, expected: str) -> None:
    assert parser(crossrefs_plugin).render(text).rstrip() == expected.rstrip()


@pytest.mark.parametrize("order", [ALL, ALL[::-1]], ids=["forward", "reversed"])
@pytest.mark.parametrize(("text", "expected"), fixture_cases("crossrefs.md", "together"))
def test_together(text: str, expected: str, order: tuple) -> None:
    md = parser(*order, crossrefs_plugin)
    assert md.render(text).rstrip() == expected.rstrip()


def test_token() -> None:
    inline = parser(crossrefs_plugin).parse("see @Fig-a-1.")[1]
    refs = [t for t in inline.children or [] if t.type == "crossref"]
    assert [(t.content, t.meta) for t in refs] == [("@Fig-a-1", {"label": "fig-a-1"})]
    assert [t.content for t in inline.children or [] if t.type == "text"] == ["see ", "."]
