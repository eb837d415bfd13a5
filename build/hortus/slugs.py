"""Slugs for URLs and heading ids that keep Unicode letters, so Chinese titles stay readable."""

from __future__ import annotations

import re
import unicodedata

_SEPARATORS = re.compile(r"[\s\-]+")


def _keep(char: str) -> bool:
    # Letters, marks and digits of any script survive; so do `_` and `.` (file-like names).
    return unicodedata.category(char)[0] in "LMN" or char in "-_."


def _ascii_lower(text: str) -> str:
    return "".join(c.lower() if c.isascii() else c for c in text)


def slugify(text: str) -> str:
    """One URL path segment: ASCII lower-cased, spaces to `-`, punctuation dropped."""
    text = unicodedata.normalize("NFC", text).strip()
    text = _SEPARATORS.sub("-", text)
    text = "".join(c for c in _ascii_lower(text) if _keep(c))
    return re.sub(r"-{2,}", "-", text).strip("-.") or "-"


def heading_slug(text: str) -> str:
    """The id of a heading, as GitHub and Quartz make it, Unicode letters kept."""
    text = unicodedata.normalize("NFC", text).strip()
    text = "".join(c for c in text.lower() if unicodedata.category(c)[0] in "LMN" or c in " -_")
    return re.sub(r"\s", "-", text)


def path_slug(parts: list[str]) -> str:
    """The clean URL of a note at folder parts `a/b/Note` -> `/a/b/note/`."""
    return "/" + "/".join(slugify(part) for part in parts) + "/"
