"""The link stage's memory of the last build: per note, what its text declares and where its
links went, so an unchanged note is neither walked nor resolved again. Stored as the link
stage hands it over; what the entries mean is that stage's business."""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import Any

from hortus.cache.shards import ShardedTable

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
        """As ShardedTable.save; when the table was loaded, only the entries changed since
        are written (ShardedTable.update)."""
        with contextlib.suppress(OSError):
            (self.path / AGREED).unlink()
        if self._kept is None:
            super().save(entries)
        else:
            # Only entries that are not the very ones loaded: placing every entry hashes
            # every path.
            kept = self._kept
            changed = {name: e for name, e in entries.items() if kept.get(name) is not e}
            self.update(changed, kept.keys() - entries.keys())
        self._kept = dict(entries)
        self.save_beside(AGREED, True)
