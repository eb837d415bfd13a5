"""Bad input, one case at a time, through the real command line: every problem is named
with its file (and line where there is one), the other notes are still built, and there is
never a traceback. Exit 0 unless the problem is an error by design (two notes, one URL)."""

from __future__ import annotations

import json
import os
import re
import time
from pathlib import Path

import pytest

from conftest import Run, article

P = "---\ndg-publish: true\n---\n"
GOOD = {"Good.md": P + "good note text\n"}
WINDOWS_FORBIDDEN = re.compile(r'[<>:"\\|?*\x00-\x1f]')
WINDOWS_RESERVED = re.compile(r"(con|prn|aux|nul|com\d|lpt\d)(\..*)?", re.IGNORECASE)


def clean(run: Run, code: int = 0) -> None:
    """The build ended as expected, without a traceback or an internal error."""
    assert run.code == code, run.stderr
    assert "Traceback" not in run.stderr and "internal error" not in run.stderr, run.stderr
    assert "RecursionError" not in run.stderr


def good_built(run: Run) -> None:
    assert "good note text" in run.page("/good/")


def notes_dir(tmp_path: Path) -> Path:
    """The vault the `build_vault` fixture will build, for setting up what it cannot write."""
    notes = tmp_path / "site" / "notes"
    notes.mkdir(parents=True, exist_ok=True)
    return notes


def site_bytes(run: Run) -> bytes:
    return b"".join(p.read_bytes() for p in sorted(run.out.rglob("*")) if p.is_file())


# --- frontmatter -------------------------------------------------------------------------------


def test_broken_yaml_frontmatter(build_vault) -> None:
    run = build_vault({**GOOD, "Bad.md": '---\ndg-publish: true\ntitle: "unclosed\n---\nbody\n'})
    clean(run)
    assert re.search(r"^Bad\.md:[34]: warning: invalid YAML frontmatter", run.stderr, re.M)
    good_built(run)


def test_frontmatter_that_is_not_a_mapping(build_vault) -> None:
    run = build_vault({**GOOD, "Bad.md": "---\n- dg-publish\n- true\n---\nbody\n"})
    clean(run)
    assert "Bad.md:2: warning: frontmatter is not a mapping" in run.stderr
    good_built(run)


def test_unterminated_frontmatter_fence(build_vault) -> None:
    run = build_vault({**GOOD, "Bad.md": "---\ndg-publish: true\n\nbody without a closing fence\n"})
    clean(run)
    assert "Bad.md:1: warning: frontmatter has no closing `---`" in run.stderr
    good_built(run)


def test_yaml_that_parses_but_cannot_be_built(build_vault) -> None:
    # libyaml reads these fine; building the values raises ValueError, not a YAMLError.
    run = build_vault(
        {
            **GOOD,
            "Date.md": "---\ndg-publish: true\ndate: 2020-13-45\n---\nx\n",
            "Hour.md": "---\ndg-publish: true\nupdated: 2020-01-01T99:00:00\n---\nx\n",
            "Digits.md": "---\ndg-publish: true\nn: " + "9" * 5000 + "\n---\nx\n",
        }
    )
    clean(run)
    for name in ("Date", "Hour", "Digits"):
        assert f"{name}.md:2: warning: invalid YAML frontmatter" in run.stderr
    good_built(run)


def test_frontmatter_values_of_the_wrong_kind(build_vault) -> None:
    source = (
        "---\ndg-publish: true\ntitle: [1, 2]\ntags: {a: 1}\npermalink: [x]\n"
        "cssclasses: 5\ndescription: [a list]\naliases: [[nested], ok]\n---\nbody text\n"
    )
    run = build_vault({**GOOD, "Odd.md": source})
    clean(run)
    for line, key in ((3, "title"), (4, "tags"), (5, "permalink"), (7, "description")):
        assert f"Odd.md:{line}: warning: `{key}`" in run.stderr
    assert "Odd.md:8: warning: `aliases` holds lists or mappings" in run.stderr
    assert "body text" in run.page("/odd/")
    good_built(run)


def test_yaml_aliases_that_expand_without_end(build_vault) -> None:
    laughs = "---\ndg-publish: true\na: &a [x, x, x, x, x, x, x, x, x, x]\n"
    for level in "bcdefghij":
        previous = chr(ord(level) - 1)
        laughs += f"{level}: &{level} [" + ", ".join([f"*{previous}"] * 10) + "]\n"
    laughs += "title: *j\n---\nbody\n"
    run = build_vault({**GOOD, "Laughs.md": laughs, "Self.md": P[:-4] + "x: &s [*s]\n---\n"})
    clean(run)
    assert "Laughs.md:2: warning: frontmatter is too large or refers to itself" in run.stderr
    assert "Self.md:2: warning: frontmatter is too large or refers to itself" in run.stderr
    good_built(run)


# --- encodings and line endings ----------------------------------------------------------------


def test_invalid_utf8_is_reported_on_its_line_and_replaced(build_vault) -> None:
    raw = (P + "first line\nbad \xff\xfe bytes [[Good]]\n").encode("latin-1")
    run = build_vault({**GOOD, "Bad.md": raw})
    clean(run)
    assert "Bad.md:5: warning: not valid UTF-8; bad bytes replaced" in run.stderr
    html = run.page("/bad/")
    assert "bad \ufffd\ufffd bytes" in html and 'href="../good/"' in html
    good_built(run)


def test_utf16_note_is_read_as_utf16(build_vault) -> None:
    run = build_vault({**GOOD, "Wide.md": "\ufeff" + P + "宽字符 text\n"})
    clean(run)  # that was UTF-8 with a BOM; now UTF-16, as Notepad saves it
    run = build_vault({**GOOD, "Wide.md": ("\ufeff" + P + "宽字符 text\n").encode("utf-16-le")})
    clean(run)
    assert "Wide.md: warning: saved as UTF-16" in run.stderr
    assert "宽字符 text" in run.page("/wide/")


def test_utf8_bom_is_dropped_and_frontmatter_read(build_vault) -> None:
    run = build_vault({**GOOD, "Bom.md": ("\ufeff---\ntitle: Bommed\ndg-publish: true\n---\nhi\n")})
    clean(run)
    html = run.page("/bom/")
    assert "<title>Bommed" in html and "\ufeff" not in html
    assert ": warning:" not in run.stderr


@pytest.mark.parametrize("newline", ["\r\n", "\r"], ids=["crlf", "lone-cr"])
def test_crlf_and_lone_cr_line_endings(build_vault, newline: str) -> None:
    source = P + "# Heading\n\nparagraph one\nstill one\n\n[[Missing]]\n"
    run = build_vault({**GOOD, "Old.md": source.replace("\n", newline).encode("utf-8")})
    clean(run)
    html = article(run.page("/old/"))
    assert '<h1 id="heading">Heading</h1>' in html
    assert "<p>paragraph one\nstill one</p>" in html and "\r" not in html
    # Line numbers count CR and CRLF endings like LF: the broken link is on line 9.
    assert "Old.md:9: warning: no note or file named 'Missing'" in run.stderr
    good_built(run)


def test_nul_bytes_and_control_characters(build_vault) -> None:
    run = build_vault(
        {
            **GOOD,
            "Zero.md": P + "before\n\nmid\x00dle [[Good]]\x00\n",
            "Esc.md": P + "terminal \x1b[31mred\x1b[0m and \x7f\x85\ufffe\n",
        }
    )
    clean(run)
    assert "Zero.md:6: warning: NUL bytes in the note" in run.stderr
    assert "Esc.md:4: warning: control characters in the note" in run.stderr
    html = run.page("/zero/")
    assert "\x00" not in html and "mid\ufffddle" in html and 'href="../good/"' in html
    esc = run.page("/esc/")  # none of them may be in an HTML page
    assert "terminal \ufffd[31mred" in esc and not re.search("[\x1b\x7f\x85\ufffe]", esc)
    good_built(run)


# --- size and depth ----------------------------------------------------------------------------


def test_five_megabyte_note_builds_in_time(build_vault) -> None:
    paragraph = (
        "Prose with **bold**, *emphasis*, `code`, a [[Good]] link, a [markdown](Good.md) link, "
        "a #tag, ==marked== text and plain words to fill the line out a little further.\n"
    )
    count = 5_000_000 // len(paragraph)
    body = "".join(paragraph + ("\n" if i % 4 == 3 else "") for i in range(count))
    source = P + body + "The very last words.\n"
    assert len(source.encode("utf-8")) >= 5_000_000
    started = time.perf_counter()
    run = build_vault({**GOOD, "Big.md": source})
    elapsed = time.perf_counter() - started
    clean(run)
    html = run.page("/big/")
    assert "The very last words." in html
    assert html.count('href="../good/"') >= 2 * count
    good_built(run)
    # Linear work is some 20 s here; anything quadratic in the note's length takes hours.
    assert elapsed < 120, f"a 5 MB note took {elapsed:.0f} s"


def test_note_with_100000_links(build_vault) -> None:
    # One paragraph: each link's line used to be counted from the paragraph's start.
    links = " ".join(f"[[Good|link {i}]]" for i in range(50_000))
    embeds = "\n".join(f"![[Good]] ![[pic.png]] [[Missing {i % 7}]]" for i in range(16_667))
    started = time.perf_counter()
    run = build_vault(
        {**GOOD, "pic.png": b"\x89PNG\r\n\x1a\n", "Many.md": P + links + "\n\n" + embeds}
    )
    elapsed = time.perf_counter() - started
    clean(run)
    html = run.page("/many/")
    assert html.count('href="../good/"') >= 50_000 + 16_667
    assert "link 49999" in html
    assert "Many.md:6: warning: no note or file named 'Missing 0'" in run.stderr
    assert f"Many.md:{5 + 16_667}: warning" in json.dumps(
        [f"{d['path']}:{d['line']}: warning" for d in report(run)]
    )
    good_built(run)
    assert elapsed < 120, f"100,000 links took {elapsed:.0f} s"


def report(run: Run) -> list[dict]:
    return json.loads((run.out.parent / ".hortus" / "report.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize(
    ("name", "source", "deepest"),
    [
        ("quotes", ">" * 5000 + " the deepest quote\n", "the deepest quote"),
        ("lists", "- " * 5000 + "the deepest item\n", "the deepest item"),
        ("mixed", "> - " * 2500 + "the deepest mix\n", "the deepest mix"),
        (
            "callouts",
            "".join("> " * i + f"[!note] level {i}\n" for i in range(1, 1001)),
            "level 1000",
        ),
        (
            "indented",
            "".join("  " * i + f"- item {i}\n" for i in range(1000)),
            "item 999",
        ),
    ],
)
def test_deep_nesting_keeps_the_text(build_vault, name: str, source: str, deepest: str) -> None:
    run = build_vault({**GOOD, "Deep.md": P + source + "\nafter the nesting\n"})
    clean(run)
    html = run.page("/deep/")
    # markdown-it stops nesting at its limit; the deeper text is shown, not dropped.
    assert deepest in html and "after the nesting" in html
    assert re.search(
        r"^Deep\.md:\d+: warning: lists, quotes or callouts nested too deep", run.stderr, re.M
    )
    good_built(run)


def test_deep_inline_nesting(build_vault) -> None:
    source = "*a " * 5000 + "x" + " b*" * 5000 + "\n\n" + "[" * 5000 + "x" + "](Good.md)" * 5000
    run = build_vault({**GOOD, "Inline.md": P + source + "\n\n" + "**" * 5000 + "\n"})
    clean(run)
    assert "<em>a <em>a" in run.page("/inline/")
    good_built(run)


def test_unbalanced_math(build_vault) -> None:
    source = P + "a $x and $$ y \\frac{ $$ more\n\nprice is $5 and $\n\n$$\n\\frac{1}{\n"
    run = build_vault({**GOOD, "Math.md": source})
    clean(run)
    assert "Math.md:4: warning: KaTeX cannot typeset" in run.stderr
    html = article(run.page("/math/"))
    assert "a $x and" in html and "price is $5 and $" in html
    good_built(run)


# --- empty ---------------------------------------------------------------------------------------


def test_empty_note_and_note_with_only_frontmatter(build_vault) -> None:
    run = build_vault(
        {**GOOD, "Empty.md": "", "Only.md": "---\ntitle: Only\n---\n", "Blank.md": "\n\n  \n"},
        settings='publish = "all"',
    )
    clean(run)
    for url in ("/empty/", "/only/", "/blank/"):
        assert '<div class="note-body">' in run.page(url)
    good_built(run)


def test_empty_vault(build_vault) -> None:
    run = build_vault({})
    clean(run)
    assert (run.out / "index.html").is_file()
    assert "0 notes" in run.stderr


# --- names ---------------------------------------------------------------------------------------


def test_a_folder_name_that_would_not_travel_is_warned_of_once(build_vault) -> None:
    files = {f"+/note {i}.md": P + f"plus note {i}\n" for i in range(3)}
    files.update({f"dot./deep/n{i}.md": P + f"dot note {i}\n" for i in range(2)})
    run = build_vault({**GOOD, **files})
    clean(run)
    warned = [(d["path"], d["message"]) for d in report(run) if d["kind"] == "filename"]
    assert [path for path, _ in warned] == ["+", "dot."]
    assert "'+' has no letter or digit to make a URL from; its notes are published" in warned[0][1]
    pages = "".join(p.read_text("utf-8") for p in run.out.rglob("index.html"))
    assert all(f"plus note {i}</p>" in pages for i in range(3))
    assert all(f"dot note {i}</p>" in pages for i in range(2))
    good_built(run)


def test_file_names_illegal_on_windows(build_vault) -> None:
    names = [
        "a:b", "star*", "What?", 'quote"', "lt<gt>", "pipe|", "dot.", "space ", "???", "CON",
        "nul", "com1", "Aux.txt",
    ]  # fmt: skip
    links = " ".join(f"[[{n.strip()}|to {i}]]" for i, n in enumerate(names) if "|" not in n)
    files = {n + ".md": P + f"note number {i}\n" for i, n in enumerate(names)}
    files["sub/LPT1/pic?.png"] = b"\x89PNG\r\n\x1a\n"
    run = build_vault({**GOOD, **files, "Links.md": P + links + " ![[pic?.png]]\n"})
    clean(run)
    warned = {d["path"] for d in report(run) if d["kind"] == "filename"}
    assert warned == {n + ".md" for n in names}
    outputs = [p.relative_to(run.out) for p in run.out.rglob("*")]
    for path in outputs:
        for part in path.parts:
            assert not WINDOWS_FORBIDDEN.search(part), path
            assert not WINDOWS_RESERVED.fullmatch(part), path
            assert part == part.rstrip(". "), path
    # Every note got its own page, and links reach it.
    pages = {p.parent for p in run.out.rglob("index.html")}
    for i, _ in enumerate(names):
        assert any(f"note number {i}</p>" in (d / "index.html").read_text("utf-8") for d in pages)
    html = run.page("/links/")
    assert "broken-link" not in article(html)
    good_built(run)


def test_file_name_that_is_not_utf8(build_vault, tmp_path: Path) -> None:
    notes = notes_dir(tmp_path)
    try:
        (notes / os.fsdecode(b"bad-\xff-name.md")).write_text(P + "x\n", encoding="utf-8")
    except (OSError, UnicodeEncodeError):
        pytest.skip("this file system refuses file names that are not UTF-8")
    run = build_vault(GOOD)
    clean(run)
    assert "bad-\\xff-name.md: warning: file name is not valid UTF-8; skipped" in run.stderr
    good_built(run)


def test_two_notes_with_one_url_name_both(build_vault) -> None:
    run = build_vault({**GOOD, "A b.md": P + "one\n", "a-B.md": P + "two\n"})
    clean(run)  # both published: the first in path order keeps the URL
    assert "a-B.md: warning: URL /a-b/ is also the URL of A b.md; published at /a-b-" in run.stderr
    assert "one</p>" in run.page("/a-b/")
    assert any("two</p>" in p.read_text("utf-8") for p in run.out.glob("a-b-*/index.html"))


def test_permalinks_that_escape_or_cannot_be_folders(build_vault) -> None:
    run = build_vault(
        {
            **GOOD,
            "Evil.md": "---\ndg-publish: true\npermalink: ../../etc\n---\nevil\n",
            "Odd.md": "---\ndg-publish: true\npermalink: what?/CON/x:y\n---\nodd\n",
            "Long.md": "---\ndg-publish: true\npermalink: " + "long" * 100 + "\n---\nlong\n",
        }
    )
    clean(run)
    assert "Evil.md:3: warning: permalink '../../etc' leaves the site" in run.stderr
    assert "Odd.md:3: warning: permalink 'what?/CON/x:y' holds what" in run.stderr
    assert "published at /what/con_/xy/" in run.stderr
    assert "odd" in run.page("/what/con_/xy/")
    assert "Long.md:3: warning: permalink" in run.stderr
    assert not (run.out.parent / "etc").exists() and not (run.out.parent.parent / "etc").exists()
    assert all(len(p.name.encode()) < 255 for p in run.out.rglob("*"))
    good_built(run)


def test_attachments_whose_names_slug_alike(build_vault) -> None:
    run = build_vault(
        {
            **GOOD,
            "a b.png": b"first",
            "a-b.png": b"second",
            "S.md": P + "![[a b.png]] ![[a-b.png]]\n",
        }
    )
    clean(run)
    assert "S.md:4: warning: a-b.png would be published at /a-b.png" in run.stderr
    published = {p.read_bytes() for p in run.out.glob("a-b*.png")}
    assert published == {b"first", b"second"}
    good_built(run)


# --- embeds --------------------------------------------------------------------------------------


def test_missing_embed(build_vault) -> None:
    run = build_vault({**GOOD, "E.md": P + "text\n\n![[Nothing here]]\n![[gone.png]]\n"})
    clean(run)
    assert "E.md:6: warning: no note or file named 'Nothing here'" in run.stderr
    assert "E.md:7: warning: no note or file named 'gone.png'" in run.stderr
    assert 'class="embed-missing"' in run.page("/e/")
    good_built(run)


def test_embed_cycle(build_vault) -> None:
    run = build_vault(
        {
            **GOOD,
            "Self.md": P + "self text\n\n![[Self]]\n",
            "A.md": P + "a text\n\n![[B]]\n",
            "B.md": P + "b text ![[A]] inline\n",
        }
    )
    clean(run)
    assert "Self.md:6: warning: embed cycle: Self.md embeds itself" in run.stderr
    assert "B.md:4: warning: embed cycle: A.md → B.md → A.md" in run.stderr
    a = article(run.page("/a/"))
    assert a.count("a text") == 1 and "b text" in a and "embeds itself" in a
    # An embedded note is a block: never a <div> inside a <p>.
    assert not re.search(r"<p>(?:(?!</p>).)*<div", a, re.S)
    good_built(run)


def test_note_embeds_sections_of_its_own(build_vault) -> None:
    """A note may repeat a section of its own elsewhere in it (as Obsidian's help does): no
    loop unless the section holds the embed, or the whole note is embedded inside itself."""
    run = build_vault(
        {
            **GOOD,
            "Steps.md": P + "## Log in\n\nlog in text\n\n## Again\n\n![[Steps#Log in]]\n",
            "Inner.md": P + "## Part\n\npart text\n\n![[Inner#Part]]\n",
            "Whole.md": P + "## Part\n\nwhole text\n\n![[Whole]]\n",
        }
    )
    clean(run)
    assert "Steps.md" not in run.stderr
    steps = article(run.page("/steps/"))
    assert steps.count("log in text") == 2 and "Not shown here" not in steps
    assert "Inner.md:8: warning: embed cycle: Inner.md embeds itself" in run.stderr
    inner = article(run.page("/inner/"))
    assert inner.count("part text") == 2 and inner.count("Not shown here") == 1
    assert "Whole.md:8: warning: embed cycle: Whole.md embeds itself" in run.stderr
    good_built(run)


# --- the file system -----------------------------------------------------------------------------


def test_symlink_loops(build_vault, tmp_path: Path) -> None:
    notes = notes_dir(tmp_path)
    (notes / "sub").mkdir()
    (notes / "sub" / "Inner.md").write_text(P + "inner\n", encoding="utf-8")
    (notes / "sub" / "up").symlink_to("..", target_is_directory=True)  # the vault again
    (notes / "sub" / "here").symlink_to(".", target_is_directory=True)
    (notes / "self.md").symlink_to("self.md")
    (notes / "ping.md").symlink_to("pong.md")
    (notes / "pong.md").symlink_to("ping.md")
    (notes / "dangling.md").symlink_to("nowhere.md")
    run = build_vault(GOOD)
    clean(run)
    for name in ("self.md", "ping.md", "pong.md", "dangling.md"):
        assert f"{name}: warning: symlink is broken or loops; skipped" in run.stderr
    assert "sub/up: warning: symlinked folder not followed" in run.stderr
    assert "sub/here: warning: symlinked folder not followed" in run.stderr
    assert "inner" in run.page("/sub/inner/")
    assert not (run.out / "sub" / "up").exists()
    good_built(run)


def test_symlinks_and_paths_outside_the_vault_are_never_followed(build_vault, tmp_path) -> None:
    secret_dir = tmp_path / "private"
    secret_dir.mkdir()
    (secret_dir / "secret.md").write_text(P + "OUTSIDE-CANARY\n", encoding="utf-8")
    (secret_dir / "secret.png").write_bytes(b"OUTSIDE-CANARY")
    notes = notes_dir(tmp_path)
    (notes / "linked.md").symlink_to(secret_dir / "secret.md")
    (notes / "linked.png").symlink_to(secret_dir / "secret.png")
    (notes / "elsewhere").symlink_to(secret_dir, target_is_directory=True)
    source = P + (
        "[[../private/secret]] ![[../../private/secret.png]] ![](../../private/secret.png)\n"
        "[x](../private/secret.md) ![[elsewhere/secret.png]] ![[linked.png]]\n"
        f"![[{secret_dir}/secret.png]] ![]({secret_dir}/secret.png)\n"
    )
    run = build_vault({**GOOD, "Out.md": source})
    clean(run)
    assert "linked.md: warning: symlink points outside the vault; skipped" in run.stderr
    assert "linked.png: warning: symlink points outside the vault; skipped" in run.stderr
    assert "elsewhere: warning: symlinked folder points outside the vault" in run.stderr
    assert "Out.md:4: warning: link to '../private/secret' leaves the vault" in run.stderr
    assert b"OUTSIDE-CANARY" not in site_bytes(run)
    good_built(run)


def test_note_that_is_a_directory(build_vault) -> None:
    run = build_vault({**GOOD, "weird.md/inside.md": P + "inside a folder named weird.md\n"})
    clean(run)
    assert "weird.md: warning: a folder named like a note; read as a folder" in run.stderr
    assert "inside a folder" in run.page("/weird.md/inside/")
    good_built(run)


@pytest.mark.skipif(
    hasattr(os, "geteuid") and os.geteuid() == 0, reason="root reads files whatever their mode"
)
def test_unreadable_note_and_folder(build_vault, tmp_path: Path) -> None:
    notes = notes_dir(tmp_path)
    (notes / "Locked.md").write_text(P + "locked\n", encoding="utf-8")
    (notes / "shut").mkdir()
    (notes / "shut" / "In.md").write_text(P + "in\n", encoding="utf-8")
    (notes / "Locked.md").chmod(0)
    (notes / "shut").chmod(0)
    try:
        run = build_vault(GOOD)
    finally:
        (notes / "Locked.md").chmod(0o644)
        (notes / "shut").chmod(0o755)
    clean(run)
    assert "Locked.md: warning: cannot read" in run.stderr
    assert "shut: warning: cannot read the folder" in run.stderr
    good_built(run)


def test_pipe_named_like_a_note_is_not_read(build_vault, tmp_path: Path) -> None:
    if not hasattr(os, "mkfifo"):
        pytest.skip("no named pipes here")
    os.mkfifo(notes_dir(tmp_path) / "pipe.md")  # reading it would wait for ever
    run = build_vault(GOOD)
    clean(run)
    assert "pipe.md: warning: not a regular file" in run.stderr
    good_built(run)


def test_broken_canvas(build_vault) -> None:
    run = build_vault(
        {
            **GOOD,
            "deep.canvas": "[" * 100_000 + "]" * 100_000,
            "odd.canvas": json.dumps(
                {"nodes": [{"type": "text", "text": "card", "x": 1e308 * 10, "y": "top"}, 5]}
            ),
            "S.md": P + "![[deep.canvas]] ![[odd.canvas]]\n",
        }
    )
    clean(run)
    assert "deep.canvas: warning: not valid JSON Canvas (nested too deep)" in run.stderr
    assert "card" in run.page("/s/")
    good_built(run)
