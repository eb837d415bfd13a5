"""The link stage's memory of the last build: per note, what its text declares and where its
links went, so an unchanged note is neither walked nor resolved again. Stored as the link
stage hands it over; what the entries mean is that stage's business."""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import Any

from hortus.cache.shards import ShardedTable, _write, shard_of

# Beside the shards while every one of them was written by the same (finished) build.
AGREED = "agreed"


class LinkStore(ShardedTable):
    """`links-<key>/` in `folder` (see ShardedTable), keyed on the code: note path -> the
    link stage's entry for it (the entry says itself what it was made from)."""

    def __init__(self, folder: Path) -> None:
        super().__init__(folder, "links", "per note, reached by name")
        self._kept: dict[str, Any] | None = None  # the entries loaded or saved last

    def agreed(self) -> bool:
        """Whether the shards were all written by one build that finished saving them (not
        some by a build cut short): then what each entry says of the notes its links
        reached agrees with those notes' own entries."""
        return self.load_beside(AGREED) is True

    def load(self) -> dict[str, Any]:
        found = super().load()
        self._kept = dict(found)
        return found

    def save(self, entries: dict[str, Any]) -> None:
        """As ShardedTable.save; when the table was loaded, only the entries that are not
        the very ones loaded are placed in their shards (placing every entry hashes every
        path)."""
        with contextlib.suppress(OSError):
            (self.path / AGREED).unlink()
        if self._kept is None:
            super().save(entries)
        else:
            self._save_changes(self._kept, entries)
        self._kept = dict(entries)
        self.save_beside(AGREED, True)

    def _save_changes(self, kept: dict[str, Any], entries: dict[str, Any]) -> None:
        changed = [name for name, entry in entries.items() if kept.get(name) is not entry]
        changed.extend(kept.keys() - entries.keys())
        self._make_folder()
        touched: dict[int, dict[str, Any]] = {}
        for name in changed:
            index = shard_of(name)
            shard = touched.get(index)
            if shard is None:
                shard = touched[index] = dict(self._loaded[index])
            if name in entries:
                shard[name] = entries[name]
            else:
                shard.pop(name, None)
        for index, shard in touched.items():
            target = self.path / f"{index:02d}.pickle"
            if not shard:
                with contextlib.suppress(OSError):
                    target.unlink()
            else:
                _write(target, shard)
            self._loaded[index] = shard
        self.count = len(entries)
