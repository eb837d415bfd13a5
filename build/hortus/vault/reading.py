"""Reading the vault: every note, canvas and attachment under the notes folder, each note
decoded, its frontmatter read and its URL assigned; then the home page, one page per URL and
the language of the pages."""

from __future__ import annotations

import codecs
import os
import re
from pathlib import Path, PurePosixPath

from hortus.cache import NoteStore
from hortus.config import Settings
from hortus.diagnostics import Diagnostic, Diagnostics
from hortus.parallel import chunked, fork_map
from hortus.vault.bases import BASE_SUFFIX, read_base
from hortus.vault.canvas import CanvasError, CanvasLayout, canvas_layout, canvas_markdown
from hortus.vault.files import stem_and_suffix, vault_files
from hortus.vault.folders import assign_folder_notes
from hortus.vault.frontmatter import is_published, parse_frontmatter, string_list
from hortus.vault.home import pick_home
from hortus.vault.language import ProseMemo, site_language
from hortus.vault.notes import CANVAS_SUFFIX, HOME_TAG, NOTE_SUFFIXES, Note, SiteLanguage, Vault
from hortus.vault.permalinks import note_url, place_pages
from hortus.vault.slugs import path_slug

PARALLEL_READ_MIN = 500  # notes to read before forked workers pay for themselves


def load_vault(
    notes_dir: Path,
    settings: Settings,
    diagnostics: Diagnostics,
    jobs: int = 1,
    store: NoteStore | None = None,
) -> Vault:
    """Every file under `notes_dir`: notes and canvases read, the rest kept as attachments;
    then the home page, one page per URL (two permalinks of one URL are an error in
    `diagnostics`) and the pages' language, the settings' or the published notes'. A large
    vault's notes are read by `jobs` processes; with `store`, a note whose file has the size
    and time it had at the last build is taken from there, unread."""
    vault = Vault(root=notes_dir)
    files = vault_files(notes_dir, diagnostics)
    suffixes = {name: _suffix(name) for name in files}
    note_files = {n: stat for n, stat in files.items() if suffixes[n] in NOTE_SUFFIXES}
    read = _read_notes(notes_dir, note_files, settings, jobs, store)
    for name, suffix in suffixes.items():
        if suffix in NOTE_SUFFIXES:
            note, said = read[name]
            diagnostics.items.extend(said)  # in path order, as if read here
            if note is not None:
                vault.notes.append(note)
        elif suffix == CANVAS_SUFFIX:
            note = _read_canvas(notes_dir, PurePosixPath(name), diagnostics)
            if note is not None:
                # A page of its own when every note is published; opt-in, it has no flag to
                # say so, and is shown only where a published note embeds it.
                note.page = settings.publish == "all"
                vault.notes.append(note)
        elif suffix == BASE_SUFFIX:  # an Obsidian base: a note that shows its views
            note = read_base(notes_dir, PurePosixPath(name), settings, diagnostics)
            if note is not None:
                vault.notes.append(note)
        else:
            vault.attachments.append(PurePosixPath(name))
    _warn_if_none_published(vault, settings, diagnostics)
    assign_folder_notes(vault)  # before the home page and the URL check see the URLs
    vault.home_choice = pick_home(vault, diagnostics)
    place_pages(vault, diagnostics)
    vault.language = _language(settings, vault, store)
    return vault


def _warn_if_none_published(vault: Vault, settings: Settings, diagnostics: Diagnostics) -> None:
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


def _suffix(relpath: str) -> str:
    """The file's suffix, lower-cased."""
    return stem_and_suffix(relpath.rpartition("/")[2])[1].lower()


def _language(settings: Settings, vault: Vault, store: NoteStore | None) -> SiteLanguage:
    """The pages' language; what counting the notes' prose found is kept in `store`, so a
    build counts only the notes whose text changed."""
    memo = ProseMemo(store.load_memo() if store is not None else {})
    language = site_language(settings.language, vault.notes, memo)
    if store is not None and memo.used != memo.known:
        store.save_memo(memo.used)
    return language


Read = tuple[Note | None, list[Diagnostic]]  # a note, or None, and what reading it said


def _read_notes(
    root: Path,
    files: dict[str, os.stat_result | None],
    settings: Settings,
    jobs: int,
    store: NoteStore | None,
) -> dict[str, Read]:
    """Each note of `files` (vault-relative path -> its stat, when listing gave one), read
    (or kept in `store`), with what reading it reported."""
    kept: dict[str, tuple[tuple[int, int], Read]] = store.load() if store is not None else {}
    stamps: dict[str, tuple[int, int]] = {}
    found: dict[str, Read] = {}
    folder = str(root)
    for name, stat in files.items():
        if stat is None:
            try:
                stat = os.stat(os.path.join(folder, name))
            except OSError:
                continue  # read below, which says why it cannot be
        stamp = stamps[name] = (stat.st_size, stat.st_mtime_ns)
        entry = kept.get(name)
        if entry is not None and entry[0] == stamp:
            found[name] = entry[1]
    missing = [name for name in files if name not in found]

    def read_chunk(chunk: list[str]) -> list[Read]:
        read = []
        for name in chunk:
            said = Diagnostics()
            note = read_note(root, PurePosixPath(name), settings, said)
            if note is not None:
                note.source_digest  # noqa: B018  made here, kept with the note in the store
            read.append((note, said.items))
        return read

    workers = jobs if len(missing) >= PARALLEL_READ_MIN else 1
    chunks = chunked(missing, workers)
    for chunk, notes in zip(chunks, fork_map(read_chunk, chunks, workers), strict=True):
        found.update(zip(chunk, notes, strict=True))
    if store is not None and (missing or store.stale(len(stamps))):
        # Kept as read, before load_vault places the pages (which changes URLs).
        store.save({name: (stamp, found[name]) for name, stamp in stamps.items() if name in found})
    return found


def read_note(
    root: Path, relpath: PurePosixPath, settings: Settings, diagnostics: Diagnostics
) -> Note | None:
    """The note at `relpath` under `root`, or None (reported) when it cannot be read. Whether
    it is the home page is settled by load_vault, which sees every note."""
    full = root / relpath
    try:
        mtime = full.stat().st_mtime
        raw = full.read_bytes()
    except OSError as exc:
        diagnostics.warn(str(relpath), None, "read", f"cannot read the note: {exc.strerror}")
        return None
    text = decode_note(raw, str(relpath), diagnostics)
    frontmatter, readable = parse_frontmatter(text, str(relpath), diagnostics)
    published = readable and is_published(frontmatter, settings.publish)
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
