"""Where each note is published: its permalink or a slug of its path, and one page per URL.

Two notes whose paths slug alike (`A b.md`, `a-B.md`) are both published: the first in path
order keeps the URL, the other gets the same slug with a short hash of its path, and a warning
says how to choose (`permalink:`). Two permalinks that claim one URL are an error, since
neither can be moved without overruling what the writer said."""

from __future__ import annotations

import posixpath
import re
from functools import lru_cache
from pathlib import PurePosixPath
from typing import Any, NamedTuple

from hortus.cache import short_digest
from hortus.diagnostics import Diagnostics
from hortus.vault.frontmatter import frontmatter_line
from hortus.vault.notes import Note, Vault
from hortus.vault.slugs import has_slug, is_reserved_name, path_slug, slugify
from hortus.vault.urls import CLOSED_FOLDERS, SITE_FOLDERS, site_url_owner, site_variant

# Not allowed in Windows file names, or meaning something else in a URL path.
_UNSAFE_CHARS = re.compile(r'[<>:"\\|?*#%\x00-\x1f\x7f]')
_WINDOWS_CHARS = re.compile(r'[<>:"\\|?*\x00-\x1f]')
_SEGMENT_BYTES = 200
# Files the site itself writes at its root: a page there would be a folder in their place.
SITE_FILES = re.compile(
    r"(404\.html|feed\.xml|sitemap(-\d+)?\.xml|robots\.txt|claims\.json)\Z", re.I
)


class NoteUrl(NamedTuple):
    """Where a note is published, as its frontmatter and path say."""

    url: str  # `/a/b/`
    permalink_line: int | None  # the frontmatter line of the permalink; None: from the path


def note_url(
    relpath: PurePosixPath, frontmatter: dict[str, Any], text: str, diagnostics: Diagnostics | None
) -> NoteUrl:
    """The note's URL from its permalink, else from its path. Problems are reported only for
    published notes (`diagnostics` None otherwise): a private note's name is nobody's business."""
    report = diagnostics or Diagnostics()
    key = "permalink" if frontmatter.get("permalink") else "dg-permalink"
    permalink = frontmatter.get(key)
    if permalink:
        line = frontmatter_line(text, key)
        clean = _clean_permalink(str(permalink))
        safe = _safe_permalink(clean) if clean is not None else None
        if safe is not None and safe != clean:
            report.warn(
                str(relpath), line, "permalink",
                f"permalink {permalink!r} holds what a file name or URL path cannot "
                f"(on Windows, or too long); published at {safe}",
            )  # fmt: skip
        problem = "leaves the site" if safe is None else _permalink_problem(safe)
        if safe is not None and problem is None:
            return NoteUrl(safe, line)
        report.warn(str(relpath), line, "permalink", f"permalink {permalink!r} {problem}; ignored")
    return NoteUrl(_clear_of_site_files(path_slug(list(relpath.with_suffix("").parts))), None)


def _permalink_problem(url: str) -> str | None:
    """Why a permalink cannot have `url`: a file or a folder of the site's own."""
    if _site_file(url):
        return "is a file the site writes itself"
    first = url.strip("/").split("/")[0]
    if first in CLOSED_FOLDERS:
        return f"is inside /{first}/, the site's {SITE_FOLDERS[first]}"
    return None


def _site_file(url: str) -> bool:
    return bool(SITE_FILES.match(url.strip("/").split("/")[0]))


def _clear_of_site_files(url: str) -> str:
    """A note named `feed.xml.md` is published at `/feed-xml/`: `/feed.xml/` would be a
    folder where the site's feed is written."""
    if not _site_file(url):
        return url
    first, _, rest = url.strip("/").partition("/")
    return "/" + "/".join(p for p in (first.replace(".", "-"), rest) if p) + "/"


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


def _name_problem(relpath: PurePosixPath) -> tuple[str, str] | None:
    """Why the note's file name, or the name of a folder it is in, would not travel
    (Windows, another sync tool), or gives no URL of its own: (the file or that folder,
    why); None when every name is fine."""
    parts = posixpath.splitext(str(relpath))[0].split("/")
    for depth, part in enumerate(parts):
        problem = _part_problem(part)
        if problem is not None:
            where = "/".join(parts[: depth + 1]) if depth < len(parts) - 1 else str(relpath)
            return where, problem
    return None


@lru_cache(maxsize=65536)  # a folder's name is checked for every note in it
def _part_problem(part: str) -> str | None:
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
    """`/a/b/` from `a/b`, `/a/./b`...; None for one that climbs out of the site."""
    path = "/" + permalink.strip().strip("/")
    normal = posixpath.normpath(path)
    if ".." in PurePosixPath(path).parts or "\\" in path or normal.startswith("//"):
        return None
    return "/" if normal == "/" else normal + "/"


def place_pages(vault: Vault, diagnostics: Diagnostics) -> None:
    """One published page per URL. What the writer chose (a permalink, the home page's `/`)
    is placed first, and two such choices of one URL are an error naming both; then, in path
    order, each note whose URL comes from its path, moved to a variant when it is taken."""
    pages = [n for n in vault.notes if n.published and n.page]
    owner: dict[str, Note] = {}
    for note in (n for n in pages if _chosen(n)):
        for url in (note.url, *note.extra_urls):
            other = owner.setdefault(url, note)
            if other is not note:
                diagnostics.error(
                    str(note.path), note.permalink_line, "url",
                    f"URL {url} is also the URL of {_where(other)}; change one of the permalinks",
                )  # fmt: skip
    # A variant must not take the URL another note's path gives it, even a later note's.
    from_paths = {n.url for n in pages if not _chosen(n)}
    clear_of_site = _SitePages(diagnostics, {u.strip("/").split("/")[0] for u in owner})
    clear_of_site.taken |= {u.strip("/").split("/")[0] for u in from_paths}
    folders_told: set[str] = set()
    for note in (n for n in pages if not _chosen(n)):
        clear_of_site.place(note)
        other = owner.get(note.url)
        if other is not None:
            variant = _variant(note, owner, from_paths)
            diagnostics.warn(
                str(note.path), None, "url",
                f"URL {note.url} is also the URL of {other.path}; published at {variant} "
                "(a `permalink:` in either note chooses another)",
            )  # fmt: skip
            note.url = variant
        owner[note.url] = note
        _warn_of_name(note, diagnostics, folders_told)


def _warn_of_name(note: Note, diagnostics: Diagnostics, folders_told: set[str]) -> None:
    """A note's name that would not travel is said for the note; a folder's, once for the
    folder (`folders_told`: those said so far), not for each note in it."""
    problem = _name_problem(note.path)
    if problem is None:
        return
    where, why = problem
    if where == str(note.path):
        diagnostics.warn(
            where, None, "filename",
            f"{why}; published at {note.url} (a permalink can choose another)",
        )  # fmt: skip
    elif where not in folders_told:
        folders_told.add(where)
        diagnostics.warn(
            where, None, "filename",
            f"{why}; its notes are published at URLs made from it, as {note.url}",
        )  # fmt: skip


class _SitePages:
    """Moves each note whose path gives it a URL of the site's own pages (`Tags.md`: the tag
    index `/tags/`; `pagefind/x.md`: inside the search index) to a variant, the way two
    notes of one URL are told apart, and says so once per note or top folder moved."""

    def __init__(self, diagnostics: Diagnostics, taken: set[str]) -> None:
        self.diagnostics = diagnostics
        self.taken = taken  # first segments of the URLs notes have
        self.moved: dict[str, str] = {}  # top folder or file -> its variant's first segment
        self.told: set[str] = set()

    def place(self, note: Note) -> None:
        owner = site_url_owner(note.url)
        if owner is None:
            return
        top = note.path.parts[0]
        if top not in self.moved:
            self.moved[top] = site_variant(note.url, top, self.taken).strip("/").split("/")[0]
            self.taken.add(self.moved[top])
        first, _, rest = note.url.strip("/").partition("/")
        moved = "/" + "/".join(p for p in (self.moved[top], rest) if p) + "/"
        if not rest or len(note.path.parts) == 1:  # a page of the site's, or a file at its top
            where = str(note.path)
            said = f"URL {note.url} is the site's {owner}; published at {moved}"
        else:
            where = f"{top}/"
            said = (
                f"the folder's notes would be published inside /{first}/, the site's {owner}; "
                f"they are published inside /{self.moved[top]}/"
            )
        if where not in self.told:
            self.told.add(where)
            self.diagnostics.warn(where, None, "url", f"{said} (a `permalink:` chooses another)")
        note.url = moved


def _chosen(note: Note) -> bool:
    """The note's URLs were chosen by its writer: a permalink, or `/` for the home page."""
    return note.permalink_line is not None or note.home


def _where(note: Note) -> str:
    """`path`, or `path:line` of the permalink that chose the URL."""
    line = f":{note.permalink_line}" if note.permalink_line is not None else ""
    return f"{note.path}{line}"


def _variant(note: Note, owner: dict[str, Note], from_paths: set[str]) -> str:
    """The note's URL with a short hash of its path on the last segment: readable, and the
    same in every build, whatever other notes come and go."""
    head, _, last = note.url.rstrip("/").rpartition("/")
    seed = str(note.path)
    while True:
        url = f"{head}/{last}-{short_digest(seed, 6)}/"
        if url not in owner and url not in from_paths:
            return url
        seed += "/"  # a note named like the variant itself: try the next one
