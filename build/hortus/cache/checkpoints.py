"""Where a note's run can resume: after each of its cells, what it needs to go on from there,
kept in `checkpoints/<note>/` of the cache folder.

A checkpoint is one file named by its key, `<key>.checkpoint`: a line of JSON with the
digests of the files the cells read before it, then the bytes the cells stage made (what they
mean is that stage's business); it is written whole or not at all. It is used only while every
one of those files has the same bytes; the key covers the rest (the note, its steps up to the
cell, its time limit, this format and the installation). A note keeps only the checkpoints of
its current steps (`prune`), each at most `CHECKPOINT_LIMIT` bytes, so the folder stays
bounded. Deleting it only means notes run from their first cell again.
"""

from __future__ import annotations

import contextlib
import json
import os
from pathlib import Path
from typing import Any

from hortus.cache.digest import digest, file_digest, text_digest
from hortus.cache.fingerprint import environment_fingerprint

# Raised when what a checkpoint holds changes shape, so that old ones are never read.
CHECKPOINT_FORMAT = 1
# A checkpoint larger than this is not kept: the run goes on without it.
CHECKPOINT_LIMIT = 256 * 1024 * 1024
# What a note's last run said about what it could not keep, read back by the build.
NOTICE = "notice.json"


def checkpoint_keys(note_path: str, steps: list[dict[str, Any]], timeout: float) -> list[str]:
    """The key of the checkpoint after each of `steps` (their JSON forms): each one covers
    the note, its time limit, the installation and every step up to its own."""
    key = digest("checkpoint", CHECKPOINT_FORMAT, environment_fingerprint(), note_path, timeout)
    keys = []
    for step in steps:
        key = digest(key, step)
        keys.append(key)
    return keys


class NoteCheckpoints:
    """The checkpoints of one note: the build reads and prunes them, the note's run writes them."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    @classmethod
    def of(cls, cache_folder: Path, note_path: str) -> NoteCheckpoints:
        """The checkpoints of the note at `note_path` (vault-relative) in `cache_folder`."""
        return cls(cache_folder / "checkpoints" / text_digest(note_path)[:24])

    def usable(self, key: str) -> bool:
        """Whether the checkpoint `key` is there, whole, and every file read before it has the
        bytes it had."""
        try:
            with (self.folder / f"{key}.checkpoint").open("rb") as file:
                meta = json.loads(file.readline())
            return all(file_digest(path) == known for path, known in meta["reads"].items())
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            return False

    def load(self, key: str) -> bytes | None:
        """The bytes kept as checkpoint `key`; None when there are none."""
        try:
            data = (self.folder / f"{key}.checkpoint").read_bytes()
        except OSError:
            return None
        return data[data.index(b"\n") + 1 :] if b"\n" in data else None

    def save(self, key: str, data: bytes, reads: dict[str, str | None]) -> None:
        """Keep `data` as checkpoint `key`, valid while the `reads` files have those digests."""
        self.folder.mkdir(parents=True, exist_ok=True)
        header = json.dumps({"reads": reads}, ensure_ascii=True).encode() + b"\n"
        self._write(self.folder / f"{key}.checkpoint", header + data)

    def prune(self, keep: set[str]) -> None:
        """Remove every checkpoint whose key is not in `keep`."""
        try:
            entries = list(self.folder.iterdir())
        except OSError:
            return
        for entry in entries:
            stem = entry.name.split(".", 1)[0]
            if entry.name != NOTICE and stem not in keep:
                with contextlib.suppress(OSError):
                    entry.unlink()

    def write_notice(self, notice: dict[str, Any] | None) -> None:
        """What the note's run could not keep (None: nothing), for the build to say."""
        path = self.folder / NOTICE
        with contextlib.suppress(OSError):
            if notice is None:
                path.unlink(missing_ok=True)
            else:
                self.folder.mkdir(parents=True, exist_ok=True)
                self._write(path, json.dumps(notice).encode())

    def notice(self) -> dict[str, Any] | None:
        try:
            found = json.loads((self.folder / NOTICE).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        return found if isinstance(found, dict) else None

    @staticmethod
    def _write(path: Path, data: bytes) -> None:
        temporary = path.with_name(f"{path.name}.{os.getpid()}.tmp")
        temporary.write_bytes(data)
        temporary.replace(path)
