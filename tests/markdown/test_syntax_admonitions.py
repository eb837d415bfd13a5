"""Admonition-plugin blocks: the fixtures, the token contract, and a built page."""

from __future__ import annotations

import pytest

from hortus.markdown.plugins import admonitions_plugin, callouts_plugin
from syntax_harness import ALL, fixture_cases, parser


@pytest.mark.parametrize(("text", "expected"), fixture_cases("admonitions.md", "alone"))
def test_alone(text: str, expected: str) -> None:
    assert parser(callouts_plugin, admonitions_plugin).render(text).rstrip() == expected.rstrip()


@pytest.mark.parametrize(("text", "expected"), fixture_cases("admonitions.md", "together"))
def test_together(text: str, expected: str) -> None:
    md = parser(*ALL, admonitions_plugin)
    assert md.render(text).rstrip() == expected.rstrip()


def test_tokens_are_a_callouts() -> None:
    text = "```ad-info\ntitle: T\nbody\n```\n"
    tokens = parser(callouts_plugin, admonitions_plugin).parse(text)
    assert [(t.type, t.tag, t.level) for t in tokens] == [
        ("callout_open", "div", 0),
        ("callout_title_open", "div", 1),
        ("inline", "", 2),
        ("callout_title_close", "div", 1),
        ("callout_content_open", "div", 1),
        ("paragraph_open", "p", 2),
        ("inline", "", 3),
        ("paragraph_close", "p", 2),
        ("callout_content_close", "div", 1),
        ("callout_close", "div", 0),
    ]
    assert tokens[0].meta == {
        "type": "info", "fold": "", "title": "T", "metadata": None, "admonition": True,
    }  # fmt: skip
    assert tokens[0].map == [0, 4]
    assert tokens[6].map == [2, 3]  # the body's own line, for links and warnings


def test_admonition_body_links_math_and_nested_callouts_on_a_page(build_vault) -> None:
    run = build_vault(
        {
            "Maths.md": (
                "---\ndg-publish: true\n---\n"
                "```ad-theorem\ntitle: Pythagoras\n"
                "For a right triangle $a^2+b^2=c^2$, see [[Proof]].\n\n"
                "> [!note] Inside\n> nested\n```\n"
            ),
            "Proof.md": "---\ndg-publish: true\n---\nQED.\n",
        }
    )
    assert run.code == 0, run.stderr
    page = run.page("/maths/")
    assert 'data-callout="theorem"' in page and "Pythagoras" in page
    assert 'class="katex"' in page
    assert 'href="../proof/"' in page
    assert 'data-callout="note"' in page and "nested" in page
    assert "Maths" in run.page("/proof/")  # a link from inside the block is a backlink
