"""Notes as the vault stage last read them, by file size and modification time: a note whose
file is unchanged is taken from here instead of being read, decoded and its frontmatter
parsed again. What an entry holds is the vault stage's business."""

from __future__ import annotations

from pathlib import Path

from hortus.cache.shards import ShardedTable


class NoteStore(ShardedTable):
    """`notes-<key>/` in `folder` (see ShardedTable), keyed on the code and the publishing
    mode (what decides whether a note is published): note path -> ((size, mtime_ns), what
    was read)."""

    def __init__(self, folder: Path, publish: str) -> None:
        super().__init__(folder, "notes", publish)
