"""The search index after an edit: the shards are kept, the edited pages are indexed alone into
`pagefind/shard-recent/`, and a search finds what it finds after a cold build: an edited page
by its new words, not its old ones; a page made unpublished nowhere, in no file."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from conftest import run_hortus
from hortus.config import load_settings
from hortus.pipeline import build_site
from hortus.site import search_index
from search_harness import decoded, searchable

P = "---\ndg-publish: true\n---\n"
NOTES = {
    "kernel.md": P + "# Kernels\n\nA marsupilami kernel smooths.\n\n## Bandwidth\n\nWide.\n",
    "bootstrap.md": P + "# Resampling\n\nThe bootstrap resamples a quokkaphant.\n",
    "prior.md": P + "# Priors\n\n共轭先验让后验分布保持同一族。\n",
    "survey.md": P + "# Survey\n\nWhat the kernel says, embedded:\n\n![[kernel]]\n",
    "lonely.md": P + "# Lonely\n\nNo links here at all.\n",
}
SETTINGS = 'language = "zh-CN"\nsearch-shard-pages = 2'


def write(project: Path, name: str, text: str) -> None:
    (project / "notes" / name).write_text(text, encoding="utf-8")


def build(project: Path) -> None:
    proc = run_hortus("build", cwd=project)
    assert proc.returncode == 0, proc.stderr


def cold(project: Path, tmp_path: Path) -> dict[str, dict]:
    """What a search finds in a build of the same notes without any cache."""
    fresh = tmp_path / "fresh"
    shutil.rmtree(fresh, ignore_errors=True)
    proc = run_hortus("build", "--no-cache", "--out", str(fresh), cwd=project)
    assert proc.returncode == 0, proc.stderr
    return searchable(fresh)


def inodes(out: Path, under: str) -> dict[str, int]:
    root = out / "pagefind"
    return {
        p.relative_to(root).as_posix(): p.stat().st_ino
        for p in root.rglob("*")
        if p.is_file() and not p.relative_to(root).as_posix().startswith(under)
    }


def every_file(out: Path) -> bytes:
    return b"".join(decoded(p) for p in sorted(out.rglob("*")) if p.is_file())


@pytest.fixture
def site(build_vault):
    run = build_vault(NOTES, settings=SETTINGS)
    assert run.code == 0, run.stderr
    assert not (run.out / "pagefind" / "shard-recent").exists()  # a cold build has none
    return run


def test_an_edit_is_indexed_alone_and_found_by_its_new_words(site, tmp_path) -> None:
    project, out = site.out.parent, site.out
    shards = {k: v for k, v in inodes(out, "shard-recent").items() if k != "hortus-shards.json"}
    write(project, "kernel.md", NOTES["kernel.md"].replace("marsupilami", "wombatoid"))
    build(project)
    # Every shard kept as it was (the same files) but for the old versions' records, which
    # leave the site; the edited pages indexed on their own.
    kept = inodes(out, "shard-recent")
    gone = sorted(name for name in shards if name not in kept)
    assert len(gone) == 2 and all(
        "/fragment/" in name or name.startswith("fragment/") for name in gone
    )
    assert all(kept[name] == ino for name, ino in shards.items() if name not in gone)
    assert b"marsupilami" not in b"".join(
        decoded(p) for p in (out / "pagefind").rglob("*.pf_fragment")
    )
    recent = searchable_urls(out / "pagefind" / "shard-recent")
    assert recent == ["/kernel/", "/survey/"]  # the note, and the note that embeds it
    found = searchable(out)
    assert "wombatoid" in found["/kernel/"]["content"]
    assert not any("marsupilami" in page["content"] for page in found.values())
    assert found == cold(project, tmp_path)
    assert ("bandwidth", "Bandwidth") in found["/kernel/"]["anchors"]

    # A second edit of the same page replaces it in the recent index.
    write(project, "kernel.md", NOTES["kernel.md"].replace("marsupilami", "platypode"))
    build(project)
    found = searchable(out)
    assert "platypode" in found["/kernel/"]["content"]
    assert not any("wombatoid" in page["content"] for page in found.values())
    assert found == cold(project, tmp_path)


def test_an_edit_undone_is_found_again(site, tmp_path) -> None:
    """Its shard's record of the first version left the site with the edit; the page, back
    as that shard was made with it, is indexed again, not left out of every index."""
    project, out = site.out.parent, site.out
    write(project, "lonely.md", NOTES["lonely.md"].replace("No links", "Still no links"))
    build(project)
    write(project, "lonely.md", NOTES["lonely.md"])
    build(project)
    found = searchable(out)
    assert "No links here at all." in found["/lonely/"]["content"]
    assert found == cold(project, tmp_path)


def searchable_urls(folder: Path) -> list[str]:
    urls = []
    for path in (folder / "fragment").glob("*.pf_fragment"):
        data = decoded(path)
        urls.append(json.loads(data[data.index(b"{") :])["url"])
    return sorted(urls)


def test_a_page_made_unpublished_leaves_every_file_of_the_index(site, tmp_path) -> None:
    project, out = site.out.parent, site.out
    write(project, "bootstrap.md", NOTES["bootstrap.md"] + "\nA second sentence.\n")
    build(project)
    assert (out / "pagefind" / "shard-recent").is_dir()
    # The kernel note goes private: its words were in its own record and in the record of
    # the page that embedded it; the shards holding either are made again.
    write(project, "kernel.md", NOTES["kernel.md"].replace(P, "---\ndg-publish: false\n---\n"))
    build(project)
    assert b"marsupilami" not in every_file(out)
    assert not (out / "pagefind" / "shard-recent").exists()
    found = searchable(out)
    assert "/kernel/" not in found and "A second sentence." in found["/bootstrap/"]["content"]
    assert found == cold(project, tmp_path)


def test_the_recent_index_past_its_bound_makes_the_shards_again(tmp_path, monkeypatch) -> None:
    monkeypatch.setattr(search_index, "RECENT_MAX_PAGES", 2)
    project = tmp_path / "project"
    (project / "notes").mkdir(parents=True)
    (project / "pyproject.toml").write_text(f"[tool.hortus]\n{SETTINGS}\n", encoding="utf-8")
    for name, text in NOTES.items():
        write(project, name, text)
    settings = load_settings(project)
    out = project / "public"
    assert build_site(settings, project / "notes", out, strict=False).built
    write(project, "lonely.md", NOTES["lonely.md"] + "\nOne more line.\n")
    assert build_site(settings, project / "notes", out, strict=False).built
    assert searchable_urls(out / "pagefind" / "shard-recent") == ["/lonely/"]
    for name in ("bootstrap.md", "prior.md"):  # three edited pages: past the bound
        write(project, name, NOTES[name] + "\nEdited.\n")
    assert build_site(settings, project / "notes", out, strict=False).built
    assert not (out / "pagefind" / "shard-recent").exists()
    listed = json.loads((out / "pagefind" / "hortus-shards.json").read_text(encoding="utf-8"))
    assert listed["hidden"] == {}
    assert searchable(out) == cold(project, tmp_path)


@pytest.mark.browser
def test_search_box_finds_an_edited_page_by_its_new_words_only(site, page, serve_dir) -> None:
    project, out = site.out.parent, site.out
    write(project, "kernel.md", NOTES["kernel.md"].replace("marsupilami", "wombatoid"))
    build(project)
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(serve_dir(out) + "/lonely/")
    page.keyboard.press("/")
    for query, urls in (
        ("wombatoid", ["/kernel/", "/survey/"]),
        ("marsupilami", []),
        ("quokkaphant", ["/bootstrap/"]),
        ("共轭先验", ["/prior/"]),
    ):
        page.fill(".search-input", query)
        page.wait_for_function(
            "q => document.querySelector('.search-status').textContent.includes(q)"
            " || document.querySelectorAll('.search-list a').length > 0",
            arg=query,
            timeout=10_000,
        )
        page.wait_for_timeout(300)  # the answer to the query typed last
        hrefs = page.eval_on_selector_all(".search-list a", "as => as.map(a => a.pathname)")
        assert sorted(hrefs) == urls, query
    assert not errors
