"""Notes as the vault stage last read them, by file size and modification time: a note whose
file is unchanged is taken from here instead of being read, decoded and its frontmatter
parsed again. Each note's text is kept apart from the rest of its entry and read only when
asked for (see NoteStore.text): most of a build after an edit never reads an unchanged
note's text. What an entry holds is the vault stage's business."""

from __future__ import annotations

import contextlib
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from hortus.cache.shards import ShardedTable

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing
if TYPE_CHECKING:
    from hortus.cache.listing import Listing

MEMO = "memo.pickle"  # beside the shards
PLACED = "placed.pickle"  # beside the shards: where the notes kept in them were placed


class NoteStore(ShardedTable):
    """`notes-<key>/` in `folder` (see ShardedTable), keyed on the code and `publish`, what
    decides whether a note is published (the publishing mode, the template folders): note
    path -> ((size, mtime_ns), what was read); each note's text apart, in `texts-<key>/`, by
    path. Beside it, a small memo of what the vault stage derives from notes' text, by the
    text's digest (see load_memo), and where the notes as kept were placed (see
    load_placement)."""

    def __init__(self, folder: Path, publish: object, listed: Listing | None = None) -> None:
        super().__init__(folder, "notes", publish)
        self.texts = ShardedTable(folder, "texts", publish)
        # The notes folder's files, sizes and times, as the build's inputs snapshot listed
        # them (see hortus.cache's base_snapshot), when it did.
        self.listed = listed

    def load_memo(self) -> dict[str, Any]:
        """What save_memo kept last; nothing when it is missing or unreadable."""
        found = self.load_beside(MEMO)
        return found if isinstance(found, dict) else {}

    def save_memo(self, entries: dict[str, Any]) -> None:
        """Keep `entries` in place of the memo: each entry is keyed by what it was made from,
        so one kept by another build is never wrong, only unused."""
        with contextlib.suppress(OSError):
            self.save_beside(MEMO, entries)

    def save(self, entries: dict[str, Any]) -> None:
        """As ShardedTable.save; the placement kept is dropped first (see update)."""
        self._drop_placement()
        super().save(entries)

    def update(
        self, changed: dict[str, Any], gone: Iterable[str] = (), texts: dict[str, Any] | None = None
    ) -> None:
        """As ShardedTable.update, and the notes' `texts` (path -> text) in place of theirs.
        The texts are written first, so an entry is never kept without its text unless
        a text shard is lost; the placement kept is dropped before the entries, so that one
        is only ever found beside the very notes it placed (a save cut short leaves none)."""
        gone = list(gone)
        if texts or gone:
            self.texts.update(texts or {}, gone)
        self._drop_placement()
        super().update(changed, gone)

    def text(self, path: str) -> Any:
        """A note's text as `update` kept it; None when there is none (see ShardedTable.get)."""
        return self.texts.get(path)

    def _drop_placement(self) -> None:
        with contextlib.suppress(OSError):
            (self.path / PLACED).unlink(missing_ok=True)

    def load_placement(self) -> Any:
        """What save_placement kept since the notes were last saved; None when nothing was."""
        return self.load_beside(PLACED)

    def save_placement(self, placement: Any) -> None:
        """Keep where the notes now in the store were placed (after `save`, not before)."""
        with contextlib.suppress(OSError):
            self.save_beside(PLACED, placement)
