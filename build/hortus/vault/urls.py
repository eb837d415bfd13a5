"""Site URLs of pages, tags and attachments, and how one page refers to another."""

from __future__ import annotations

import posixpath
import re
import unicodedata
from functools import lru_cache
from pathlib import PurePosixPath
from urllib.parse import quote

from hortus.vault.slugs import safe_segment, slugify, visible


@lru_cache(maxsize=65536)
def relative_url(from_url: str, to_url: str) -> str:
    """A site URL relative to the page at `from_url`, so the output also reads from file://
    and from any sub-path it is deployed under."""
    if not from_url or "://" in to_url or to_url.startswith(("#", "mailto:", "data:")):
        return to_url  # no page URL: the 404 page, served at any path, links site-absolute
    path, hash_, fragment = to_url.partition("#")
    base = from_url if from_url.endswith("/") else posixpath.dirname(from_url) + "/"
    target = _relpath(path, base)
    if path.endswith("/") and target != ".":
        target += "/"
    if target == ".":
        target = "./"
    return quote(target, safe="/.-_~%") + hash_ + fragment


def _relpath(path: str, base: str) -> str:
    """posixpath.relpath for site paths, without its os.getcwd() and normpath on every call:
    it is called for every link of every page."""
    if not (path.startswith("/") and base.startswith("/")) or "/." in path + base:
        return posixpath.relpath(path, base)  # relative or dotted paths: the general case
    to = [part for part in path.split("/") if part]
    start = [part for part in base.split("/") if part]
    common = 0
    for a, b in zip(to, start, strict=False):
        if a != b:
            break
        common += 1
    return "/".join([".."] * (len(start) - common) + to[common:]) or "."


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
