"""Stage 1: find notes and attachments, read frontmatter, decide what is published, assign URLs."""

from __future__ import annotations

import codecs
import datetime as dt
import os
import posixpath
import re
import stat
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

import yaml

from hortus.config import Settings
from hortus.diagnostics import Diagnostics
from hortus.vault.canvas import CanvasError, canvas_markdown
from hortus.vault.slugs import has_slug, is_reserved_name, path_slug, slugify

# libyaml's loader when PyYAML was built with it: the same results, several times faster.
_YamlLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
NOTE_SUFFIXES = (".md", ".markdown")
CANVAS_SUFFIX = ".canvas"
HOME_TAG = "gardenentry"


@dataclass(eq=False)  # a note is itself: identity, not a field-by-field compare of its text
class Note:
    path: PurePosixPath  # relative to the vault, e.g. `folder/My note.md`
    source: str  # the whole file, frontmatter included, newlines normalised to \n
    frontmatter: dict[str, Any]
    title: str
    url: str  # canonical URL, `/a/b/`
    published: bool
    home: bool = False
    tags: tuple[str, ...] = ()
    aliases: tuple[str, ...] = ()
    mtime: float = 0.0
    extra_urls: tuple[str, ...] = ()  # other URLs the same page is published at (the home `/`)
    page: bool = True  # False for what is only ever shown embedded (a canvas, a drawing)
    drawing: bool = False  # an Excalidraw drawing: shown as its exported image, never as text

    @property
    def name(self) -> str:
        return self.path.stem


@dataclass
class Vault:
    root: Path
    notes: list[Note] = field(default_factory=list)
    attachments: list[PurePosixPath] = field(default_factory=list)

    @property
    def published(self) -> list[Note]:
        return [n for n in self.notes if n.published]

    @property
    def home(self) -> Note | None:
        return next((n for n in self.notes if n.home), None)


def load_vault(notes_dir: Path, settings: Settings, diagnostics: Diagnostics) -> Vault:
    vault = Vault(root=notes_dir)
    for relpath in _walk(notes_dir, diagnostics):
        suffix = relpath.suffix.lower()
        if suffix in NOTE_SUFFIXES:
            note = _read_note(notes_dir, relpath, settings, diagnostics)
            if note is not None:
                vault.notes.append(note)
        elif suffix == CANVAS_SUFFIX:
            note = _read_canvas(notes_dir, relpath, diagnostics)
            if note is not None:
                vault.notes.append(note)
        else:
            vault.attachments.append(relpath)
    _pick_home(vault, diagnostics)
    _check_urls(vault, diagnostics)
    return vault


def _walk(root: Path, diagnostics: Diagnostics) -> list[PurePosixPath]:
    """Every file under the vault, sorted; hidden folders (.obsidian, .trash) skipped.
    Symlinks are never followed out of the vault, nor into folders (a folder linked to its
    parent would never end); a broken or looping link, a pipe or a device is skipped."""
    found: list[PurePosixPath] = []
    real_root = root.resolve()

    def unreadable(error: OSError) -> None:
        where = _display(Path(error.filename or root), root)
        diagnostics.warn(where, None, "read", f"cannot read the folder: {error.strerror}")

    for folder, dirs, files in os.walk(root, followlinks=False, onerror=unreadable):
        kept = []
        for name in sorted(d for d in dirs if not d.startswith(".")):
            full = Path(folder) / name
            rel = _display(full, root)
            if not _decodable(name):
                diagnostics.warn(rel, None, "filename", "folder name is not valid UTF-8; skipped")
            elif full.is_symlink():
                diagnostics.warn(rel, None, "symlink", _folder_link_problem(full, real_root))
            else:
                if name.lower().endswith(NOTE_SUFFIXES):
                    diagnostics.warn(
                        rel, None, "filename", "a folder named like a note; read as a folder"
                    )
                kept.append(name)
        dirs[:] = kept
        for name in sorted(files):
            if name.startswith("."):
                continue
            full = Path(folder) / name
            rel = _display(full, root)
            if not _decodable(name):
                diagnostics.warn(rel, None, "filename", "file name is not valid UTF-8; skipped")
                continue
            problem = _file_problem(full, real_root)
            if problem is not None:
                kind = "symlink" if full.is_symlink() else "read"
                diagnostics.warn(rel, None, kind, problem)
                continue
            found.append(PurePosixPath(rel))
    return found


def _display(full: Path, root: Path) -> str:
    """The vault-relative path as text that can always be printed and written as UTF-8."""
    try:
        rel = full.relative_to(root).as_posix()
    except ValueError:
        rel = full.as_posix()
    return os.fsencode(rel).decode("utf-8", "backslashreplace")


def _decodable(name: str) -> bool:
    """False for a name whose bytes are not UTF-8 (Python keeps them as lone surrogates,
    which no page, URL or report can hold)."""
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _folder_link_problem(full: Path, real_root: Path) -> str:
    try:
        target = full.resolve(strict=True)
    except (OSError, RuntimeError):  # RuntimeError: Python before 3.13 on a loop
        return "symlink is broken or loops; not followed"
    if not target.is_relative_to(real_root):
        return "symlinked folder points outside the vault; not followed"
    return "symlinked folder not followed (its notes are read where they really are)"


def _file_problem(full: Path, real_root: Path) -> str | None:
    """Why a file is not read, or None. A symlink may point at a file inside the vault."""
    if full.is_symlink():
        try:
            target = full.resolve(strict=True)
        except (OSError, RuntimeError):
            return "symlink is broken or loops; skipped"
        if not target.is_relative_to(real_root):
            return "symlink points outside the vault; skipped"
    try:
        mode = full.stat().st_mode
    except OSError as exc:
        return f"cannot read the file: {exc.strerror}"
    if not stat.S_ISREG(mode):
        return "not a regular file (a pipe, socket or device); skipped"
    return None


def _read_note(
    root: Path, relpath: PurePosixPath, settings: Settings, diagnostics: Diagnostics
) -> Note | None:
    full = root / relpath
    try:
        mtime = full.stat().st_mtime
        raw = full.read_bytes()
    except OSError as exc:
        diagnostics.warn(str(relpath), None, "read", f"cannot read the note: {exc.strerror}")
        return None
    text = decode_note(raw, str(relpath), diagnostics)
    frontmatter, ok = parse_frontmatter(text, str(relpath), diagnostics)
    published = ok and is_published(frontmatter, settings.publish)
    tags = _string_list(frontmatter.get("tags", frontmatter.get("tag")))
    aliases = _string_list(frontmatter.get("aliases", frontmatter.get("alias")), split_spaces=False)
    home = HOME_TAG in {t.lower() for t in tags} or frontmatter.get("dg-home") is True
    # An Excalidraw drawing's Markdown is the plugin's data, not prose: never a page.
    drawing = "excalidraw-plugin" in frontmatter or relpath.stem.lower().endswith(".excalidraw")
    title = frontmatter.get("title") or frontmatter.get("dg-title") or relpath.stem
    url = _url_for(relpath, frontmatter, diagnostics if published else None)
    return Note(
        path=relpath,
        source=text,
        frontmatter=frontmatter,
        title=str(title),
        url=url,
        published=published,
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
    first = _CONTROL.search(text)
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


def _line_of(prefix: str) -> int:
    return prefix.replace("\r\n", "\n").replace("\r", "\n").count("\n") + 1


def _read_canvas(root: Path, relpath: PurePosixPath, diagnostics: Diagnostics) -> Note | None:
    """A canvas becomes a note that is only shown where a published note embeds it."""
    try:
        mtime = (root / relpath).stat().st_mtime
        text = (root / relpath).read_text(encoding="utf-8", errors="replace")
        source = canvas_markdown(text)
    except OSError as exc:
        diagnostics.warn(str(relpath), None, "read", f"cannot read the canvas: {exc.strerror}")
        return None
    except CanvasError as exc:
        diagnostics.warn(str(relpath), None, "canvas", str(exc))
        source = ""
    return Note(
        path=relpath,
        source=source,
        frontmatter={},
        title=relpath.stem,
        url=path_slug(list(relpath.with_suffix("").parts)),
        published=True,
        page=False,
        mtime=mtime,
    )


def parse_frontmatter(
    text: str, path: str, diagnostics: Diagnostics
) -> tuple[dict[str, Any], bool]:
    """The YAML between the opening `---` and the closing `---`; ok is False when it is broken
    (the note then is not published, since its publish flag cannot be read)."""
    lines = text.split("\n")
    if not lines or lines[0].rstrip() != "---":
        return {}, True
    for end in range(1, len(lines)):
        if lines[end].rstrip() in ("---", "..."):
            break
    else:
        diagnostics.warn(path, 1, "frontmatter", "frontmatter has no closing `---`; note skipped")
        return {}, False
    block = "\n".join(lines[1:end])
    try:
        data = yaml.load(block, Loader=_YamlLoader) if block.strip() else {}
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        # Within the YAML lines: libyaml puts end-of-input errors on the closing fence.
        line = min(mark.line + 2, end) if mark is not None else 1
        problem = getattr(exc, "problem", None) or str(exc)
        diagnostics.warn(
            path, line, "frontmatter", f"invalid YAML frontmatter ({problem}); note skipped"
        )
        return {}, False
    except (ValueError, TypeError, OverflowError, RecursionError) as exc:
        # YAML that parses but cannot be built: a date like 2020-13-45, nesting too deep.
        problem = str(exc) or type(exc).__name__
        diagnostics.warn(
            path, 2, "frontmatter", f"invalid YAML frontmatter ({problem}); note skipped"
        )
        return {}, False
    if data is None:
        return {}, True
    if not isinstance(data, dict):
        diagnostics.warn(
            path, 2, "frontmatter", "frontmatter is not a mapping of keys to values; note skipped"
        )
        return {}, False
    if not _small(data):
        diagnostics.warn(
            path, 2, "frontmatter",
            "frontmatter is too large or refers to itself through YAML aliases; note skipped",
        )  # fmt: skip
        return {}, False
    frontmatter = {str(k): v for k, v in data.items()}
    _check_types(frontmatter, lines[1:end], path, diagnostics)
    return frontmatter, True


# More values than any real frontmatter holds: YAML aliases can make a few lines stand for
# billions of values, or for a list that contains itself.
_FRONTMATTER_VALUES = 100_000


def _small(data: Any) -> bool:
    budget = _FRONTMATTER_VALUES
    pending = [data]
    while pending:
        value = pending.pop()
        budget -= 1
        if budget < 0:
            return False
        if isinstance(value, dict):
            pending.extend(value.keys())
            pending.extend(value.values())
        elif isinstance(value, list | tuple | set):
            pending.extend(value)
    return True


_TEXT_KEYS = ("title", "dg-title", "description", "permalink", "dg-permalink")
_LIST_KEYS = ("tags", "tag", "aliases", "alias", "cssclasses", "cssclass")
_SCALAR = (str, int, float, dt.date)


def _check_types(
    frontmatter: dict[str, Any], lines: list[str], path: str, diagnostics: Diagnostics
) -> None:
    """Keys the site reads as text or as a list of words, made so; what cannot be (a mapping
    where a title should be) is dropped with a warning rather than failing the build."""
    for key in _TEXT_KEYS:
        value = frontmatter.get(key)
        if value is None or isinstance(value, str):
            continue
        if isinstance(value, _SCALAR):  # bool is an int
            frontmatter[key] = str(value)
            continue
        del frontmatter[key]
        diagnostics.warn(
            path, _key_line(lines, key), "frontmatter",
            f"`{key}` should be text, not {_kind(value)}; ignored",
        )  # fmt: skip
    for key in _LIST_KEYS:
        value = frontmatter.get(key)
        if value is None or isinstance(value, str):
            continue
        if isinstance(value, _SCALAR):  # `cssclasses: 5`
            frontmatter[key] = str(value)
            continue
        if isinstance(value, list) and all(v is None or isinstance(v, _SCALAR) for v in value):
            continue
        if isinstance(value, list):
            frontmatter[key] = [v for v in value if v is None or isinstance(v, _SCALAR)]
            problem = "holds lists or mappings; those items ignored"
        else:
            del frontmatter[key]
            problem = f"should be a list or text, not {_kind(value)}; ignored"
        diagnostics.warn(path, _key_line(lines, key), "frontmatter", f"`{key}` {problem}")


def _kind(value: Any) -> str:
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list | tuple | set):
        return "a list"
    return type(value).__name__


def _key_line(lines: list[str], key: str) -> int:
    """The file line of a top-level key (the fence is line 1), or line 2 when not found."""
    pattern = re.compile(rf"""\s*["']?{re.escape(key)}["']?\s*:""")
    for number, line in enumerate(lines, start=2):
        if pattern.match(line):
            return number
    return 2


def is_published(frontmatter: dict[str, Any], mode: str) -> bool:
    flags = [frontmatter.get(key) for key in ("dg-publish", "publish")]
    if mode == "all":
        return False not in flags and frontmatter.get("draft") is not True
    return True in flags


def _string_list(value: Any, split_spaces: bool = True) -> list[str]:
    """Obsidian accepts a YAML list or a comma (or, for tags, space) separated string."""
    if value is None:
        return []
    if isinstance(value, str):
        items = value.replace(",", " ").split() if split_spaces else value.split(",")
        return [s.strip() for s in items if s.strip()]
    if isinstance(value, list):
        return [str(v).strip() for v in value if v is not None and str(v).strip()]
    return [str(value)]


def _url_for(
    relpath: PurePosixPath, frontmatter: dict[str, Any], diagnostics: Diagnostics | None
) -> str:
    """The note's URL from its permalink, else from its path. Problems are reported only for
    published notes (`diagnostics` None otherwise): a private note's name is nobody's business."""
    report = diagnostics or Diagnostics()
    permalink = frontmatter.get("permalink") or frontmatter.get("dg-permalink")
    if permalink:
        clean = _clean_permalink(str(permalink))
        if clean is not None:
            safe = _safe_permalink(clean)
            if safe != clean:
                report.warn(
                    str(relpath), _PERMALINK_LINE, "permalink",
                    f"permalink {permalink!r} holds what a file name or URL path cannot "
                    f"(on Windows, or too long); published at {safe}",
                )  # fmt: skip
            return safe
        report.warn(
            str(relpath), _PERMALINK_LINE, "permalink",
            f"permalink {permalink!r} leaves the site; ignored",
        )  # fmt: skip
    parts = list(relpath.with_suffix("").parts)
    url = path_slug(parts)
    problem = _name_problem(relpath)
    if problem:
        report.warn(
            str(relpath), None, "filename",
            f"{problem}; published at {url} (a permalink can choose another)",
        )  # fmt: skip
    return url


_PERMALINK_LINE = 2
# Not allowed in Windows file names, or meaning something else in a URL path.
_UNSAFE_CHARS = re.compile(r'[<>:"\\|?*#%\x00-\x1f\x7f]')
_WINDOWS_CHARS = re.compile(r'[<>:"\\|?*\x00-\x1f]')
_SEGMENT_BYTES = 200


def _safe_permalink(url: str) -> str:
    """Permalinks are kept as written, but a segment no file system can hold as a folder
    name (`a?b`, `CON`, `x.`, 300 letters) is slugged like a file name."""
    if url == "/":
        return url
    parts = []
    for part in url.strip("/").split("/"):
        unsafe = (
            _UNSAFE_CHARS.search(part)
            or part != part.rstrip(". ")
            or is_reserved_name(part)
            or len(part.encode("utf-8")) > _SEGMENT_BYTES
        )
        parts.append(slugify(part) if unsafe else part)
    return "/" + "/".join(parts) + "/"


def _name_problem(relpath: PurePosixPath) -> str | None:
    """Why the note's file name would not travel (Windows, another sync tool), or gives no
    URL of its own; None when it is fine."""
    for part in relpath.with_suffix("").parts:
        bad = sorted(set(_WINDOWS_CHARS.findall(part)))
        if bad:
            shown = " ".join(repr(c)[1:-1] if c < " " else c for c in bad)
            return f"name {part!r} has characters Windows does not allow ({shown})"
        if part != part.rstrip(". "):
            return f"name {part!r} ends in a dot or space, which Windows drops"
        if is_reserved_name(part):
            return f"name {part!r} is reserved by Windows"
        if not has_slug(part):
            return f"name {part!r} has no letter or digit to make a URL from"
    return None


def _clean_permalink(permalink: str) -> str | None:
    path = "/" + permalink.strip().strip("/")
    normal = posixpath.normpath(path)
    if ".." in PurePosixPath(path).parts or "\\" in path or normal.startswith("//"):
        return None
    return "/" if normal == "/" else normal + "/"


def _pick_home(vault: Vault, diagnostics: Diagnostics) -> None:
    homes = [n for n in vault.notes if n.home]
    if not homes:
        # Without a garden entry, a note whose permalink is `/` is the home page.
        homes = [n for n in vault.published if n.url == "/"]
        for note in homes:
            note.home = True
    for extra in homes[1:]:
        extra.home = False
        diagnostics.warn(
            str(extra.path),
            None,
            "home",
            f"more than one garden entry; {homes[0].path} is the home page",
        )
    if not homes:
        return
    home = homes[0]
    if home.frontmatter.get("permalink") or home.frontmatter.get("dg-permalink"):
        # The permalink stays the canonical URL; `/` serves the same page.
        if home.url != "/":
            home.extra_urls = ("/",)
    else:
        home.url = "/"


def _check_urls(vault: Vault, diagnostics: Diagnostics) -> None:
    """Two published notes must not claim one URL: the second would silently overwrite the first."""
    seen: dict[str, Note] = {}
    for note in (n for n in vault.published if n.page):
        for url in (note.url, *note.extra_urls):
            other = seen.get(url)
            if other is not None and other is not note:
                diagnostics.error(
                    str(note.path),
                    None,
                    "url",
                    f"URL {url} is also the URL of {other.path}; give one of them a permalink",
                )
            seen.setdefault(url, note)
