"""An edit's build leaves every file it did not need to make as it was (the same file, not
written again: the pages no change reaches, the search shards holding none of the edited
pages), makes the same bytes as a build without a cache, and can be followed by a build that
finds nothing changed. A note made unpublished leaves every file of the site."""

from __future__ import annotations

import os
from pathlib import Path

from build_harness import build_as_cold, make_project
from hortus.config import load_settings
from hortus.pipeline import build_site
from search_harness import decoded

NOTES = {
    "hub.md": "# Hub\n\nSee [[alpha]] and [[beta]].\n",
    "alpha.md": "# Alpha\n\nThe first page.\n",
    "beta.md": "# Beta\n\nThe second page, linking [[alpha]].\n",
    **{f"n{i}.md": f"# Note {i}\n\nQuiet words of note {i}.\n" for i in range(8)},
}


def project(root: Path) -> Path:
    notes = make_project(root, NOTES)
    with (root / "pyproject.toml").open("a", encoding="utf-8") as f:
        f.write("search-shard-pages = 2\n")  # several shards: an edit keeps most of them
    return notes


def files(out: Path) -> dict[str, tuple[int, int]]:
    """Every file of the site: its inode and modification time (the same while not
    written again)."""
    found = {}
    for path in out.rglob("*"):
        if path.is_file():
            stat = path.stat()
            found[path.relative_to(out).as_posix()] = (stat.st_ino, stat.st_mtime_ns)
    return found


def shard_of(out: Path, page: str) -> str:
    """The search index folder whose fragments hold the page's words."""
    for fragment in (out / "pagefind").rglob("*.pf_fragment"):
        if page.encode() in decoded(fragment):
            return fragment.parent.parent.relative_to(out).as_posix()
    raise AssertionError(f"{page} is in no index")


def test_an_edit_rewrites_only_what_it_reaches_and_equals_a_cold_build(tmp_path: Path) -> None:
    notes = project(tmp_path)
    build_as_cold(tmp_path, notes)
    out = tmp_path / "public"
    before, home = files(out), shard_of(out, "Quiet words of note 3")
    (notes / "n3.md").write_text("# Note 3\n\nLoud new words of note 3.\n", encoding="utf-8")
    build_as_cold(tmp_path, notes)
    after = files(out)
    assert after["n3/index.html"] != before["n3/index.html"]
    for page in ("alpha", "beta", "hub", "n0", "n5"):
        assert after[f"{page}/index.html"] == before[f"{page}/index.html"], page
    # The shards holding none of the edited pages are the same files.
    assert shard_of(out, "Loud new words") == "pagefind/shard-recent"
    kept = [
        name
        for name in before
        if name.startswith("pagefind/shard-")
        and not name.startswith(home + "/")
        and not name.startswith("pagefind/shard-recent/")
    ]
    assert kept
    assert [name for name in kept if after.get(name) != before[name]] == []


def test_edits_one_after_another_each_equal_a_cold_build(tmp_path: Path) -> None:
    notes = project(tmp_path)
    build_as_cold(tmp_path, notes)
    for i, name in enumerate(["alpha.md", "n6.md", "alpha.md", "hub.md"]):
        text = (notes / name).read_text(encoding="utf-8")
        (notes / name).write_text(text + f"\nEdit number {i}.\n", encoding="utf-8")
        build_as_cold(tmp_path, notes)
    (notes / "n9.md").write_text("# Note 9\n\nA new note, [[alpha]].\n", encoding="utf-8")
    build_as_cold(tmp_path, notes)


def test_the_build_after_an_edit_finds_nothing_changed(tmp_path: Path) -> None:
    notes = project(tmp_path)
    build_as_cold(tmp_path, notes)
    (notes / "beta.md").write_text("# Beta\n\nRewritten, still [[alpha]].\n", encoding="utf-8")
    build_as_cold(tmp_path, notes)
    again = build_site(load_settings(tmp_path), notes, tmp_path / "public", strict=False)
    assert again.built and again.unchanged


def test_a_note_made_unpublished_after_an_edit_leaves_every_file(tmp_path: Path) -> None:
    notes = project(tmp_path)
    build_as_cold(tmp_path, notes)
    (notes / "n2.md").write_text("# Note 2\n\nEdited once: SECRETWORD.\n", encoding="utf-8")
    build_as_cold(tmp_path, notes)
    hidden = "---\npublish: false\n---\n# Note 2\n\nSECRETWORD stays home.\n"
    (notes / "n2.md").write_text(hidden, encoding="utf-8")
    build_as_cold(tmp_path, notes)
    out = tmp_path / "public"
    leaked = [
        p.relative_to(out).as_posix()
        for p in out.rglob("*")
        if p.is_file() and b"SECRETWORD" in decoded(p)
    ]
    assert leaked == []
    assert not os.path.exists(out / "n2" / "index.html")
