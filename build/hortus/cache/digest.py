"""The one way hortus names content: SHA-256, as hex.

Every cache key, content-hashed asset name and collision suffix is made here, so that two
layers asked about the same bytes always agree."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any


def digest(*parts: Any) -> str:
    """A stable key for plain data (str, numbers, lists, dicts, None; anything else by str)."""
    text = json.dumps(parts, sort_keys=True, ensure_ascii=False, default=str)
    return text_digest(text)


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
