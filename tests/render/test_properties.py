"""The properties view: a note's frontmatter at the top of its page, typed as Obsidian types
it, with links in it as links and backlinks, hortus's own keys hidden, and settings to hide
more or all of it."""

from __future__ import annotations

import re

from conftest import article

NOTE = """---
dg-publish: true
title: Reading list
aliases: [Books]
related: "[[Target|the target]]"
secret: "[[Hidden|a private note]]"
up:
  - "[[Target]]"
  - see https://example.org/x
rating: 4.5
pages: 320
done: true
due: 2024-05-01
started: 2024-05-01T10:30:00
empty:
tags: [books]
cssclasses: wide
permalink: /reading/
dg-home: false
timeout: 30
---
Body.
"""
FILES = {
    "Reading.md": NOTE,
    "Target.md": "---\ndg-publish: true\n---\nThe target.\n",
    "Hidden.md": "never published\n",
}


def rows(html: str) -> dict[str, tuple[str, str]]:
    """key -> (type, the value's HTML) of each row of the properties view."""
    found = re.findall(
        r'<div class="property" data-type="([a-z]+)">\s*<dt>([^<]*)</dt>\s*<dd>(.*?)</dd>',
        html,
        re.S,
    )
    return {key: (kind, value.strip()) for kind, key, value in found}


def test_each_type_is_shown_as_obsidian_shows_it(build_vault) -> None:
    run = build_vault(FILES)
    assert run.code == 0, run.stderr
    view = rows(article(run.page("/reading/")))
    assert list(view) == [
        "aliases", "related", "secret", "up", "rating", "pages", "done", "due", "started",
        "empty",
    ]  # fmt: skip
    assert view["aliases"] == ("list", '<span class="property-value">Books</span>')
    assert view["related"][1] == (
        '<span class="property-value"><a class="internal" href="../target/">the target</a></span>'
    )
    assert view["rating"] == ("number", '<span class="property-value">4.5</span>')
    assert view["done"][0] == "checkbox" and "checked" in view["done"][1]
    assert view["due"] == ("date", '<time datetime="2024-05-01">2024-05-01</time>')
    assert view["started"][0] == "datetime" and "2024-05-01 10:30" in view["started"][1]
    assert 'href="https://example.org/x"' in view["up"][1]
    assert view["up"][1].count('class="property-value"') == 2
    assert view["empty"][0] == "empty"


def test_a_link_in_a_property_is_a_backlink_and_a_private_one_is_plain_text(build_vault) -> None:
    run = build_vault(FILES)
    target = run.page("/target/")
    assert re.search(r'class="backlinks".*href="../reading/">Reading list</a>', target, re.S)
    secret = rows(article(run.page("/reading/")))["secret"][1]
    assert secret == (
        '<span class="property-value"><span class="broken-link">a private note</span></span>'
    )
    assert "Reading.md:6: warning: link to an unpublished note" in run.stderr
    assert not list(run.out.rglob("hidden*"))


def test_hortus_keys_and_chosen_keys_are_hidden(build_vault) -> None:
    run = build_vault(FILES, settings='hide-properties = ["rating", "Due"]')
    view = rows(article(run.page("/reading/")))
    for key in ("rating", "due", "title", "tags", "cssclasses", "permalink", "dg-home", "timeout"):
        assert key not in view
    assert "pages" in view
    # A hidden property's link still counts, as it does in Obsidian.
    assert "Reading list" in run.page("/target/")


def test_the_view_can_be_turned_off(build_vault) -> None:
    run = build_vault(FILES, settings="properties = false")
    page = run.page("/reading/")
    assert 'class="properties"' not in page and "properties." not in page
    bad = build_vault(FILES, settings="hide-properties = [1]")
    assert bad.code == 1
    assert "[tool.hortus] hide-properties must be a list of keys" in bad.stderr


def test_a_note_without_properties_has_no_view(build_vault) -> None:
    run = build_vault({"Bare.md": "---\ndg-publish: true\ntags: [x]\n---\nText.\n"})
    page = run.page("/bare/")
    assert 'class="properties"' not in page and "properties." not in page
