"""Where each note is published: its permalink or a slug of its path, the home page, and the
check that no two published notes claim one URL."""

from __future__ import annotations

import posixpath
import re
from pathlib import PurePosixPath
from typing import Any

from hortus.diagnostics import Diagnostics
from hortus.vault.notes import Note, Vault
from hortus.vault.slugs import has_slug, is_reserved_name, path_slug, slugify

_PERMALINK_LINE = 2
# Not allowed in Windows file names, or meaning something else in a URL path.
_UNSAFE_CHARS = re.compile(r'[<>:"\\|?*#%\x00-\x1f\x7f]')
_WINDOWS_CHARS = re.compile(r'[<>:"\\|?*\x00-\x1f]')
_SEGMENT_BYTES = 200


def note_url(
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
    """`/a/b/` from `a/b`, `/a/./b`...; None for one that climbs out of the site."""
    path = "/" + permalink.strip().strip("/")
    normal = posixpath.normpath(path)
    if ".." in PurePosixPath(path).parts or "\\" in path or normal.startswith("//"):
        return None
    return "/" if normal == "/" else normal + "/"


def pick_home(vault: Vault, diagnostics: Diagnostics) -> None:
    """Mark one note as the home page and publish it at `/`: the first garden entry, else a
    published note whose permalink is `/`."""
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


def check_urls(vault: Vault, diagnostics: Diagnostics) -> None:
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
