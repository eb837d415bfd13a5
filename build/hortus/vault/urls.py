"""Site URLs of pages, tags and attachments, and how one page refers to another."""

from __future__ import annotations

import posixpath
import re
import unicodedata
from functools import lru_cache
from pathlib import PurePosixPath
from urllib.parse import quote

from hortus.vault.slugs import safe_segment, slugify, visible


def relative_url(from_url: str, to_url: str) -> str:
    """A site URL relative to the page at `from_url`, so the output also reads from file://
    and from any sub-path it is deployed under."""
    if not from_url or "://" in to_url or to_url.startswith(("#", "mailto:", "data:")):
        return to_url  # no page URL: the 404 page, served at any path, links site-absolute
    path, hash_, fragment = to_url.partition("#")
    base = from_url if from_url.endswith("/") else posixpath.dirname(from_url) + "/"
    if not (path.startswith("/") and base.startswith("/")) or "/." in path or "/." in base:
        return _general(path, base) + hash_ + fragment
    # Every page asks this for each of its links, and each page asks from a URL of its own:
    # both sides are split (and the target quoted) once per URL, not once per link.
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
    return "/" + "/".join([*parts, slugify(path.stem) + (f".{suffix}" if suffix else "")])


_SUFFIX_JUNK = re.compile(r"[^0-9a-z]")
