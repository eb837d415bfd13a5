"""Where the pages are placed (folder notes, the home page, one page per URL) and what placing
them said, kept beside the notes it placed: a build whose notes bring placement what they
brought last time (the same notes in the same order, and the same publishing, URLs as read,
permalinks and home marks) takes the URLs and the warnings as they were instead of placing
every note again. An edit of a note's text, tags or title does not move any page."""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

from hortus.cache import NoteStore, digest, text_digest
from hortus.config import Settings
from hortus.diagnostics import Diagnostic, Diagnostics
from hortus.vault.folders import assign_folder_notes
from hortus.vault.home import pick_home
from hortus.vault.notes import NOTE_SUFFIXES, HomeChoice, Note, SiteLanguage, Vault
from hortus.vault.permalinks import place_pages

# A note's placed URL, home mark and other URLs.
Placed = tuple[str, bool, tuple[str, ...]]


class Placement(NamedTuple):
    """What placing the pages of one vault made of them."""

    key: str  # what the notes brought to placement (see placement_key)
    moved: dict[str, Placed]  # each note placement changed, by path, as placed
    said: list[Diagnostic]  # what placing said, in order
    home: HomeChoice
    # The pages' language as chosen from their prose, and the notes it was chosen from.
    language: SiteLanguage | None = None
    sampled: frozenset[str] = frozenset()


def placement_input(note: Note) -> tuple[object, ...]:
    """What placement reads of a note as read: two reads of a note that give the same place
    it alike."""
    frontmatter = note.frontmatter
    return (
        note.published,
        note.page,
        note.url,
        note.permalink_line,
        note.home,
        bool(frontmatter.get("permalink") or frontmatter.get("dg-permalink")),
        frontmatter.get("dg-home") is True,
        note.drawing,  # not a page whose prose tells the language
    )


def placement_key(
    settings: Settings, vault: Vault, names: Sequence[str], unkept: list[Note]
) -> str:
    """The notes of `vault` (their paths, `names`) as placement sees them, given that those
    kept in the store are as they were when it was saved; `unkept`: the notes read anew at
    every build (canvases, bases), whose inputs are part of the key."""
    return digest(
        settings.publish,
        str(settings.root),
        str(vault.root),
        text_digest("\0".join(names)),
        [(str(n.path), *placement_input(n)) for n in unkept],
    )


def place(
    vault: Vault,
    names: Sequence[str],
    key: str,
    settings: Settings,
    diagnostics: Diagnostics,
    kept: Placement | None,
) -> Placement:
    """Give each note of `vault` (paths `names`) its place: as `kept` placed them when its
    key is `key`, else anew (see load_vault). What placing said is said either way."""
    if kept is not None and kept.key == key:
        if kept.moved:
            by_name = dict(zip(names, vault.notes, strict=True))
            for name, (url, home, extra_urls) in kept.moved.items():
                note = by_name[name]
                note.url, note.home, note.extra_urls = url, home, extra_urls
        diagnostics.items.extend(kept.said)
        vault.home_choice = kept.home
        return kept
    said_from = len(diagnostics.items)
    before = [(n.url, n.home, n.extra_urls) for n in vault.notes]
    warn_if_none_published(vault, settings, diagnostics)
    assign_folder_notes(vault)  # before the home page and the URL check see the URLs
    vault.home_choice = pick_home(vault, diagnostics)
    place_pages(vault, diagnostics)
    moved = {
        name: placed
        for name, note, was in zip(names, vault.notes, before, strict=True)
        if (placed := (note.url, note.home, note.extra_urls)) != was
    }
    return Placement(key, moved, diagnostics.items[said_from:], vault.home_choice)


def warn_if_none_published(vault: Vault, settings: Settings, diagnostics: Diagnostics) -> None:
    """One warning, not one a note, when opting in left every note out: the site would be
    empty with no word of why."""
    if settings.publish == "all" or any(
        n.published and n.path.suffix.lower() in NOTE_SUFFIXES for n in vault.notes
    ):
        return  # asked of every build: the quick answers first
    notes = [n for n in vault.notes if n.path.suffix.lower() in NOTE_SUFFIXES]
    if not notes:
        return
    try:
        folder = vault.root.resolve().relative_to(settings.root.resolve()).as_posix()
    except ValueError:  # a notes folder outside the project
        folder = str(vault.root)
    diagnostics.warn(
        folder, None, "publish",
        f"no note is marked for publishing ({len(notes)} in the vault), so the site has no "
        "note pages: add `dg-publish: true` to a note's properties to publish it, or set "
        '`publish = "all"` under `[tool.hortus]` in pyproject.toml to publish every note',
    )  # fmt: skip


def kept_placement(store: NoteStore | None) -> Placement | None:
    """The placement kept beside the notes in `store`, if any (and readable as one)."""
    found = store.load_placement() if store is not None else None
    return found if isinstance(found, Placement) else None
