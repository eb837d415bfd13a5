"""Results of notes' cells kept between builds, in the cells folder (`cells-dir`, else
`cells/` of the cache folder): one JSON file per key, which a user may commit.

The caller gives plain data: what the key is made of (a note's steps, options and time limit),
the JSON to keep, the files its cells read and its provenance (when, with which Python and
which distributions it was computed: `environment` gives the last two). An entry is read
back only while every file it read has the same bytes and, unless it is frozen, while this
environment has the same Python major.minor and the same versions of those distributions:
installing or upgrading anything else keeps it. A frozen read (`freeze`) checks only the
files, so results computed on one machine publish from another. Entries are sorted, indented
JSON with paths relative to the project, so committing them gives clean diffs. Deleting the
folder only means the notes run again."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from hortus.cache.digest import digest, file_digest
from hortus.cache.fingerprint import Installation, python_version

# Raised when what an entry holds changes shape (the envelope, or the results the cells stage
# stores in it), so that old entries are never read, frozen or not.
CACHE_FORMAT = 4


@dataclass(frozen=True)
class StoredResult:
    """An entry read back."""

    value: Any  # the JSON the caller kept
    files: list[str]  # absolute paths of the files its cells read, sorted
    provenance: dict[str, Any]  # what it was computed with, as the caller gave it


class ResultCache:
    """One JSON file per key, valid while every input file it names is unchanged and (unless
    read frozen) while the Python and distributions it was computed with are installed."""

    def __init__(self, folder: Path, enabled: bool, base: Path | None = None) -> None:
        self.folder = folder
        self.enabled = enabled  # when False, nothing is read (a run with --no-cache still stores)
        # Input files under `base` (the project) are kept relative to it, so the folder can be
        # moved with the project (a fresh clone, another machine) and still be read.
        self.base = base.resolve() if base is not None else None
        self.installation = Installation()  # read on first use, once per build

    def key(self, *parts: Any) -> str:
        """The key of an entry made from `parts` (plain data) and the entries' format."""
        return digest(CACHE_FORMAT, *parts)

    def environment(self, modules: Iterable[str]) -> dict[str, Any]:
        """What of this environment a run that imported the top-level `modules` depends on:
        {"python": "3.11", "distributions": {name: version}}, for `put`'s provenance."""
        distributions = self.installation.versions_of(modules)
        return {"python": python_version(), "distributions": distributions}

    def get(self, key: str, *, frozen: bool = False) -> StoredResult | None:
        """The entry stored under `key`, if the files it read are unchanged and, unless
        `frozen`, it was computed with this Python and these distributions' versions."""
        if not self.enabled:
            return None
        try:
            entry = json.loads((self.folder / f"{key}.json").read_text(encoding="utf-8"))
            inputs, value = entry["inputs"], entry["result"]
            provenance = entry["provenance"]
            if entry["format"] != CACHE_FORMAT or not (frozen or self._current(provenance)):
                return None
            files = [self._absolute(path) for path in inputs]
            if any(
                file_digest(path) != inputs[rel] for rel, path in zip(inputs, files, strict=True)
            ):
                return None
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            return None
        return StoredResult(value, sorted(str(path) for path in files), provenance)

    def put(self, key: str, value: Any, inputs: Iterable[str], provenance: dict[str, Any]) -> None:
        """Keep `value` (JSON-able) under `key`, with the digests of the `inputs` files now and
        what it was computed with (`environment`'s keys, and any others the caller adds)."""
        entry = {
            "format": CACHE_FORMAT,
            "inputs": {self._relative(path): file_digest(path) for path in sorted(inputs)},
            "provenance": provenance,
            "result": value,
        }
        self.folder.mkdir(parents=True, exist_ok=True)
        target = self.folder / f"{key}.json"
        temporary = target.with_suffix(".tmp")
        text = json.dumps(entry, sort_keys=True, indent=1, ensure_ascii=False) + "\n"
        temporary.write_text(text, encoding="utf-8")
        temporary.replace(target)

    def _current(self, provenance: dict[str, Any]) -> bool:
        """Whether this environment has the Python and the versions `provenance` names."""
        if provenance["python"] != python_version():
            return False
        versions = dict(provenance["distributions"]).items()
        return all(self.installation.version(name) == known for name, known in versions)

    def _relative(self, path: str) -> str:
        if self.base is not None and Path(path).is_relative_to(self.base):
            return Path(path).relative_to(self.base).as_posix()
        return path

    def _absolute(self, path: str) -> Path:
        return self.base / path if self.base is not None else Path(path)
