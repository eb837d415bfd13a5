"""The build cache: a rebuild redoes only what changed, and its output is byte for byte the output
of a build without any cache (its search index: what a search finds), after every kind of edit a
writer makes."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from conftest import run_hortus
from hortus.config import load_settings
from hortus.pipeline import build_site
from search_harness import searchable

NOTES = {
    "a.md": "# A\n\nSee [[b#Method]] and [[b]].\n\n#topic\n",
    "b.md": "---\ntitle: Bee\n---\n# B\n\n## Method\n\nSome $x^2$ math.\n",
    "c.md": "# C\n\nEmbedded below:\n\n![[d]]\n\n![[pic.png]]\n",
    "d.md": "# D\n\nOriginal words of d.\n",
    "folder/e.md": (
        "# E\n\nThe answer is `{python} 6 * 7`.\n\n"
        "```{python}\nclaim('six sevens', 6 * 7, 42)\n```\n"
    ),
    "lonely.md": "# Lonely\n\nNo links here at all.\n",
    # More embeds than a page expands: rendering it warns, and a kept page must warn too.
    "fan.md": "# Fan\n\n" + "![[d]]\n\n" * 201,
}
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
)


def files(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


class Site:
    """A project whose vault is edited step by step; `build` builds it with and without the
    cache and checks that the two outputs are the same bytes."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.notes = root / "notes"
        for name, text in NOTES.items():
            self.write(name, text)
        (self.notes / "pic.png").write_bytes(PNG)
        self.settings("")

    def settings(self, extra: str) -> None:
        text = f'[tool.hortus]\npublish = "all"\nlanguage = "en"\n{extra}\n'
        (self.root / "pyproject.toml").write_text(text, encoding="utf-8")

    def write(self, name: str, text: str) -> None:
        path = self.notes / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")

    def inode(self, rel: str) -> int:
        return (self.root / "public" / rel).stat().st_ino

    def build(self):
        settings = load_settings(self.root)
        cached = build_site(settings, self.notes, self.root / "public", strict=False)
        assert cached.built, [str(d) for d in cached.diagnostics.items]
        fresh_out = self.root / "fresh"
        fresh = build_site(settings, self.notes, fresh_out, strict=False, use_cache=False)
        assert fresh.built
        ours, theirs = files(self.root / "public"), files(fresh_out)
        # The search index after an edit holds the edited pages apart (see hortus.site's
        # search_index): equal to an uncached one in what a search finds, not in bytes.
        assert searchable(self.root / "public") == searchable(fresh_out)
        ours, theirs = (
            {rel: data for rel, data in found.items() if not rel.startswith("pagefind/")}
            for found in (ours, theirs)
        )
        assert sorted(ours) == sorted(theirs)
        differing = [rel for rel in ours if ours[rel] != theirs[rel]]
        assert differing == [], f"cached build differs from an uncached one in {differing}"
        said = sorted(str(d) for d in cached.diagnostics.items)
        assert said == sorted(str(d) for d in fresh.diagnostics.items)
        assert any("fan.md" in line and "embeds more than" in line for line in said)
        return cached


@pytest.fixture
def site(tmp_path: Path) -> Site:
    return Site(tmp_path / "project")


def test_unchanged_vault_is_not_parsed_or_written_again(site: Site, monkeypatch):
    first = site.build()
    assert not first.unchanged
    before = {rel: site.inode(rel) for rel in files(site.root / "public")}

    def no_parsing(*args, **kwargs):
        raise AssertionError("an unchanged vault was parsed")

    monkeypatch.setattr("hortus.pipeline.stages.parse_notes", no_parsing)
    monkeypatch.setattr("hortus.pipeline.stages.load_vault", no_parsing)
    settings = load_settings(site.root)
    result = build_site(settings, site.notes, site.root / "public", strict=False)
    assert result.unchanged and result.built
    assert (result.notes, result.pages) == (first.notes, first.pages)
    assert "unchanged since the last build" in result.summary()
    assert {rel: site.inode(rel) for rel in files(site.root / "public")} == before


def test_every_kind_of_edit_gives_the_bytes_of_an_uncached_build(site: Site):
    site.build()
    a_page, lonely = "a/index.html", "lonely/index.html"
    kept = site.inode(lonely)

    # A note's body: its page and the page embedding it change, an unrelated page is kept.
    c_page = (site.root / "public/c/index.html").read_bytes()
    site.write("d.md", "# D\n\nNew words of d.\n")
    result = site.build()
    assert b"New words of d." in (site.root / "public/c/index.html").read_bytes() != c_page
    assert site.inode(lonely) == kept
    assert result.reused > 0

    # A heading another note links to; then the title that links and backlinks show.
    site.write("b.md", "---\ntitle: Bee\n---\n# B\n\n## Approach\n\nSome $x^2$ math.\n")
    site.build()
    site.write("b.md", "---\ntitle: Buzz\n---\n# B\n\n## Method\n\nSome $y^2$ math.\n")
    site.build()
    assert "Buzz" in (site.root / "public" / a_page).read_text(encoding="utf-8")

    # A new note (a backlink, an explorer entry and a tag on every page), then its removal.
    site.write("f.md", "# F\n\nBack to [[a]]. #newtag\n")
    site.build()
    (site.notes / "f.md").unlink()
    site.build()
    assert not (site.root / "public/f").exists()
    assert not (site.root / "public/tags/newtag").exists()

    # An attachment's bytes, a cell's code, the settings, a note made private.
    (site.notes / "pic.png").write_bytes(PNG + b"\0")
    site.build()
    site.write("folder/e.md", NOTES["folder/e.md"].replace("6 * 7", "6 * 8").replace("42", "48"))
    site.build()
    site.settings('title = "Another garden"')
    site.build()
    site.write("lonely.md", "---\npublish: false\n---\n# Lonely\n\nSECRET-LONELY\n")
    site.build()
    out = files(site.root / "public")
    assert not any(b"SECRET-LONELY" in data or b"Lonely" in data for data in out.values())


def test_a_changed_output_file_is_never_reused(site: Site):
    site.build()
    page = site.root / "public/lonely/index.html"
    page.write_text("tampered", encoding="utf-8")
    result = site.build()  # compares with an uncached build: the page is whole again
    assert not result.unchanged
    assert "tampered" not in page.read_text(encoding="utf-8")


def test_a_deleted_or_foreign_cache_changes_only_speed(site: Site):
    site.build()
    before = files(site.root / "public")
    shutil.rmtree(site.root / ".hortus" / "site")
    site.build()
    assert files(site.root / "public") == before
    # Entries of another version (or garbage) are misses, never output.
    for entry in (site.root / ".hortus" / "site").rglob("*"):
        if entry.is_file():
            entry.write_bytes(b"not a cache entry")
    site.build()
    assert files(site.root / "public") == before


def test_rebuild_through_the_cli_reports_what_it_kept(site: Site):
    first = run_hortus("build", cwd=site.root)
    assert first.returncode == 0, first.stderr
    again = run_hortus("build", cwd=site.root)
    assert again.returncode == 0, again.stderr
    assert "unchanged" in again.stderr.splitlines()[-1]
    site.write("d.md", "# D\n\nEdited.\n")
    edited = run_hortus("build", cwd=site.root)
    assert edited.returncode == 0
    assert "files kept from the last build" in edited.stderr.splitlines()[-1]
    assert os.path.exists(site.root / "public/d/index.html")
