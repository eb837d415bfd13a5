"""Reading the vault: every note, canvas and attachment under the notes folder, each note
decoded, its frontmatter read and its URL assigned; then the home page, one page per URL and
the language of the pages."""

from __future__ import annotations

import codecs
import functools
import os
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from hortus.cache import NoteStore
from hortus.config import Settings
from hortus.diagnostics import BuildError, Diagnostic, Diagnostics
from hortus.parallel import chunked, fork_map
from hortus.vault.bases import BASE_SUFFIX, read_base
from hortus.vault.canvas import CanvasError, CanvasLayout, canvas_layout, canvas_markdown
from hortus.vault.files import Stamp, vault_files
from hortus.vault.frontmatter import is_published, parse_frontmatter, string_list
from hortus.vault.language import ProseMemo, sample_language, sampled_pages, site_language
from hortus.vault.notes import (
    CANVAS_SUFFIX,
    HOME_TAG,
    NOTE_SUFFIXES,
    Note,
    NoteRow,
    Vault,
    kept_note,
    note_row,
    vault_path,
)
from hortus.vault.permalinks import note_url
from hortus.vault.placed import (
    Placement,
    kept_placement,
    place,
    placement_input,
    placement_key,
)
from hortus.vault.slugs import path_slug
from hortus.vault.templates import in_template_folder

PARALLEL_READ_MIN = 500  # notes to read before forked workers pay for themselves


def load_vault(
    notes_dir: Path,
    settings: Settings,
    diagnostics: Diagnostics,
    jobs: int = 1,
    store: NoteStore | None = None,
    templates: tuple[str, ...] = (),
) -> Vault:
    """Every file under `notes_dir`: notes and canvases read, the rest kept as attachments;
    then the home page, one page per URL (two permalinks of one URL are an error in
    `diagnostics`) and the pages' language, the settings' or the published notes'. A large
    vault's notes are read by `jobs` processes; with `store`, a note whose file has the size
    and time it had at the last build is taken from there, unread, and the pages are placed
    as the last build placed them when no note read anew changes what placing them reads.
    No note in the `templates` folders is published (see hortus.vault.templates)."""
    vault = Vault(root=notes_dir)
    files = vault_files(notes_dir, diagnostics, store.listed if store is not None else None)
    kept = kept_placement(store)
    kinds = {name: _kind(name) for name in files}
    note_files = {name: files[name] for name, kind in kinds.items() if kind == _NOTE}
    reading = _read_notes(notes_dir, note_files, settings, jobs, store, templates)
    vault.read_anew = len(reading.reread)
    names: list[str] = []  # the path of each of vault.notes, as text
    unkept: list[Note] = []  # notes read at every build (not kept in `store`)
    for name, kind in kinds.items():
        if kind == _NOTE:
            note, said = reading.found[name]
            diagnostics.items.extend(said)  # in path order, as if read here
        elif kind == _ATTACHMENT:
            vault.attachments.append(vault_path(name))
            continue
        else:
            note = _read_other(notes_dir, name, kind, settings, diagnostics)
            if note is not None:
                unkept.append(note)
        if note is not None:
            vault.notes.append(note)
            names.append(name)
    key = placement_key(settings, vault, names, unkept)
    placement = place(vault, names, key, settings, diagnostics, kept if reading.unmoved else None)
    reread = reading.reread if placement is kept else None
    placement = _language(settings, vault, store, placement, reread)
    if store is not None and (reading.saved or placement is not kept):
        store.save_placement(placement)
    return vault


_NOTE, _CANVAS, _BASE, _ATTACHMENT = "note", "canvas", "base", "attachment"
_KINDS = {suffix: _NOTE for suffix in NOTE_SUFFIXES} | {CANVAS_SUFFIX: _CANVAS, BASE_SUFFIX: _BASE}


def _kind(relpath: str) -> str:
    """What the file is, by its suffix (any case)."""
    if relpath.endswith(".md"):  # most files, at once
        return _NOTE
    dot = relpath.rfind(".")
    # A listed file's name never starts with a dot, so a dot after the last `/` (not the
    # last character) starts its suffix, as PurePosixPath's `suffix` has it.
    if dot <= relpath.rfind("/") + 1:
        return _ATTACHMENT
    return _KINDS.get(relpath[dot:].lower(), _ATTACHMENT)


def _read_other(
    root: Path, name: str, kind: str, settings: Settings, diagnostics: Diagnostics
) -> Note | None:
    """A canvas or a base, read at every build."""
    if kind == _CANVAS:
        note = _read_canvas(root, PurePosixPath(name), diagnostics)
        if note is not None:
            # A page of its own when every note is published; opt-in, it has no flag to
            # say so, and is shown only where a published note embeds it.
            note.page = settings.publish == "all"
        return note
    return read_base(root, PurePosixPath(name), settings, diagnostics)  # shows its views


def _language(
    settings: Settings,
    vault: Vault,
    store: NoteStore | None,
    placement: Placement,
    reread: list[str] | None,
) -> Placement:
    """Set the pages' language: the settings', else as `placement` has it when the pages are
    placed as it placed them and no note read anew (`reread`) is one it was chosen from; else
    from the pages' prose, whose counts are kept in `store` by the text's digest, so a build
    counts only the notes whose text changed. Returns `placement` with the language."""
    if settings.language:
        vault.language = site_language(settings.language, vault.notes)
        if placement.language is None:
            return placement
        return placement._replace(language=None, sampled=frozenset())  # else kept stale
    language, sampled = placement.language, placement.sampled
    if language is not None and reread is not None and sampled.isdisjoint(reread):
        vault.language = language
        return placement
    memo = ProseMemo(store.load_memo() if store is not None else {})
    sample = sampled_pages(vault.notes)
    vault.language = sample_language(sample, memo)
    if store is not None and memo.used != memo.known:
        store.save_memo(memo.used)
    sampled = frozenset(str(n.path) for n in sample)
    return placement._replace(language=vault.language, sampled=sampled)


Read = tuple[Note | None, list[Diagnostic]]  # a note, or None, and what reading it said


@dataclass
class _Reading:
    """The notes of a vault, read or kept."""

    found: dict[str, Read]  # by vault-relative path
    reread: list[str]  # the notes read anew (not kept), by vault-relative path
    unmoved: bool  # no note read anew changes what placing the pages reads of it
    saved: bool  # the store was written again


def _read_notes(
    root: Path,
    files: dict[str, Stamp | None],
    settings: Settings,
    jobs: int,
    store: NoteStore | None,
    templates: tuple[str, ...],
) -> _Reading:
    """Each note of `files` (vault-relative path -> its size and time, when listing gave
    them: not for a symlink), read (or kept in `store`), with what reading it reported."""
    kept: dict[str, Kept] = store.load() if store is not None else {}
    text = functools.partial(_kept_text, store, root)  # a kept note's, when it is read
    stamps: dict[str, Stamp] = {}
    found: dict[str, Read] = {}
    missing: list[str] = []
    folder = str(root)
    for name, stamp in files.items():
        if stamp is None:
            try:
                stat = os.stat(os.path.join(folder, name))
            except OSError:
                missing.append(name)  # read below, which says why it cannot be
                continue
            stamp = (stat.st_size, stat.st_mtime_ns)
        stamps[name] = stamp
        entry = kept.get(name)
        if entry is not None and entry[0] == stamp:
            row = entry[1]
            found[name] = (kept_note(row, text) if row is not None else None, entry[2])
        else:
            missing.append(name)

    def read_chunk(chunk: list[str]) -> list[Read]:
        read = []
        for name in chunk:
            said = Diagnostics()
            note = read_note(root, PurePosixPath(name), settings, said, templates)
            if note is not None:  # made here, kept with the note in the store
                note.source_digest  # noqa: B018
                note.given_dates  # noqa: B018
            read.append((note, said.items))
        return read

    workers = jobs if len(missing) >= PARALLEL_READ_MIN else 1
    chunks = chunked(missing, workers)
    for chunk, notes in zip(chunks, fork_map(read_chunk, chunks, workers), strict=True):
        found.update(zip(chunk, notes, strict=True))
    saved = False
    if store is not None:
        read_now = {name: found[name] for name in missing if name in stamps}
        gone = [name for name in kept if name not in stamps]
        saved = bool(read_now or gone)
        if saved:  # kept as read, before load_vault places the pages (which changes URLs)
            _keep(store, read_now, stamps, gone)
    unmoved = not any(_moved(found[n], kept.get(n), text) for n in missing)
    return _Reading(found, missing, unmoved, saved)


# A note as the store keeps it: its file's size and time, the note but its text (None: it
# could not be read), what reading it said. Its text is kept apart (see _kept_text).
Kept = tuple[Stamp, NoteRow | None, list[Diagnostic]]


def _keep(
    store: NoteStore, read: dict[str, Read], stamps: dict[str, Stamp], gone: list[str]
) -> None:
    """The notes read now kept in `store` in place of their old entries; those `gone` removed."""
    changed: dict[str, Kept] = {}
    texts: dict[str, tuple[str, str]] = {}
    for name, (note, said) in read.items():
        changed[name] = (stamps[name], note_row(note) if note is not None else None, said)
        if note is not None:
            texts[name] = (note.source_digest, note.source)
    store.update(changed, gone, texts)


def _kept_text(store: NoteStore | None, root: Path, note: Note) -> str:
    """A kept note's text, as the store kept it beside the note; read from its file again
    when the store has lost it (a text shard removed or damaged)."""
    name = str(note.path)
    entry = store.text(name) if store is not None else None
    if isinstance(entry, tuple) and len(entry) == 2 and entry[0] == note.source_digest:
        return entry[1]
    try:
        raw = (root / name).read_bytes()
    except OSError as exc:
        raise BuildError(f"{name}: cannot read the note: {exc.strerror}") from exc
    return decode_note(raw, name, Diagnostics())


def _moved(read: Read, before: Kept | None, text: Callable[[Note], str]) -> bool:
    """Whether a note read anew may be placed otherwise than as it was before."""
    row = before[1] if before is not None else None
    note, old = read[0], kept_note(row, text) if row is not None else None
    return note is None or old is None or placement_input(note) != placement_input(old)


def read_note(
    root: Path,
    relpath: PurePosixPath,
    settings: Settings,
    diagnostics: Diagnostics,
    templates: tuple[str, ...] = (),
) -> Note | None:
    """The note at `relpath` under `root`, or None (reported) when it cannot be read. Whether
    it is the home page is settled by load_vault, which sees every note. A note in one of the
    `templates` folders is never published, and its placeholders are not reported."""
    template = in_template_folder(relpath, templates)
    if template:
        diagnostics = Diagnostics()
    full = root / relpath
    try:
        mtime = full.stat().st_mtime
        raw = full.read_bytes()
    except OSError as exc:
        diagnostics.warn(str(relpath), None, "read", f"cannot read the note: {exc.strerror}")
        return None
    text = decode_note(raw, str(relpath), diagnostics)
    frontmatter, readable = parse_frontmatter(text, str(relpath), diagnostics)
    published = readable and not template and is_published(frontmatter, settings.publish)
    tags = string_list(frontmatter.get("tags", frontmatter.get("tag")))
    aliases = string_list(frontmatter.get("aliases", frontmatter.get("alias")), split_spaces=False)
    home = HOME_TAG in {t.lower() for t in tags} or frontmatter.get("dg-home") is True
    # An Excalidraw drawing's Markdown is the plugin's data, not prose: never a page. The
    # plugin takes a note for a drawing when its `excalidraw-plugin` property is set (an
    # empty one is a note like any other).
    drawing = bool(frontmatter.get("excalidraw-plugin")) or relpath.stem.lower().endswith(
        ".excalidraw"
    )
    title = frontmatter.get("title") or frontmatter.get("dg-title") or relpath.stem
    url = note_url(relpath, frontmatter, text, diagnostics if published else None)
    return Note(
        path=relpath,
        source=text,
        frontmatter=frontmatter,
        title=str(title),
        url=url.url,
        published=published,
        permalink_line=url.permalink_line,
        home=home and published and not drawing,
        page=not drawing,
        drawing=drawing,
        tags=tuple(t.lstrip("#") for t in tags if t.lstrip("#")),
        aliases=tuple(aliases),
        mtime=mtime,
    )


def decode_note(raw: bytes, path: str, diagnostics: Diagnostics) -> str:
    """The note as text: UTF-8 (a BOM dropped), or UTF-16 where a BOM says so; bad bytes, NUL
    and other control characters become U+FFFD with a warning on their line; CRLF and lone
    CR become LF."""
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        diagnostics.warn(path, None, "encoding", "saved as UTF-16; read as such (save as UTF-8)")
        text = raw.decode("utf-16", errors="replace")
    else:
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            line = _line_of(raw[: exc.start].decode("utf-8"))
            diagnostics.warn(path, line, "encoding", "not valid UTF-8; bad bytes replaced")
            text = raw.decode("utf-8", errors="replace")
    text = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    # The full class is slow to search (its astral noncharacters): only text that has
    # characters beyond the BMP needs it.
    first = (_CONTROL if _ASTRAL.search(text) else _BMP_CONTROL).search(text)
    if first is not None:
        line = text.count("\n", 0, first.start()) + 1
        what = "NUL bytes" if first.group() == "\0" else "control characters"
        diagnostics.warn(path, line, "encoding", f"{what} in the note; shown as \ufffd")
        text = _CONTROL.sub("\ufffd", text)
    return text


# What HTML does not allow in a page: C0 and C1 controls other than tab, newline and form
# feed, and the Unicode noncharacters.
_NONCHARACTERS = "".join(chr(p + 0xFFFE) + chr(p + 0xFFFF) for p in range(0, 0x110000, 0x10000))
_CONTROL = re.compile(f"[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f\ufdd0-\ufdef{_NONCHARACTERS}]")
_BMP_CONTROL = re.compile("[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f\ufdd0-\ufdef\ufffe\uffff]")
_ASTRAL = re.compile("[\U00010000-\U0010ffff]")


def _line_of(prefix: str) -> int:
    return prefix.replace("\r\n", "\n").replace("\r", "\n").count("\n") + 1


def _read_canvas(root: Path, relpath: PurePosixPath, diagnostics: Diagnostics) -> Note | None:
    """A canvas becomes a note that is only shown where a published note embeds it."""
    try:
        mtime = (root / relpath).stat().st_mtime
        text = (root / relpath).read_text(encoding="utf-8", errors="replace")
        source = canvas_markdown(text)
        layout: CanvasLayout | None = canvas_layout(text)
    except OSError as exc:
        diagnostics.warn(str(relpath), None, "read", f"cannot read the canvas: {exc.strerror}")
        return None
    except CanvasError as exc:
        diagnostics.warn(str(relpath), None, "canvas", str(exc))
        source, layout = "", None
    return Note(
        path=relpath,
        source=source,
        frontmatter={},
        title=relpath.stem,
        url=path_slug(list(relpath.with_suffix("").parts)),
        published=True,
        page=False,
        mtime=mtime,
        canvas=layout,
    )
