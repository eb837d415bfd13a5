"""Slugs for URLs and heading ids that keep Unicode letters, so Chinese titles stay readable."""

from __future__ import annotations

import re
import unicodedata

from hortus.cache import short_digest

_SEPARATORS = re.compile(r"[\s\-]+")


def _keep(char: str) -> bool:
    # Letters, marks and digits of any script survive; so do `_` and `.` (file-like names).
    return unicodedata.category(char)[0] in "LMN" or char in "-_."


def _ascii_lower(text: str) -> str:
    return "".join(c.lower() if c.isascii() else c for c in text)


def slugify(text: str) -> str:
    """One URL path segment: ASCII lower-cased, spaces to `-`, punctuation dropped.

    The segment is also a folder name on whatever system the site is copied to: a name
    Windows reserves (`con`, `aux`, `com1`...) gets a `_`, an overlong one is cut and given a
    hash, and one with nothing left (`???`, `🌱`) is a hash of the name, so that no two such
    names share a URL by accident."""
    slug = _plain_slug(text)
    if not slug:
        return _digest(text)
    return safe_segment(slug, text)


def has_slug(text: str) -> bool:
    """Whether the name has letters or digits of its own to make a URL from."""
    return bool(_plain_slug(text))


def _plain_slug(text: str) -> str:
    text = unicodedata.normalize("NFC", text).strip()
    text = _SEPARATORS.sub("-", text)
    text = "".join(c for c in _ascii_lower(text) if _keep(c))
    return re.sub(r"-{2,}", "-", text).strip("-.")


# Device names Windows reserves, with or without an extension (`con.txt` too).
_RESERVED = frozenset(
    ["con", "prn", "aux", "nul", "conin$", "conout$"]
    + [f"{kind}{n}" for kind in ("com", "lpt") for n in [*"0123456789", "¹", "²", "³"]]
)
MAX_SEGMENT_BYTES = 200  # below every file system's 255, with room for a suffix


def is_reserved_name(name: str) -> bool:
    """`CON`, `aux.md`, `Com1 .txt`: names Windows will not create as a file or folder."""
    return name.split(".")[0].rstrip(" ").casefold() in _RESERVED


def safe_segment(segment: str, original: str) -> str:
    """`segment` made a name every file system accepts; `original` seeds the hash."""
    if is_reserved_name(segment):
        base, dot, rest = segment.partition(".")
        segment = f"{base}_{dot}{rest}"
    if len(segment.encode("utf-8")) > MAX_SEGMENT_BYTES:
        cut = segment.encode("utf-8")[: MAX_SEGMENT_BYTES - 9].decode("utf-8", "ignore")
        segment = f"{cut.rstrip('-.')}-{_digest(original)}"
    return segment


def _digest(text: str) -> str:
    return short_digest(unicodedata.normalize("NFC", text))


def heading_slug(text: str) -> str:
    """The id of a heading, as GitHub and Quartz make it, Unicode letters kept."""
    text = unicodedata.normalize("NFC", text).strip()
    text = "".join(c for c in text.lower() if unicodedata.category(c)[0] in "LMN" or c in " -_")
    return re.sub(r"\s", "-", text)


def path_slug(parts: list[str]) -> str:
    """The clean URL of a note at folder parts `a/b/Note` -> `/a/b/note/`."""
    return "/" + "/".join(slugify(part) for part in parts) + "/"
