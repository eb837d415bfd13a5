"""The records the vault stage hands on: a note, the vault of notes and attachments, and the
language and home page chosen for the site."""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any, NamedTuple

from hortus.cache import text_digest
from hortus.vault.canvas import CanvasLayout
from hortus.vault.frontmatter_dates import GivenDates, given_dates

NOTE_SUFFIXES = (".md", ".markdown")
CANVAS_SUFFIX = ".canvas"
HOME_TAG = "gardenentry"  # `#gardenEntry`, compared case-insensitively


@dataclass(eq=False)  # a note is itself: identity, not a field-by-field compare of its text
class Note:
    """One note (or canvas) of the vault, as read from disk and placed on the site."""

    path: PurePosixPath  # relative to the vault, e.g. `folder/My note.md`
    source: str  # the whole file, frontmatter included, newlines normalised to \n
    frontmatter: dict[str, Any]  # the YAML keys, with those the site reads made text or lists
    title: str  # frontmatter `title` or `dg-title`, else the file name without its suffix
    url: str  # canonical URL, `/a/b/`
    published: bool  # whether the note may appear on the site in any form
    permalink_line: int | None = None  # the frontmatter line of the permalink the URL is from
    home: bool = False  # the home page: tagged `gardenEntry`, `dg-home: true` or permalink `/`
    tags: tuple[str, ...] = ()  # frontmatter tags, without their `#`
    aliases: tuple[str, ...] = ()  # other names a link may use for the note
    mtime: float = 0.0  # the file's modification time, the date of last resort
    extra_urls: tuple[str, ...] = ()  # other URLs the same page is published at (the home `/`)
    page: bool = True  # False for what is only ever shown embedded (a canvas, a drawing)
    drawing: bool = False  # an Excalidraw drawing: shown as its exported image, never as text
    canvas: CanvasLayout | None = None  # a canvas's board (its text is the cards' outline)

    @property
    def name(self) -> str:
        return self.path.stem

    @functools.cached_property
    def source_digest(self) -> str:
        """The digest of the note's text, made once: the vault stage keeps it with the note,
        so the stages keying on the text do not hash every note's text at every build."""
        return text_digest(self.source)

    @functools.cached_property
    def given_dates(self) -> GivenDates | None:
        """The dates the frontmatter gives, worked out once: the vault stage keeps them with
        the note in the store, so the pages' dates need no frontmatter read at every build."""
        return given_dates(self.frontmatter)

    def __getattr__(self, name: str) -> Any:
        # A note kept from the last build (see kept_note) reads its text on first use.
        state = self.__dict__
        text = state.get("_text") if name == "source" else None
        if text is None:
            if name == "source" and "source" in state:  # read by another thread just now
                return state["source"]
            raise AttributeError(f"'Note' object has no attribute '{name}'")
        state["source"] = text(self)
        state.pop("_text", None)
        return state["source"]

    # Pickled (the reading workers) as its fields, with its path as text: a PurePosixPath
    # pickles as its class and each of its parts, larger and slower to load.
    def __reduce__(self) -> tuple[Any, ...]:
        self.source  # noqa: B018 (a kept note's text, read now)
        state = self.__dict__.copy()
        state["path"] = str(self.path)
        return _note_from_state, (state,)

    def __setstate__(self, state: dict[str, Any]) -> None:  # what older pickles held
        self.__dict__.update(state)
        self.path = vault_path(state["path"])


def _note_from_state(state: dict[str, Any]) -> Note:
    """A pickled note again: its fields as they were, no constructor run."""
    note = Note.__new__(Note)
    state["path"] = vault_path(state["path"])
    note.__dict__ = state
    return note


# What the note store keeps of a note besides its text, in this order (see note_row): its
# fields and what is worked out once from them. A tuple of values loads several times faster
# than the note's own dict of them, and the text is read only when asked for.
_ROW = (
    "path", "frontmatter", "title", "url", "published", "permalink_line", "home", "tags",
    "aliases", "mtime", "extra_urls", "page", "drawing", "canvas", "source_digest", "given_dates",
)  # fmt: skip
NoteRow = tuple[Any, ...]


def note_row(note: Note) -> NoteRow:
    """The note as the note store keeps it, but its text (see kept_note)."""
    return tuple(str(note.path) if name == "path" else getattr(note, name) for name in _ROW)


def kept_note(row: NoteRow, text: Callable[[Note], str]) -> Note:
    """The note of a row note_row made, whose text `text(note)` gives when it is first read."""
    note = Note.__new__(Note)
    state = dict(zip(_ROW, row, strict=True))
    state["path"] = vault_path(state["path"])
    state["_text"] = text
    note.__dict__ = state
    return note


def vault_path(text: str) -> PurePosixPath:
    """PurePosixPath(text) for a vault-relative path as str() writes one (`a/b.md`): made
    from its parts directly, an eighth of the time, when this Python's pathlib allows."""
    parts = text.split("/")
    if _FROM_PARTS is None or "" in parts or "." in parts or ".." in parts:
        return PurePosixPath(text)
    return _FROM_PARTS("", "", parts)


# How pathlib before 3.12 makes a path of parts already split (many thousands per build).
_FROM_PARTS = (
    getattr(PurePosixPath, "_from_parsed_parts", None) if sys.version_info < (3, 12) else None
)


class SiteLanguage(NamedTuple):
    """The language the pages are written in, and how it was chosen."""

    tag: str  # a BCP 47 tag, as `<html lang>` and search take it: `en`, `zh-CN`, `ja`
    reason: str  # how it was chosen, as the build summary says it


class HomeChoice(NamedTuple):
    """What `/` shows, and why."""

    path: PurePosixPath | None  # the note published at `/`; None: a list of the top level
    reason: str  # why, as the build summary says it


@dataclass
class Vault:
    """Every note and attachment under the notes folder, published or not."""

    root: Path  # the notes folder
    notes: list[Note] = field(default_factory=list)  # in path order
    attachments: list[PurePosixPath] = field(default_factory=list)  # every other file, in order
    # Set by load_vault: the pages' language (the settings' or the notes'), and what `/` is.
    language: SiteLanguage = field(default_factory=lambda: SiteLanguage("en", ""))
    home_choice: HomeChoice = field(default_factory=lambda: HomeChoice(None, ""))
    # Notes read from their files by load_vault; the others were kept from the last build.
    read_anew: int = 0

    @property
    def published(self) -> list[Note]:
        return [n for n in self.notes if n.published]

    @property
    def home(self) -> Note | None:
        return next((n for n in self.notes if n.home), None)
