"""One table of per-note entries kept in shards, so a build that changes a few entries writes
a few small files instead of the whole table: the layout of the read notes and the links."""

from __future__ import annotations

import contextlib
import os
import pickle
import shutil
import zlib
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from hortus.cache.digest import digest
from hortus.cache.fingerprint import code_fingerprint

SHARDS = 64  # files per table: an edit rewrites about 1/SHARDS of it

# What a stored shard may fail with: cut short, or written by other code.
_UNREADABLE = (OSError, pickle.UnpicklingError, EOFError, ValueError, TypeError, AttributeError)


def shard_of(key: str) -> int:
    """The shard an entry is kept in: fixed by its key alone (a checksum, not a digest: a
    table of 50,000 entries is placed in milliseconds)."""
    return zlib.crc32(key.encode()) % SHARDS


class ShardedTable:
    """`<kind>-<key>/<shard>.pickle` in `folder`, keyed on the code and `inputs` (what every
    entry was made under); string key -> entry. Only the newest table of a kind is kept.
    Every entry says itself what it was made from, so shards written by different builds
    (one cut short) may be read together."""

    def __init__(self, folder: Path, kind: str, inputs: Any) -> None:
        self.folder = folder
        self.kind = kind
        self.path = folder / f"{kind}-{digest(code_fingerprint(), inputs)[:24]}"
        self.count = 0  # entries the shards held when loaded
        # Each shard as read (None: not read yet; see `get`).
        self._loaded: list[dict[str, Any] | None] = [None] * SHARDS

    def load(self) -> dict[str, Any]:
        """The entries kept; none from a shard that is missing or unreadable."""
        found: dict[str, Any] = {}
        for index in range(SHARDS):
            found.update(self._shard(index))
        self.count = len(found)
        return found

    def get(self, key: str) -> Any:
        """One entry (None when there is none), its shard read on first use: a table read
        entry by entry reads only the shards of the entries asked for."""
        return self._shard(shard_of(key)).get(key)

    def _shard(self, index: int) -> dict[str, Any]:
        shard = self._loaded[index]
        if shard is None:
            read = _read(self.path / f"{index:02d}.pickle")
            shard = self._loaded[index] = read if isinstance(read, dict) else {}
        return shard

    def stale(self, count: int) -> bool:
        """Whether the shards hold other entries than the `count` the notes have now (some no
        note has any more): then they are written again."""
        return count != self.count

    def save(self, entries: dict[str, Any]) -> None:
        """Keep `entries` in place of the table: only the shards whose entries differ from
        those loaded are written."""
        self._make_folder()
        shards: list[dict[str, Any]] = [{} for _ in range(SHARDS)]
        for key, entry in entries.items():
            shards[shard_of(key)][key] = entry
        for index, shard in enumerate(shards):
            if shard == self._loaded[index]:
                continue  # unchanged (the same objects, mostly: compared by identity first)
            target = self.path / f"{index:02d}.pickle"
            if not shard:
                with contextlib.suppress(OSError):
                    target.unlink()
            else:
                _write(target, shard)
            self._loaded[index] = shard
        self.count = len(entries)

    def update(self, changed: dict[str, Any], gone: Iterable[str] = ()) -> None:
        """Keep `changed` in place of the entries of the same keys (or beside them), and no
        more those of `gone`, the other entries as loaded: only the shards these fall in are
        written (a shard left empty is removed)."""
        self._make_folder()
        touched: dict[int, dict[str, Any]] = {}
        for key in (*changed, *gone):
            index = shard_of(key)
            shard = touched.get(index)
            if shard is None:
                shard = touched[index] = dict(self._shard(index))
            self.count -= key in shard
            if key in changed:
                shard[key] = changed[key]
                self.count += 1
            else:
                shard.pop(key, None)
        for index, shard in touched.items():
            target = self.path / f"{index:02d}.pickle"
            if shard:
                _write(target, shard)
            else:
                with contextlib.suppress(OSError):
                    target.unlink()
            self._loaded[index] = shard

    def load_beside(self, name: str) -> Any:
        """A value kept beside the shards in file `name`; None when missing or unreadable."""
        return _read(self.path / name)

    def save_beside(self, name: str, value: Any) -> None:
        """Keep `value` beside the shards in file `name` (see load_beside)."""
        self._make_folder()
        _write(self.path / name, value)

    def _make_folder(self) -> None:
        if not self.path.is_dir():
            self._drop_others()
            self.path.mkdir(parents=True, exist_ok=True)

    def _drop_others(self) -> None:
        """Tables of this kind made under other code or inputs, and the single-file layout."""
        with contextlib.suppress(OSError):
            for old in self.folder.glob(f"{self.kind}-*"):
                if old.is_dir():
                    shutil.rmtree(old, ignore_errors=True)
                else:
                    old.unlink(missing_ok=True)


def _read(path: Path) -> Any:
    try:
        return pickle.loads(path.read_bytes())
    except _UNREADABLE:
        return None


def _write(path: Path, value: Any) -> None:
    """Written whole or not at all: a build stopped midway leaves the old file."""
    temporary = path.with_suffix(f".{os.getpid()}.tmp")
    temporary.write_bytes(pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL))
    temporary.replace(path)
