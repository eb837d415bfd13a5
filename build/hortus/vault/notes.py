"""The records the vault stage hands on: a note, and the vault of notes and attachments."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

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
    home: bool = False  # the home page: tagged `gardenEntry`, `dg-home: true` or permalink `/`
    tags: tuple[str, ...] = ()  # frontmatter tags, without their `#`
    aliases: tuple[str, ...] = ()  # other names a link may use for the note
    mtime: float = 0.0  # the file's modification time, the date of last resort
    extra_urls: tuple[str, ...] = ()  # other URLs the same page is published at (the home `/`)
    page: bool = True  # False for what is only ever shown embedded (a canvas, a drawing)
    drawing: bool = False  # an Excalidraw drawing: shown as its exported image, never as text

    @property
    def name(self) -> str:
        return self.path.stem


@dataclass
class Vault:
    """Every note and attachment under the notes folder, published or not."""

    root: Path  # the notes folder
    notes: list[Note] = field(default_factory=list)  # in path order
    attachments: list[PurePosixPath] = field(default_factory=list)  # every other file, in order

    @property
    def published(self) -> list[Note]:
        return [n for n in self.notes if n.published]

    @property
    def home(self) -> Note | None:
        return next((n for n in self.notes if n.home), None)
