"""Site URLs of pages, tags and attachments, and how one page refers to another."""

from __future__ import annotations

import posixpath
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import PurePosixPath
from urllib.parse import quote

from hortus.cache import short_digest
from hortus.vault.slugs import safe_segment, slugify, visible


def relative_url(from_url: str, to_url: str) -> str:
    """A site URL relative to the page at `from_url`, so the output also reads from file://
    and from any sub-path it is deployed under."""
    # Every page asks this for each of its links and each entry of its explorer, most of them
    # asked before by the other pages of its folder: answered from their memo when the
    # target is not at or below the page itself (see _Folder).
    folder = _FOLDERS.get(from_url) or _folder(from_url)
    if folder.memo is not None and not to_url.startswith(folder.stem):
        found = folder.memo.get(to_url)
        if found is None:
            found = _relative_url(from_url, to_url)
            if len(folder.memo) < _MEMO_LIMIT and _memoizable(to_url):
                folder.memo[to_url] = found
        return found
    return _relative_url(from_url, to_url)


@dataclass(frozen=True, slots=True)
class _Folder:
    """What relative_url knows of a page URL. From a clean base folder (`/a/b/n/`:
    site-absolute, no `.` segment, no empty one) a clean target not at or below it (not
    starting with `stem`, `/a/b/n`) is written from the base's own parent (`/a/b/`): `../`
    once for the base's last segment, then as from that parent. So pages whose bases share
    a parent share their answers, in `memo`; None for a base that is not clean, or `/`."""

    stem: str
    memo: dict[str, str] | None


_FOLDERS: dict[str, _Folder] = {}  # page URL -> its _Folder
_MEMOS: dict[str, dict[str, str]] = {}  # a base's parent -> the answers from its children
# The targets a memo keeps: the first asked, those every page asks (its assets, the top of
# its explorer); a long `hortus serve` session starts over after _FOLDERS_LIMIT page URLs.
_MEMO_LIMIT = 4096
_FOLDERS_LIMIT = 200_000


def _folder(from_url: str) -> _Folder:
    """The page URL's _Folder, made once per page."""
    if len(_FOLDERS) > _FOLDERS_LIMIT:
        _FOLDERS.clear()
        _MEMOS.clear()
    base = from_url if from_url.endswith("/") else posixpath.dirname(from_url) + "/"
    memo = None
    if from_url and base.startswith("/") and base != "/" and not ("/." in base or "//" in base):
        memo = _MEMOS.setdefault(base[: base.rindex("/", 0, -1) + 1], {})  # by its parent
    folder = _FOLDERS[from_url] = _Folder(base[:-1], memo)
    return folder


def _memoizable(to_url: str) -> bool:
    """Whether `to_url` is clean: site-absolute, no `.` segment, no empty one. Others are
    resolved through posixpath, against the page's own folder."""
    path = to_url.partition("#")[0]
    return path.startswith("/") and not ("/." in path or "//" in path)


def _relative_url(from_url: str, to_url: str) -> str:
    """relative_url, worked out."""
    if not from_url or "://" in to_url or to_url.startswith(("#", "mailto:", "data:")):
        return to_url  # no page URL: the 404 page, served at any path, links site-absolute
    path, hash_, fragment = to_url.partition("#")
    base = from_url if from_url.endswith("/") else posixpath.dirname(from_url) + "/"
    if not (path.startswith("/") and base.startswith("/")) or "/." in path or "/." in base:
        return _general(path, base) + hash_ + fragment
    # Both sides are split (and the target quoted) once per URL, not once per link.
    start = _segments(base)
    to, quoted = _quoted_segments(path)
    common = 0
    for a, b in zip(to, start, strict=False):
        if a != b:
            break
        common += 1
    target = "/".join(("..",) * (len(start) - common) + quoted[common:]) or "."
    if path.endswith("/") and target != ".":
        target += "/"
    return ("./" if target == "." else target) + hash_ + fragment


@lru_cache(maxsize=16384)
def _segments(url: str) -> tuple[str, ...]:
    """A page's folder as its segments, split once per page."""
    return _split(url)


def _split(url: str) -> tuple[str, ...]:
    return tuple(part for part in url.split("/") if part)


@lru_cache(maxsize=65536)
def _quoted_segments(url: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The URL's segments, and each as relative_url writes it (quote() works per character,
    so quoting each segment is quoting the joined path)."""
    parts = _split(url)
    return parts, tuple(p if _UNQUOTED.fullmatch(p) else quote(p, safe="/.-_~%") for p in parts)


def _general(path: str, base: str) -> str:
    """relative_url's target for relative or dotted paths, through posixpath.relpath."""
    target = posixpath.relpath(path, base)
    if path.endswith("/") and target != ".":
        target += "/"
    if target == ".":
        target = "./"
    return quote(target, safe="/.-_~%")


# What quote(..., safe="/.-_~%") leaves as it is.
_UNQUOTED = re.compile(r"[A-Za-z0-9/._~%-]*")


# What the site writes itself at these URLs, named as a warning names it. A note's path never
# gives it one of them: it is published at a variant (`site_variant`) and the build says so.
SITE_PAGES = {"/tags/": "tag index", "/graph/": "garden graph", "/claims/": "claims page"}
# Top folders of the site's own files: the tags' pages, the search index (Pagefind's files
# must be all it holds) and the assets (served with a year-long cache, so a page there would
# not show its edits). No note is published inside the closed ones, not even by a permalink;
# a permalink may choose a tag's page, as it may `/tags/` itself.
SITE_FOLDERS = {"tags": "tag pages", "pagefind": "search index", "assets": "assets"}
CLOSED_FOLDERS = frozenset({"pagefind", "assets"})


def site_url_owner(url: str) -> str | None:
    """What the site itself writes at `url` or around it (`search index`); None: nothing."""
    return SITE_PAGES.get(url) or SITE_FOLDERS.get(url.strip("/").split("/")[0])


def site_variant(url: str, top: str, taken: set[str]) -> str:
    """`url` with its first segment moved to `<segment>-<hash of top>`, `top` being the
    vault's top-level folder or file it comes from: every file of one folder moves to one
    variant folder, the same in every build. `taken`: first segments already in use."""
    first, _, rest = url.strip("/").partition("/")
    seed = top
    while True:
        moved = f"{first}-{short_digest(seed, 6)}"
        if moved not in taken:
            tail = "/" if url.endswith("/") else ""
            return "/" + "/".join(p for p in (moved, rest) if p) + tail
        seed += "/"  # a note named like the variant itself: try the next one


def tag_url(tag: str) -> str:
    """Tags are case-insensitive in Obsidian, so `#Tag` and `#tag` share one page; emoji and
    letters of any script are kept (`#🌱` must not collapse into an empty name), what shows
    nothing (an emoji's variation selector U+FE0F) is not."""
    return "/tags/" + "/".join(_tag_segment(part) for part in tag.split("/") if part) + "/"


def _tag_segment(part: str) -> str:
    kept = "".join(
        c for c in visible(part).casefold() if unicodedata.category(c)[0] in "LMNS" or c in "-_"
    )
    return safe_segment(kept, part) if kept else "-"


def attachment_url(path: PurePosixPath) -> str:
    """Attachments keep their folders; names are slugged like notes', the suffix kept (as
    letters and digits only: `a.p?g` must not put a `?` in a file name)."""
    parts = [slugify(p) for p in path.parent.parts]
    suffix = _SUFFIX_JUNK.sub("", path.suffix.lower())[:16]
    url = "/" + "/".join([*parts, slugify(path.stem) + (f".{suffix}" if suffix else "")])
    if parts and parts[0] == "pagefind":  # beside its folder's notes, out of the search index
        return site_variant(url, path.parts[0], set())
    return url


_SUFFIX_JUNK = re.compile(r"[^0-9a-z]")
