"""Publishing rules, URLs and frontmatter problems, seen through the built site and through
the vault stage's own API."""

from __future__ import annotations

from pathlib import Path, PurePosixPath

from hortus.config import load_settings
from hortus.diagnostics import Diagnostics
from hortus.vault import is_published, load_vault, parse_frontmatter, read_note

PUBLISHED = "---\ndg-publish: true\n---\n"


def test_only_opted_in_notes_are_published(build_vault) -> None:
    run = build_vault(
        {
            "Shown.md": PUBLISHED + "visible text\n",
            "Also shown.md": "---\npublish: true\n---\nalso\n",
            "Private.md": "---\ndg-publish: false\n---\nSECRET-PRIVATE\n",
            "No frontmatter.md": "SECRET-NOFM\n",
        }
    )
    assert run.code == 0, run.stderr
    assert (run.out / "shown" / "index.html").is_file()
    assert (run.out / "also-shown" / "index.html").is_file()
    everything = b"".join(p.read_bytes() for p in run.out.rglob("*") if p.is_file())
    assert b"SECRET" not in everything
    assert b"Private" not in everything


def test_publish_all_mode_skips_only_opted_out_and_drafts(build_vault) -> None:
    run = build_vault(
        {
            "a.md": "plain\n",
            "b.md": "---\npublish: false\n---\nSECRET-B\n",
            "c.md": "---\ndraft: true\n---\nSECRET-C\n",
        },
        settings='publish = "all"',
    )
    assert run.code == 0, run.stderr
    assert (run.out / "a" / "index.html").is_file()
    assert not (run.out / "b").exists() and not (run.out / "c").exists()


def test_urls_keep_chinese_and_lowercase_ascii(build_vault) -> None:
    run = build_vault(
        {
            "学习笔记/Gradient Descent 梯度下降.md": PUBLISHED + "x\n",
            "Deep/Folder/My Note.md": PUBLISHED + "y\n",
            "p.md": "---\ndg-publish: true\npermalink: custom/place\n---\nz\n",
        }
    )
    assert run.code == 0, run.stderr
    assert (run.out / "学习笔记" / "gradient-descent-梯度下降" / "index.html").is_file()
    assert (run.out / "deep" / "folder" / "my-note" / "index.html").is_file()
    assert (run.out / "custom" / "place" / "index.html").is_file()


def test_garden_entry_is_home_and_keeps_permalink(build_vault) -> None:
    run = build_vault(
        {
            "Home.md": (
                '---\n{"dg-publish":true,"permalink":"/start/","tags":["gardenEntry"]}\n'
                "---\nwelcome\n"
            ),
            "Other.md": PUBLISHED + "other\n",
        }
    )
    assert run.code == 0, run.stderr
    assert "welcome" in run.page("/")
    assert "welcome" in run.page("/start/")
    assert '<link rel="canonical" href="/start/">' in run.page("/")


def test_home_without_permalink_lives_at_root(build_vault) -> None:
    run = build_vault({"Index.md": "---\ndg-publish: true\ndg-home: true\n---\nhello home\n"})
    assert run.code == 0, run.stderr
    assert "hello home" in run.page("/")
    assert not (run.out / "index").exists()


def test_without_garden_entry_home_lists_notes(build_vault) -> None:
    run = build_vault({"Alpha.md": PUBLISHED + "a\n", "Beta.md": PUBLISHED + "b\n"})
    home = run.page("/")
    assert 'href="alpha/"' in home and 'href="beta/"' in home


def test_broken_yaml_is_named_with_line_and_others_still_build(build_vault) -> None:
    run = build_vault(
        {
            "Bad.md": "---\ndg-publish: true\ntags: [unclosed\n---\nbody\n",
            "Good.md": PUBLISHED + "fine\n",
        }
    )
    assert run.code == 0
    assert "Bad.md:3: warning: invalid YAML frontmatter" in run.stderr
    assert (run.out / "good" / "index.html").is_file()
    assert not (run.out / "bad").exists()


def test_permalink_that_escapes_the_site_is_refused(build_vault) -> None:
    run = build_vault({"Evil.md": "---\ndg-publish: true\npermalink: ../../etc\n---\nx\n"})
    assert run.code == 0
    assert "Evil.md:3: warning: permalink '../../etc' leaves the site" in run.stderr
    assert (run.out / "evil" / "index.html").is_file()
    assert not (run.out.parent / "etc").exists()


def test_two_permalinks_of_one_url_fail_naming_both(build_vault) -> None:
    run = build_vault(
        {
            "a.md": "---\ndg-publish: true\npermalink: /same/\n---\nx\n",
            "b.md": "---\ndg-publish: true\npermalink: /same/\n---\ny\n",
        }
    )
    assert run.code == 1
    assert "b.md:3: error: URL /same/ is also the URL of a.md:3" in run.stderr


def test_crlf_bom_and_flow_yaml_frontmatter(build_vault) -> None:
    source = (
        '\ufeff---\r\n{"dg-publish": true, "title": "Windows note"}\r\n---\r\n# Head\r\nbody\r\n'
    )
    run = build_vault({"w.md": source.encode("utf-8")})
    assert run.code == 0, run.stderr
    html = run.page("/w/")
    assert "<title>Windows note" in html and '<h1 id="head">Head</h1>' in html


def test_parse_frontmatter_reads_keys_and_says_when_broken() -> None:
    report = Diagnostics()
    values, readable = parse_frontmatter("---\ntitle: 5\ntags: [a, b]\n---\nbody\n", "n.md", report)
    assert readable and values == {"title": "5", "tags": ["a", "b"]}
    assert parse_frontmatter("no fence\n", "n.md", report) == ({}, True)
    # Broken YAML reads as no properties; only a publish flag in it leaves the note unpublished.
    assert parse_frontmatter("---\ntags: [open\n---\n", "bad.md", report) == ({}, True)
    assert [(d.path, d.line, d.kind) for d in report.items] == [("bad.md", 2, "frontmatter")]


def test_is_published_opt_in_and_publish_all() -> None:
    assert is_published({"dg-publish": True}, "opt-in")
    assert not is_published({}, "opt-in")
    assert is_published({}, "all")
    assert not is_published({"publish": False}, "all")
    assert not is_published({"draft": True}, "all")


def test_read_note_and_load_vault(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text("[tool.hortus]\n", encoding="utf-8")
    notes = tmp_path / "notes"
    (notes / "Folder").mkdir(parents=True)
    (notes / "Folder" / "My Note.md").write_text(
        "---\ndg-publish: true\ntags: gardenEntry, x\naliases: One, Two\n---\ntext\r\n",
        encoding="utf-8",
    )
    (notes / "picture.png").write_bytes(b"png")
    (notes / ".obsidian").mkdir()
    (notes / ".obsidian" / "workspace.json").write_text("{}", encoding="utf-8")
    settings = load_settings(tmp_path)
    report = Diagnostics()
    note = read_note(notes, PurePosixPath("Folder/My Note.md"), settings, report)
    assert note is not None and note.published and note.home
    assert (note.title, note.url) == ("My Note", "/folder/my-note/")
    assert note.tags == ("gardenEntry", "x")
    assert note.aliases == ("One", "Two") and note.source.endswith("text\n")
    assert read_note(notes, PurePosixPath("Missing.md"), settings, report) is None
    vault = load_vault(notes, settings, Diagnostics())
    assert [n.path for n in vault.notes] == [PurePosixPath("Folder/My Note.md")]
    assert vault.attachments == [PurePosixPath("picture.png")]
    assert vault.home is vault.notes[0] and vault.home.url == "/"


NONE_MARKED = "warning: no note is marked for publishing (3 in the vault)"


def test_vault_with_no_note_marked_for_publishing_says_how_once(build_vault) -> None:
    run = build_vault({"a.md": "plain\n", "b.md": "---\ntags: [x]\n---\nb\n", "Sub/c.md": "c\n"})
    assert run.code == 0, run.stderr
    assert run.stderr.count("no note is marked for publishing") == 1
    assert f"notes: {NONE_MARKED}" in run.stderr
    assert "add `dg-publish: true` to a note's properties" in run.stderr
    assert 'set `publish = "all"` under `[tool.hortus]` in pyproject.toml' in run.stderr


def test_no_publishing_hint_when_a_note_is_published(build_vault) -> None:
    run = build_vault({"a.md": PUBLISHED + "a\n", "b.md": "b\n", "c.md": "c\n"})
    assert run.code == 0 and "marked for publishing" not in run.stderr


def test_no_publishing_hint_when_every_note_is_published(build_vault) -> None:
    run = build_vault({"a.md": "a\n"}, settings='publish = "all"')
    assert run.code == 0 and "marked for publishing" not in run.stderr
