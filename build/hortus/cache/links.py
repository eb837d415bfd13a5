"""The link stage's memory of the last build: per note, what its text declares and where its
links went, so an unchanged note is neither walked nor resolved again. Stored as the link
stage hands it over; what the entries mean is that stage's business."""

from __future__ import annotations

from pathlib import Path

from hortus.cache.shards import ShardedTable


class LinkStore(ShardedTable):
    """`links-<key>/` in `folder` (see ShardedTable), keyed on the code: note path -> the
    link stage's entry for it (the entry says itself what it was made from)."""

    def __init__(self, folder: Path) -> None:
        super().__init__(folder, "links", "per note")
