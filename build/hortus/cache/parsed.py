"""Parsed notes by key: the bytes a note's tokens were stored as, so an unchanged note is
loaded instead of parsed; and per note a small record of what parsing it gave beside its
tokens, so the stages that need only that do not load the tokens. What the bytes and the
records hold is the pipeline's business, not the store's."""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

from hortus.cache.digest import text_digest
from hortus.cache.files import write_file
from hortus.cache.fingerprint import code_fingerprint
from hortus.cache.shards import ShardedTable

SUFFIX = ".pickle"


def parse_key(path: str, source_digest: str, drawing: bool, page: bool) -> str:
    """What a note's tokens are made from: its path and text (its digest), how it is shown,
    and the code."""
    # Joined text, not digest()'s JSON: an edit's build asks this of every note.
    return text_digest(f"{code_fingerprint()}\0{path}\0{drawing:d}{page:d}\0{source_digest}")


class ParsedStore:
    """One file per key in `folder`; a missing or unreadable entry is a miss."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.used: set[str] = set()  # keys this build read or wrote: kept by prune()
        # The entries this build's notes replaced, when the parse stage knows them all:
        # prune() then drops those, without looking through the folder.
        self.replaced: set[str] | None = None

    def load(self, key: str) -> bytes | None:
        try:
            blob = (self.folder / f"{key}{SUFFIX}").read_bytes()
        except OSError:
            return None
        self.used.add(key)
        return blob

    def keep(self, key: str) -> None:
        """Keep the entry of `key` through prune() though this build has not read it (yet)."""
        self.used.add(key)

    def store(self, key: str, blob: bytes) -> None:
        """Keep `blob` under `key`, written whole or not at all (a build stopped midway
        leaves no entry)."""
        self.used.add(key)
        temporary = f"{self.folder}/{key}.{os.getpid()}.tmp"
        try:
            write_file(temporary, blob)
            os.replace(temporary, f"{self.folder}/{key}{SUFFIX}")
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(temporary)  # not left behind by a full disk
            raise

    def prune(self) -> None:
        """Drop the entries no note has any more (the vault's old versions)."""
        if self.replaced is not None:
            for key in self.replaced - self.used:
                with contextlib.suppress(OSError):
                    os.unlink(self.folder / f"{key}{SUFFIX}")
            return
        try:
            entries = list(os.scandir(self.folder))
        except OSError:
            return
        for entry in entries:
            if entry.name.endswith(SUFFIX) and entry.name[: -len(SUFFIX)] not in self.used:
                with contextlib.suppress(OSError):
                    os.unlink(entry.path)


class ParsedMeta(ShardedTable):
    """`parse-<key>/` in `folder` (see ShardedTable), keyed on the code: note path -> the
    parse stage's record of it (it says itself which parse key it was made under)."""

    def __init__(self, folder: Path) -> None:
        super().__init__(folder, "parse", "per note: key, inputs, env, formulas as rows")
