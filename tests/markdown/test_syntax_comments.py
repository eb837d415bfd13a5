"""`%%comments%%`: fixtures alone and with every Obsidian syntax plugin, and no leaks.

Every fixture that writes `SECRET` inside a comment is also checked beyond its HTML: no
token (block or inline, at any depth, in content, attributes or meta) and nothing in
`env` may hold it, since search indexes and excerpts are built from tokens.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest
from markdown_it.token import Token

from hortus.markdown.plugins import comments_plugin, strip_comments
from syntax_harness import ALL, fixture_cases, fixtures, parser

FIXTURES = fixtures("comments.md")


def secret_cases() -> list[Any]:
    return [
        pytest.param(text, id=f"{line}-{title}")
        for line, title, text, _ in FIXTURES
        if "SECRET" in text
    ]


@pytest.mark.parametrize(("text", "expected"), fixture_cases("comments.md", "alone"))
def test_alone(text: str, expected: str) -> None:
    assert parser(comments_plugin).render(text).rstrip() == expected.rstrip()


@pytest.mark.parametrize("order", [ALL, ALL[::-1]], ids=["forward", "reversed"])
@pytest.mark.parametrize(("text", "expected"), fixture_cases("comments.md", "together"))
def test_together(text: str, expected: str, order: tuple) -> None:
    assert parser(*order).render(text).rstrip() == expected.rstrip()


def strings(tokens: list[Token] | None) -> Iterator[str]:
    """Every string a token carries, at any depth."""
    for token in tokens or ():
        yield from (token.content, token.markup, token.info)
        yield from (str(v) for v in (token.attrs or {}).values())
        yield repr(token.meta)
        yield from strings(token.children)


@pytest.mark.parametrize(
    "plugins", [(comments_plugin,), ALL, ALL[::-1]], ids=["alone", "forward", "reversed"]
)
@pytest.mark.parametrize("text", secret_cases())
def test_secrets_never_leak(text: str, plugins: tuple) -> None:
    md = parser(*plugins)
    env: dict[str, Any] = {}
    tokens = md.parse(text, env)
    assert "SECRET" not in md.renderer.render(tokens, md.options, env)
    assert not [s for s in strings(tokens) if "SECRET" in s]
    assert "SECRET" not in repr(env)


def test_no_comment_tokens_are_left() -> None:
    md = parser(comments_plugin)
    tokens = md.parse("a %%b%% c\n\n%%\nd\n%%\n\ne %%f\n\ng%% h\n\n%%\nopen")
    kinds = {t.type for t in tokens} | {c.type for t in tokens for c in t.children or ()}
    assert not {k for k in kinds if "comment" in k}


def test_inline_content_is_scrubbed() -> None:
    tokens = parser(comments_plugin).parse("visible %%hidden%% `%%code%%` %%open")
    assert tokens[1].content == "visible  `%%code%%`"


def test_source_lines_of_later_blocks_are_kept() -> None:
    tokens = parser(comments_plugin).parse("%%\na\n\nb\n%%\n\nafter\n")
    assert [(t.type, t.map) for t in tokens if t.block and t.nesting == 1] == [
        ("paragraph_open", [6, 7])
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("no comment", "no comment"),
        ("a %%b%% c", "a  c"),
        ("a %%b", "a "),
        ("`%%` %%x%%", "`%%` "),
        ("``a ` %%`` b %%c%%", "``a ` %%`` b "),
        ("\\%%a%% b%%", "\\%%a"),
        ("%%%x%%y", "y"),
    ],
)
def test_strip_comments(text: str, expected: str) -> None:
    assert strip_comments(text) == expected


def test_many_block_comments_stay_fast() -> None:
    """Each `%%` line looks back over the note; that must not turn quadratic in practice."""
    text = "".join(
        f"Paragraph {i} with `code` and text.\n\n%%\nnote {i}\n%%\n\n" for i in range(2000)
    )
    start = time.perf_counter()
    html = parser(comments_plugin).render(text)
    assert time.perf_counter() - start < 5
    assert "note" not in html and html.count("<p>") == 2000
