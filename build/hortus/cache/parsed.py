"""Parsed notes by key: the bytes a note's tokens were stored as, so an unchanged note is
loaded instead of parsed; and per note a small record of what parsing it gave beside its
tokens, so the stages that need only that do not load the tokens. What the bytes and the
records hold is the pipeline's business, not the store's.

A note parsed on its own is kept in a file of its own; the notes a worker parses together (a
cold build's thousands) one after another in one pack file: a file made costs more than
the writing of a note's tokens into it."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import IO

from hortus.cache.digest import text_digest
from hortus.cache.files import write_file
from hortus.cache.fingerprint import code_fingerprint
from hortus.cache.shards import ShardedTable

SUFFIX = ".pickle"
PACK_SUFFIX = ".pack"


def parse_key(path: str, source_digest: str, drawing: bool, page: bool, variant: str = "") -> str:
    """What a note's tokens are made from: its path and text (its digest), how it is shown,
    the parser's `variant` (which plugins the vault runs) and the code."""
    # Joined text, not digest()'s JSON: an edit's build asks this of every note.
    return text_digest(
        f"{code_fingerprint()}\0{path}\0{drawing:d}{page:d}\0{variant}\0{source_digest}"
    )


class ParsedStore:
    """One file per key in `folder`, or a pack of many (see the module); a missing or
    unreadable entry is a miss."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.used: set[str] = set()  # entries this build read or wrote: kept by prune()
        # The entries this build's notes replaced, when the parse stage knows them all:
        # prune() then drops those, without looking through the folder (see replace).
        self.replaced: set[str] | None = None
        self._packs_used: set[str] = set()  # of the packs of replaced entries, those in use

    def replace(self, replaced: set[str], others: Iterable[str]) -> None:
        """Tell prune() which entries this build's notes replaced. `others`: the entries of
        the other notes, read (now) only when a replaced entry is in a pack: the pack goes
        with the last entry any note uses."""
        self.replaced = replaced
        packs = _packs(replaced)
        self._packs_used = packs & _packs(others) if packs else set()

    def load(self, name: str) -> bytes | None:
        """The blob kept under `name`: a key given to store(), or a name packing() gave."""
        pack, packed, span = name.partition("@")
        try:
            if packed:
                offset, _, length = span.partition("+")
                blob = _read_span(self.folder / f"{pack}{PACK_SUFFIX}", int(offset), int(length))
            else:
                blob = (self.folder / f"{name}{SUFFIX}").read_bytes()
        except (OSError, ValueError):
            return None
        self.used.add(name)
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

    @contextlib.contextmanager
    def packing(self, keys: list[str]) -> Iterator[Callable[[bytes], str]]:
        """For the blobs of `keys`, one after another in one pack file: yields `add(blob)`,
        which returns the name load() takes the blob by. The pack is in place once the
        block ends without an error; else there is none."""
        pack = "pack-" + text_digest("\0".join(keys))[:24]
        temporary = f"{self.folder}/{pack}.{os.getpid()}.tmp"
        names: list[str] = []
        try:
            with _new_file(temporary) as out:

                def add(blob: bytes) -> str:
                    names.append(f"{pack}@{out.tell()}+{len(blob)}")
                    out.write(blob)
                    return names[-1]

                yield add
            os.replace(temporary, f"{self.folder}/{pack}{PACK_SUFFIX}")
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(temporary)
            raise
        self.used.update(names)

    def prune(self) -> None:
        """Drop the entries no note has any more (the vault's old versions). A pack goes when
        none of its entries is used: after an edit, its other notes still are."""
        if self.replaced is not None:
            gone = self.replaced - self.used
            for key in gone:
                if "@" not in key:
                    with contextlib.suppress(OSError):
                        os.unlink(self.folder / f"{key}{SUFFIX}")
            packs = _packs(gone) - self._packs_used
            if packs:
                packs.difference_update(_packs(self.used))
            for pack in packs:
                with contextlib.suppress(OSError):
                    os.unlink(self.folder / f"{pack}{PACK_SUFFIX}")
            return
        try:
            entries = list(os.scandir(self.folder))
        except OSError:
            return
        packs = _packs(self.used)
        for entry in entries:
            stem, suffix = os.path.splitext(entry.name)
            if (suffix == SUFFIX and stem not in self.used) or (
                suffix == PACK_SUFFIX and stem not in packs
            ):
                with contextlib.suppress(OSError):
                    os.unlink(entry.path)


def _packs(names: Iterable[str]) -> set[str]:
    """The packs holding entries of `names`."""
    return {name.partition("@")[0] for name in names if "@" in name}


def _new_file(path: str) -> IO[bytes]:
    try:
        return open(path, "wb")
    except FileNotFoundError:  # the store's folder is new
        os.makedirs(os.path.dirname(path), exist_ok=True)
        return open(path, "wb")


def _read_span(path: Path, offset: int, length: int) -> bytes:
    """`length` bytes of the file at `path` from `offset`; ValueError when it is shorter."""
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_CLOEXEC", 0))
    try:
        blob = os.pread(fd, length, offset)
    finally:
        os.close(fd)
    if len(blob) != length:
        raise ValueError(f"{path} is cut short")
    return blob


class ParsedMeta(ShardedTable):
    """`parse-<key>/` in `folder` (see ShardedTable), keyed on the code: note path -> the
    parse stage's record of it (it says itself which parse key it was made under)."""

    def __init__(self, folder: Path) -> None:
        super().__init__(folder, "parse", "per note: key, inputs, env, formulas as rows")
