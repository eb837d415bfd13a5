"""Links in what a Dataview query shows, on the built page: `[[wikilinks]]` written in a
text value lead to their notes (from the note holding the query), an unpublished or missing
note is only its written name, and `elink()` is a link off the site."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import article, run_hortus, visible_text

SPELL = """---
description: The target is [[Stunned]] and **dazed**, then [[Stunned|alias]], [[Hidden Lair]], \
[[Hidden Lair|the lair]], [[Nowhere]] and ![[Stunned]].
---
Inline: `=this.description`

```dataview
TABLE description FROM "" WHERE file.name = "Spell"
```

```dataview
TABLE elink("https://example.com/page", "go") AS Web, elink("javascript:alert(1)", "bad") AS Bad, \
"a [site](https://example.org/x) and [a path](Stunned)" AS Text FROM "" WHERE file.name = "Spell"
```
"""
HIDDEN = "---\npublish: false\ntitle: Quietplace Keep\n---\nThe vault key is zanzibar-77.\n"
SETTINGS = 'publish = "all"'
STUNNED_LINK = '<a class="internal" href="../stunned/">Stunned</a>'


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, Path]:
    """The note body of Spell's page, and the site's folder: one build for every test."""
    project = tmp_path_factory.mktemp("site")
    files = {"Spell.md": SPELL, "Stunned.md": "Cannot act.\n", "Hidden Lair.md": HIDDEN}
    for name, text in files.items():
        (project / "notes").mkdir(exist_ok=True)
        (project / "notes" / name).write_text(text, encoding="utf-8")
    (project / "pyproject.toml").write_text(f"[tool.hortus]\n{SETTINGS}\n", encoding="utf-8")
    run = run_hortus("build", cwd=project)
    assert run.returncode == 0, run.stderr
    page = (project / "public" / "spell" / "index.html").read_text(encoding="utf-8")
    return article(page).split('<div class="note-body">', 1)[1], project / "public"


def test_a_wikilink_in_a_text_value_links_its_note_inline_and_in_a_table(
    built: tuple[str, Path],
) -> None:
    page, _ = built
    inline = page.split('<span class="query-inline">', 1)[1].split("</span></p>", 1)[0]
    cell = page.split('<table class="query-table">', 1)[1].split("</table>", 1)[0]
    for shown in (inline, cell):
        assert f"The target is {STUNNED_LINK} and <strong>dazed</strong>" in shown
        assert '<a class="internal" href="../stunned/">alias</a>' in shown
        assert '<span class="broken-link">Nowhere</span>' in shown
        assert "and Stunned." in shown  # an embed is shown as its name, not embedded
    assert "[[" not in page and "]]" not in visible_text(page)


def test_a_link_to_an_unpublished_note_shows_only_its_written_name(built: tuple[str, Path]) -> None:
    page, out = built
    assert page.count('<span class="broken-link">Hidden Lair</span>') == 2
    assert page.count('<span class="broken-link">the lair</span>') == 2
    for path in out.rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            for secret in (b"Quietplace", b"zanzibar", b"hidden-lair", b"Hidden%20Lair"):
                assert secret not in data, (path, secret)


def test_elink_and_web_links_in_text_are_external_links(built: tuple[str, Path]) -> None:
    page, _ = built
    assert '<a class="external" href="https://example.com/page" rel="noopener">go</a>' in page
    assert 'class="internal" href="https://' not in page
    assert "javascript:" not in page and "<td>bad</td>" in page
    assert 'href="https://example.org/x" class="external" rel="noopener">site</a>' in page
    # A Markdown link by path is not resolved in a query value: its text, not a dead link.
    assert "and a path</td>" in page and 'href="Stunned"' not in page


def test_a_query_link_into_a_heading_or_block_lands_on_it(build_vault) -> None:
    notes = {
        "Stunned.md": "# Stunned\n\n## Effects\n\nYou lose a turn. ^turn\n",
        "Spell.md": (
            '---\nsee: "[[Stunned#Effects]]"\nnote: The target is [[Stunned#^turn|stunned]].\n'
            "---\nInline: `=this.note`\n\n"
            '```dataview\nTABLE see FROM "" WHERE file.name = "Spell"\n```\n'
        ),
    }
    run = build_vault(notes, settings='publish = "all"')
    assert run.code == 0, run.stderr
    page = article(run.page("/spell/"))
    table = page[page.index('<div class="query query-dataview">') :]
    inline = page[page.index('<span class="query-inline">') :]
    assert 'href="../stunned/#effects"' in table.split("</table>")[0]
    assert 'href="../stunned/#^turn"' in inline.split("</span>")[0]
    assert 'id="effects"' in run.page("/stunned/")
