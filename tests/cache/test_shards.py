"""The sharded per-note tables (read notes, links): an edit writes only the shards it changed."""

from __future__ import annotations

import os
from pathlib import Path

from hortus.cache import LinkStore, NoteStore
from hortus.cache.shards import SHARDS, shard_of


def _files(store: LinkStore) -> dict[str, int]:
    return {p.name: p.stat().st_mtime_ns for p in store.path.glob("*.pickle")}


def test_round_trip_and_only_changed_shards_written(tmp_path: Path) -> None:
    entries = {f"note{i}.md": ("key", i) for i in range(500)}
    store = LinkStore(tmp_path)
    store.save(entries)
    assert LinkStore(tmp_path).load() == entries
    before = _files(store)
    assert 1 < len(before) <= SHARDS

    again = LinkStore(tmp_path)
    kept = again.load()
    kept["note7.md"] = ("other", 7)
    for name in before:  # an old time, so a rewritten shard shows
        os.utime(store.path / name, ns=(0, 0))
    again.save(kept)
    after = _files(again)
    changed = {name for name in after if after[name] != 0}
    assert changed == {f"{shard_of('note7.md'):02d}.pickle"}
    assert LinkStore(tmp_path).load() == kept


def test_removed_entries_and_empty_shards_go(tmp_path: Path) -> None:
    store = NoteStore(tmp_path, "all")
    store.save({"a.md": 1, "b.md": 2})
    again = NoteStore(tmp_path, "all")
    assert again.load() == {"a.md": 1, "b.md": 2}
    assert again.stale(1)
    again.save({"a.md": 1})
    assert NoteStore(tmp_path, "all").load() == {"a.md": 1}


def test_other_inputs_replace_the_table(tmp_path: Path) -> None:
    NoteStore(tmp_path, "all").save({"a.md": 1})
    (tmp_path / "notes-old.pickle").write_bytes(b"single-file layout")
    NoteStore(tmp_path, "opt-in").save({"b.md": 2})
    assert [p.name for p in tmp_path.iterdir()] == [NoteStore(tmp_path, "opt-in").path.name]
    assert NoteStore(tmp_path, "all").load() == {}


def test_unreadable_shard_is_a_miss(tmp_path: Path) -> None:
    store = LinkStore(tmp_path)
    store.save({"a.md": 1, "b.md": 2})
    (store.path / f"{shard_of('a.md'):02d}.pickle").write_bytes(b"cut sho")
    found = LinkStore(tmp_path).load()
    assert "a.md" not in found


def test_update_writes_only_the_shards_of_the_changed_entries(tmp_path: Path) -> None:
    entries = {f"note{i}.md": ("key", i) for i in range(500)}
    NoteStore(tmp_path, "all").save(entries)
    again = NoteStore(tmp_path, "all")
    again.load()
    for name in _files(again):
        os.utime(again.path / name, ns=(0, 0))
    again.update({"note7.md": ("other", 7), "new.md": ("key", -1)})
    after = _files(again)
    changed = {name for name in after if after[name] != 0}
    assert changed == {f"{shard_of(key):02d}.pickle" for key in ("note7.md", "new.md")}
    assert NoteStore(tmp_path, "all").load() == {
        **entries,
        "note7.md": ("other", 7),
        "new.md": ("key", -1),
    }
    assert not again.stale(501)
