"""Results of notes' cells kept between builds, in .hortus/cells/: one JSON file per key.

The caller gives plain data: what the key is made of and the JSON to keep. An entry is read
back only while every input file it was stored with has the same bytes; the key covers the
rest (the caller's parts, this format, hortus, Python and every installed package).
Deleting the folder only means the notes run again."""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from hortus.cache.digest import digest, file_digest
from hortus.cache.fingerprint import environment_fingerprint

# Raised when what an entry holds changes shape (the envelope, or the results the cells stage
# stores in it), so that old entries are never read.
CACHE_FORMAT = 3


class ResultCache:
    """One JSON file per key, valid while every input file it names is unchanged."""

    def __init__(self, folder: Path, enabled: bool, base: Path | None = None) -> None:
        self.folder = folder
        self.enabled = enabled  # when False, nothing is read (a run with --no-cache still stores)
        # Input files under `base` (the project) are kept relative to it, so the folder can be
        # moved with the project (a fresh clone, another machine) and still be read.
        self.base = base.resolve() if base is not None else None

    def key(self, *parts: Any) -> str:
        """The key of an entry made from `parts` (plain data), in this installation."""
        return digest(CACHE_FORMAT, environment_fingerprint(), *parts)

    def get(self, key: str) -> Any | None:
        """The value stored under `key`, if its inputs are unchanged; else None."""
        if not self.enabled:
            return None
        try:
            entry = json.loads((self.folder / f"{key}.json").read_text(encoding="utf-8"))
            inputs, value = entry["inputs"], entry["result"]
            if any(file_digest(self._absolute(p)) != known for p, known in inputs.items()):
                return None
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            return None
        return value

    def put(self, key: str, value: Any, inputs: Iterable[str]) -> None:
        """Keep `value` (JSON-able) under `key`, with the digests of the `inputs` files now."""
        entry = {
            "inputs": {self._relative(path): file_digest(path) for path in sorted(inputs)},
            "result": value,
        }
        self.folder.mkdir(parents=True, exist_ok=True)
        target = self.folder / f"{key}.json"
        temporary = target.with_suffix(".tmp")
        temporary.write_text(json.dumps(entry), encoding="utf-8")
        temporary.replace(target)

    def _relative(self, path: str) -> str:
        if self.base is not None and Path(path).is_relative_to(self.base):
            return Path(path).relative_to(self.base).as_posix()
        return path

    def _absolute(self, path: str) -> Path:
        return self.base / path if self.base is not None else Path(path)
