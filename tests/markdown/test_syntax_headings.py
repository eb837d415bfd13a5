"""Heading ids: the slug of the heading's text, unique in the note, and never empty."""

from __future__ import annotations

import re

from hortus.markdown import make_parser


def ids(text: str) -> list[str]:
    return re.findall(r'<h\d id="([^"]*)"', make_parser().render(text))


def test_ids_are_slugs_made_unique() -> None:
    assert ids("# Intro\n\n## Intro\n\n### `code` span\n\n# 梯度 下降\n") == [
        "intro",
        "intro-1",
        "code-span",
        "梯度-下降",
    ]


def test_heading_of_only_an_inline_query_is_named_from_its_source() -> None:
    assert ids("# `=this.file.name`\n\n## `=this.file.name`\n") == [
        "thisfilename",
        "thisfilename-1",
    ]


def test_heading_with_nothing_to_slug_falls_back_to_heading_made_unique() -> None:
    assert ids("# 🌱\n\n# Heading\n\n## ✨\n") == ["heading", "heading-1", "heading-2"]


def test_built_page_has_no_empty_heading_id(build_vault) -> None:
    run = build_vault(
        {"Session.md": "# `=this.file.name`\n\n# 🌱\n\ntext\n"}, settings='publish = "all"'
    )
    assert run.code == 0, run.stderr
    html = run.page("/session/")
    assert 'id=""' not in html
    assert '<h1 id="thisfilename"><span class="query-inline">Session</span></h1>' in html
    assert '<h1 id="heading">🌱</h1>' in html
