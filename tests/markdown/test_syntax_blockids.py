"""Block ids (`^id`): fixtures alone and with every Obsidian plugin, and `env["block_ids"]`."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from markdown_it import MarkdownIt
from markdown_it.token import Token

from hortus.markdown.plugins import blockids_plugin
from syntax_harness import ALL, fixture_cases, parser


@pytest.mark.parametrize(("text", "expected"), fixture_cases("blockids.md", "alone"))
def test_alone(text: str, expected: str) -> None:
    assert parser(blockids_plugin).render(text).rstrip() == expected.rstrip()


@pytest.mark.parametrize("order", [ALL, ALL[::-1]], ids=["forward", "reversed"])
@pytest.mark.parametrize(("text", "expected"), fixture_cases("blockids.md", "together"))
def test_together(text: str, expected: str, order: tuple) -> None:
    assert parser(*order).render(text).rstrip() == expected.rstrip()


def ids_of(text: str, *plugins: Callable[[MarkdownIt], None]) -> tuple[list, list[Token]]:
    env: dict[str, Any] = {}
    tokens = parser(*(plugins or (blockids_plugin,))).parse(text, env)
    return env["block_ids"], tokens


def test_env_lists_ids_with_their_tokens() -> None:
    text = "Para ^p\n\n- item ^i\n\n> quote ^q\n\n```\ncode\n```\n^c\n\n| a |\n|---|\n^t\n"
    found, tokens = ids_of(text)
    assert [block_id for block_id, _ in found] == ["p", "i", "q", "c", "t"]
    for block_id, index in found:
        token = tokens[index]
        assert token.nesting == 1
        assert token.attrGet("id") == "^" + block_id
        assert token.meta["block_id"] == block_id
    assert [tokens[i].type for _, i in found] == [
        "paragraph_open",
        "list_item_open",
        "blockquote_open",
        "block_id_open",
        "table_open",
    ]


def test_env_is_empty_without_ids() -> None:
    found, _ = ids_of("Just text.\n")
    assert found == []


def test_indexes_follow_tokens_moved_by_later_rules() -> None:
    """Footnote definitions are moved to the end after inline parsing; indexes still hold."""
    text = "Text[^1] ^top\n\n[^1]: The note. ^in-note\n\nAfter ^bottom\n"
    found, tokens = ids_of(text)
    assert [tokens[i].attrGet("id") for _, i in found] == ["^top", "^bottom", "^in-note"]


def test_ids_are_found_with_every_plugin_in_either_order() -> None:
    text = "> [!note]\n> body ^c\n\nText %%x%% ^after\n"
    for order in (ALL, ALL[::-1]):
        found, tokens = ids_of(text, *order)
        assert [(b, tokens[i].type) for b, i in found] == [
            ("c", "callout_open"),
            ("after", "paragraph_open"),
        ]


def test_the_block_of_an_id_can_be_cut_out() -> None:
    """An embed of `Note#^id` takes the tokens from the id's opening token to its close."""
    found, tokens = ids_of("Intro\n\n```py\nx\n```\n^code\n\nOutro\n")
    ((_, start),) = found
    end = next(i for i in range(start + 1, len(tokens)) if tokens[i].level == tokens[start].level)
    assert [t.type for t in tokens[start : end + 1]] == ["block_id_open", "fence", "block_id_close"]
