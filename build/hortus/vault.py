"""Stage 1: find notes and attachments, read frontmatter, decide what is published, assign URLs."""

from __future__ import annotations

import os
import posixpath
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

import yaml

from hortus.canvas import CanvasError, canvas_markdown
from hortus.config import Settings
from hortus.diagnostics import Diagnostics
from hortus.slugs import path_slug

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
    """Every file under the vault, sorted; hidden folders (.obsidian, .trash) skipped;
    symlinks are never followed out of the vault."""
    found: list[PurePosixPath] = []
    real_root = root.resolve()
    for folder, dirs, files in os.walk(root, followlinks=False):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(files):
            if name.startswith("."):
                continue
            full = Path(folder) / name
            rel = PurePosixPath(full.relative_to(root).as_posix())
            if full.is_symlink():
                target = full.resolve()
                if not target.is_relative_to(real_root) or not target.is_file():
                    diagnostics.warn(
                        str(rel), None, "symlink", "symlink points outside the vault; skipped"
                    )
                    continue
            found.append(rel)
    return found


def _read_note(
    root: Path, relpath: PurePosixPath, settings: Settings, diagnostics: Diagnostics
) -> Note | None:
    full = root / relpath
    try:
        raw = full.read_bytes()
    except OSError as exc:
        diagnostics.warn(str(relpath), None, "read", f"cannot read the note: {exc.strerror}")
        return None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        diagnostics.warn(str(relpath), line, "encoding", "not valid UTF-8; bad bytes replaced")
        text = raw.decode("utf-8", errors="replace")
    text = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    frontmatter, ok = parse_frontmatter(text, str(relpath), diagnostics)
    published = ok and is_published(frontmatter, settings.publish)
    tags = _string_list(frontmatter.get("tags", frontmatter.get("tag")))
    aliases = _string_list(frontmatter.get("aliases", frontmatter.get("alias")), split_spaces=False)
    home = HOME_TAG in {t.lower() for t in tags} or frontmatter.get("dg-home") is True
    # An Excalidraw drawing's Markdown is the plugin's data, not prose: never a page.
    drawing = "excalidraw-plugin" in frontmatter or relpath.stem.lower().endswith(".excalidraw")
    title = frontmatter.get("title") or frontmatter.get("dg-title") or relpath.stem
    url = _url_for(relpath, frontmatter, diagnostics)
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
        mtime=full.stat().st_mtime,
    )


def _read_canvas(root: Path, relpath: PurePosixPath, diagnostics: Diagnostics) -> Note | None:
    """A canvas becomes a note that is only shown where a published note embeds it."""
    try:
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
        mtime=(root / relpath).stat().st_mtime,
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
    if data is None:
        return {}, True
    if not isinstance(data, dict):
        diagnostics.warn(
            path, 2, "frontmatter", "frontmatter is not a mapping of keys to values; note skipped"
        )
        return {}, False
    return {str(k): v for k, v in data.items()}, True


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


def _url_for(relpath: PurePosixPath, frontmatter: dict[str, Any], diagnostics: Diagnostics) -> str:
    permalink = frontmatter.get("permalink") or frontmatter.get("dg-permalink")
    if permalink:
        clean = _clean_permalink(str(permalink))
        if clean is not None:
            return clean
        diagnostics.warn(
            str(relpath), 2, "permalink", f"permalink {permalink!r} leaves the site; ignored"
        )
    parts = list(relpath.with_suffix("").parts)
    return path_slug(parts)


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
