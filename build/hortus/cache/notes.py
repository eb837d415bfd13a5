"""Notes as the vault stage last read them, by file size and modification time: a note whose
file is unchanged is taken from here instead of being read, decoded and its frontmatter
parsed again. What an entry holds is the vault stage's business."""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import Any

from hortus.cache.shards import ShardedTable

MEMO = "memo.pickle"  # beside the shards


class NoteStore(ShardedTable):
    """`notes-<key>/` in `folder` (see ShardedTable), keyed on the code and the publishing
    mode (what decides whether a note is published): note path -> ((size, mtime_ns), what
    was read). Beside it, a small memo of what the vault stage derives from notes' text, by
    the text's digest (see load_memo)."""

    def __init__(self, folder: Path, publish: str) -> None:
        super().__init__(folder, "notes", publish)

    def load_memo(self) -> dict[str, Any]:
        """What save_memo kept last; nothing when it is missing or unreadable."""
        found = self.load_beside(MEMO)
        return found if isinstance(found, dict) else {}

    def save_memo(self, entries: dict[str, Any]) -> None:
        """Keep `entries` in place of the memo: each entry is keyed by what it was made from,
        so one kept by another build is never wrong, only unused."""
        with contextlib.suppress(OSError):
            self.save_beside(MEMO, entries)
