"""Frontmatter that cannot be read: the note is kept as if it had no properties, as Obsidian
keeps it, and a publish flag inside it is never guessed."""

from __future__ import annotations

from conftest import article, visible_text
from hortus.diagnostics import Diagnostics
from hortus.vault import parse_frontmatter

TEMPLATE = "---\ncreated: {{date}}\ntags: [x]\n---\nBody of the template.\n"
IGNORED = "the properties could not be read and are ignored"


def test_template_with_broken_yaml_is_published_without_its_properties(build_vault) -> None:
    run = build_vault(
        {"Home.md": "See [[Tpl]].\n", "Templates/Tpl.md": TEMPLATE}, settings='publish = "all"'
    )
    assert run.code == 0, run.stderr
    assert (
        "Templates/Tpl.md:2: warning: invalid YAML frontmatter (found unhashable key); "
        f"{IGNORED}\n" in run.stderr
    )
    assert "unpublished" not in run.stderr
    body = article(run.page("/templates/tpl/"))
    assert "Body of the template." in visible_text(body)
    assert "{{date}}" not in body and "created" not in body
    assert 'href="templates/tpl/"' in article(run.page("/"))


def test_broken_yaml_under_opt_in_stays_unpublished(build_vault) -> None:
    run = build_vault({"Home.md": "---\ndg-publish: true\n---\nSee [[Tpl]].\n", "Tpl.md": TEMPLATE})
    assert run.code == 0, run.stderr
    assert (
        f"Tpl.md:2: warning: invalid YAML frontmatter (found unhashable key); {IGNORED}\n"
        in run.stderr
    )
    assert not (run.out / "tpl").exists()
    assert b"Body of the template" not in b"".join(
        p.read_bytes() for p in run.out.rglob("*") if p.is_file()
    )


def test_broken_yaml_holding_a_publish_flag_is_never_published(build_vault) -> None:
    run = build_vault(
        {
            "Home.md": "home\n",
            "Off.md": "---\npublish: false\ncreated: {{date}}\n---\nSECRET-OFF\n",
            "Draft.md": "---\n{draft: true, created: {{date}}}\n---\nSECRET-DRAFT\n",
        },
        settings='publish = "all"',
    )
    assert run.code == 0, run.stderr
    assert "Off.md:3: warning: invalid YAML frontmatter" in run.stderr
    assert "and the note is not published (its publish flag is among them)" in run.stderr
    everything = b"".join(p.read_bytes() for p in run.out.rglob("*") if p.is_file())
    assert b"SECRET" not in everything
    assert not (run.out / "off").exists() and not (run.out / "draft").exists()


def test_strict_build_fails_on_unreadable_frontmatter(build_vault) -> None:
    run = build_vault({"Tpl.md": TEMPLATE}, "--strict", settings='publish = "all"')
    assert run.code == 1
    assert "Tpl.md:2: error: invalid YAML frontmatter" in run.stderr


def test_parse_frontmatter_reads_broken_yaml_as_no_properties() -> None:
    report = Diagnostics()
    assert parse_frontmatter(TEMPLATE, "t.md", report) == ({}, True)
    assert [(d.line, d.message.endswith(IGNORED)) for d in report.items] == [(2, True)]
    flagged = "---\ndg-publish: true\ncreated: {{date}}\n---\nx\n"
    assert parse_frontmatter(flagged, "f.md", Diagnostics()) == ({}, False)


def test_unclosed_frontmatter_is_text_and_keeps_a_flag_private(build_vault) -> None:
    # A closing line with more on it (a theme's button) does not close the properties.
    shown = "---\ncssclass: dashboard\n--- `button-home`\n\n# Dashboard\n\nThe whole note.\n"
    hidden = "---\npublish: false\ntitle: x\n\ncanary-unclosed-private-3b9d\n"
    run = build_vault({"Dash.md": shown, "Hidden.md": hidden}, settings='publish = "all"')
    assert run.code == 0, run.stderr
    assert (
        "Dash.md:1: warning: frontmatter has no closing `---`; the note has no properties, "
        "and its lines show as text, as in Obsidian\n" in run.stderr
    )
    text = visible_text(article(run.page("/dash/")))
    assert "cssclass: dashboard" in text and "Dashboard" in text and "The whole note." in text
    assert "Hidden.md:1: warning: frontmatter has no closing `---`; the note is not published" in (
        run.stderr
    )
    assert not (run.out / "hidden").exists()
    assert b"canary-unclosed" not in b"".join(
        p.read_bytes() for p in run.out.rglob("*") if p.is_file()
    )
