"""The one way hortus names content: SHA-256, as hex.

Every cache key, content-hashed asset name and collision suffix is made here, so that two
layers asked about the same bytes always agree."""

from __future__ import annotations

import hashlib
import json
import marshal
from pathlib import Path
from typing import Any


def digest(*parts: Any) -> str:
    """A stable key for plain data (str, numbers, lists, dicts, None; anything else by str)."""
    text = json.dumps(parts, sort_keys=True, ensure_ascii=False, default=str)
    return text_digest(text)


def plain_digest(*parts: Any) -> str:
    """`digest` for large plain data made of text, numbers, booleans, None, and tuples and
    lists of them, several times sooner (a garden's every file or note at every build): as
    marshal's first format writes it, which shares no object between places and marks no
    text as interned, so equal data always gives the same bytes. A tuple and a list of the
    same items differ; a dict's order counts. Other data falls back to `digest`."""
    try:
        return hashlib.sha256(marshal.dumps(parts, 0)).hexdigest()
    except ValueError:  # not plain (a named tuple, a path): written as JSON
        return digest(*parts)


def text_digest(text: str) -> str:
    """The digest of a string; lone surrogates (odd file names) are kept, not refused."""
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def bytes_digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def file_digest(path: str | Path) -> str | None:
    """The digest of a file's bytes, or None when it cannot be read."""
    try:
        return bytes_digest(Path(path).read_bytes())
    except OSError:
        return None


def short_digest(text: str, length: int = 8) -> str:
    """A short, stable suffix that tells apart names which would otherwise collide."""
    return text_digest(text)[:length]
