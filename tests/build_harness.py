"""A build with the cache checked against one without: the same bytes outside the search
index, the same things found by a search, the same warnings."""

from __future__ import annotations

from pathlib import Path

from hortus.config import load_settings
from hortus.pipeline import BuildResult, build_site
from search_harness import searchable


def make_project(root: Path, notes: dict[str, str]) -> Path:
    """A project in `root` publishing every note, in English, with `notes` (file name ->
    text) in root/notes; returns that folder."""
    folder = root / "notes"
    folder.mkdir(parents=True)
    text = '[tool.hortus]\npublish = "all"\nlanguage = "en"\n'
    (root / "pyproject.toml").write_text(text, encoding="utf-8")
    for name, body in notes.items():
        (folder / name).write_text(body, encoding="utf-8")
    return folder


def outputs(folder: Path) -> dict[str, bytes]:
    """Every output file but the search index (whose files are named by their content)."""
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and "pagefind" not in p.relative_to(folder).parts
    }


def build_as_cold(root: Path, notes: Path) -> tuple[BuildResult, dict[str, bytes]]:
    """Build `notes` into root/public with the cache and check it against a build without
    (`same_as_cold`); return the cached build and its output (search index left out)."""
    cached = build_site(load_settings(root), notes, root / "public", strict=False)
    return cached, same_as_cold(root, notes, cached)


def same_as_cold(root: Path, notes: Path, cached: BuildResult) -> dict[str, bytes]:
    """Assert that `cached`, built into root/public, is what a build without the cache makes
    (into root/fresh); return its output, the search index left out."""
    assert cached.built, [str(d) for d in cached.diagnostics.items]
    fresh = build_site(load_settings(root), notes, root / "fresh", strict=False, use_cache=False)
    assert fresh.built
    ours, theirs = outputs(root / "public"), outputs(root / "fresh")
    assert sorted(ours) == sorted(theirs)
    assert [rel for rel in ours if ours[rel] != theirs[rel]] == []
    assert searchable(root / "public") == searchable(root / "fresh")
    said = sorted(str(d) for d in cached.diagnostics.items)
    assert said == sorted(str(d) for d in fresh.diagnostics.items)
    return ours


class EditedGarden:
    """A project built once cold, then edited note by note: each rebuild is checked byte
    for byte against a build without a cache, and says which pages changed."""

    def __init__(self, root: Path, notes: dict[str, str]) -> None:
        self.root = root
        self.notes = make_project(root, notes)
        self.last = build_as_cold(root, self.notes)[1]

    def write(self, name: str, text: str) -> None:
        (self.notes / name).write_text(text, encoding="utf-8")

    def rebuild(self) -> set[str]:
        """Build with the cache (checked against a cold build); the pages that changed."""
        before, self.last = self.last, build_as_cold(self.root, self.notes)[1]
        return {
            rel
            for rel in before.keys() | self.last.keys()
            if rel.endswith("index.html") and before.get(rel) != self.last.get(rel)
        }

    def page(self, name: str) -> str:
        """The main part of a page: the note, not the explorer around it."""
        html = self.last[f"{name}/index.html"].decode("utf-8")
        return html[html.index("<main") : html.index("</main>")]
