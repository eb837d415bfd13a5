"""Slugs for URLs and heading ids that keep Unicode letters, so Chinese titles stay readable.

What a slug keeps and drops (the README states the same rules):
- letters and digits of every script, and the marks (accents, vowel signs) written on them;
  ASCII is lower-cased, other scripts are left as written; `_` and `.` stay;
- spaces and hyphens become one `-`, and a slug never starts or ends with `-` or `.`;
- characters that show nothing are dropped wherever they stand: format characters (category
  Cf: ZWJ U+200D, ZWSP U+200B, BOM U+FEFF, direction marks...), variation selectors (U+FE0F
  after an emoji, U+FE00-FE0F, U+E0100-E01EF, Mongolian U+180B-180F), the combining grapheme
  joiner and the Hangul fillers; so are emoji, symbols and punctuation, with any mark that
  was written on them.
The result depends on the text alone (NFC first), so the same name always gets one URL."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from hortus.cache import short_digest

_SEPARATORS = re.compile(r"[\s\-]+")
# Invisible, yet not of category Cf: variation selectors (Mn), the combining grapheme joiner
# (Mn) and the Hangul fillers (Lo), which would otherwise pass as marks or letters.
_INVISIBLE = re.compile(
    "[\u034f\u115f\u1160\u180b-\u180f\u3164\ufe00-\ufe0f\uffa0\U000e0100-\U000e01ef]"
)


def visible(text: str) -> str:
    """`text` without the characters that show nothing (see above)."""
    text = _INVISIBLE.sub("", text)
    if text.isascii():
        return text
    return "".join(c for c in text if unicodedata.category(c) != "Cf")


def _slug_chars(text: str, keep: str) -> str:
    """Letters and digits of any script, the marks written on them, and the characters of
    `keep`; a mark written on something dropped (an emoji's keycap) goes with it."""
    kept: list[str] = []
    on_letter = False  # whether a mark here belongs to a kept letter or digit
    for char in text:
        kind = unicodedata.category(char)
        if kind[0] in "LN":
            kept.append(char)
            on_letter = True
        elif kind in ("Mn", "Mc"):
            if on_letter:
                kept.append(char)
        else:
            if char in keep:
                kept.append(char)
            on_letter = False
    return "".join(kept)


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
    if text.isascii():  # what _plain_slug keeps that its ends cannot lose: at once
        return any(c.isalnum() or c == "_" for c in text)
    return bool(_plain_slug(text))


@lru_cache(maxsize=65536)  # a folder's name is slugged for every note in it
def _plain_slug(text: str) -> str:
    text = _normal(text).strip()
    text = _SEPARATORS.sub("-", text)
    text = _slug_chars(_ascii_lower(text), "-_.")
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


def _normal(text: str) -> str:
    """The text as it shows: NFC, after what shows nothing is gone (a ZWJ between a letter
    and its accent would keep them apart)."""
    return unicodedata.normalize("NFC", visible(text))


def _digest(text: str) -> str:
    return short_digest(_normal(text))


def heading_slug(text: str) -> str:
    """The id of a heading, as GitHub and Quartz make it, Unicode letters kept and the
    characters that show nothing dropped."""
    text = _normal(text).strip()
    return re.sub(r"\s", "-", _slug_chars(text.lower(), " -_"))


def path_slug(parts: list[str]) -> str:
    """The clean URL of a note at folder parts `a/b/Note` -> `/a/b/note/`."""
    return "/" + "/".join(slugify(part) for part in parts) + "/"
