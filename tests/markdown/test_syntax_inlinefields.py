"""Dataview's inline fields and inline queries: fixtures alone and with every Obsidian
syntax plugin, the tokens, and the fields a note records."""

from __future__ import annotations

import pytest

from hortus.markdown import FIELDS, InlineField, make_parser
from hortus.markdown.plugins import inlinefields_plugin
from syntax_harness import ALL, fixture_cases, parser


@pytest.mark.parametrize(("text", "expected"), fixture_cases("inlinefields.md", "alone"))
def test_alone(text: str, expected: str) -> None:
    assert parser(inlinefields_plugin).render(text).rstrip() == expected.rstrip()


@pytest.mark.parametrize("order", [ALL, ALL[::-1]], ids=["forward", "reversed"])
@pytest.mark.parametrize(("text", "expected"), fixture_cases("inlinefields.md", "together"))
def test_together(text: str, expected: str, order: tuple) -> None:
    md = parser(*order, inlinefields_plugin)
    assert md.render(text).rstrip() == expected.rstrip()


def test_tokens() -> None:
    inline = parser(inlinefields_plugin).parse("a [k:: v] `= x + 1`")[1]
    kinds = [(t.type, t.content, t.meta) for t in inline.children or []]
    assert kinds == [
        ("text", "a ", {}),
        ("inline_field_open", "", {"key": "k", "wrapping": "["}),
        ("text", "v", {}),
        ("inline_field_close", "", {}),
        ("text", " ", {}),
        ("inline_query", "x + 1", {"line": 0}),
    ]


def fields_of(text: str) -> list[InlineField]:
    env: dict = {}
    make_parser().parse(text, env)
    return env[FIELDS]


def test_every_field_of_a_note_is_recorded_with_its_line() -> None:
    text = (
        "---\ntitle: x\n---\n# Movie X\n\n**Thoughts**:: It was decent.\nRating:: 6\n\n"
        "[mood:: okay] | [length:: 2 hours]\n\n- [ ] Send mail [due:: 2022-04-05] 🗓️2022-04-06\n"
        "\n```\ncode:: not a field\n```\n"
    )
    assert fields_of(text) == [
        InlineField("Thoughts", "It was decent.", 5, ""),
        InlineField("Rating", "6", 6, ""),
        InlineField("mood", "okay", 8, "["),
        InlineField("length", "2 hours", 8, "["),
        InlineField("due", "2022-04-05", 10, "["),
        InlineField("due", "2022-04-06", 10, "emoji"),
    ]


def test_a_field_value_holds_links() -> None:
    inline = make_parser().parse("[author:: [[Jane Doe]]]", {})[1]
    types = [t.type for t in inline.children or []]
    assert types == ["inline_field_open", "wikilink", "inline_field_close"]
