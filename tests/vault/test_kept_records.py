"""What the vault stage keeps between builds (the read notes, the counts of their prose) and
the shortcuts of the layout give what working everything out afresh gives."""

from __future__ import annotations

import pickle
from pathlib import Path, PurePosixPath

from hortus.cache import NoteStore
from hortus.config import Settings
from hortus.diagnostics import Diagnostics
from hortus.render import GraphNode, build_graph, build_tree
from hortus.vault import Note, language_of, load_vault
from hortus.vault import language as language_module


def _note(path: str, source: str = "x\n", **fields: object) -> Note:
    return Note(
        path=PurePosixPath(path), source=source, frontmatter={}, title=PurePosixPath(path).stem,
        url=f"/{path}/", published=True, **fields,  # type: ignore[arg-type]
    )  # fmt: skip


def test_a_pickled_note_is_the_same_note() -> None:
    note = _note("a/b c.md", tags=("t",), mtime=3.5)
    note.source_digest  # noqa: B018  kept with the note
    again = pickle.loads(pickle.dumps(note))
    assert type(again.path) is PurePosixPath
    assert again.path == note.path and again.path.parts == ("a", "b c.md")
    assert again.__dict__ == note.__dict__


def test_a_second_read_from_the_store_equals_the_first(tmp_path: Path) -> None:
    notes = tmp_path / "notes"
    (notes / "Folder").mkdir(parents=True)
    (notes / "Folder" / "Folder.md").write_text("---\ntags: [x]\n---\nFolder note\n")
    (notes / "Folder" / "index.md").write_text("An index\n")
    (notes / "Folder" / "x.MD").write_text("upper-case suffix\n")
    (notes / "Folder" / "y.").write_text("no suffix\n")
    (notes / "index.md").write_text("Home\n")
    (notes / "pic.png").write_bytes(b"\x89PNG")
    settings = Settings(root=tmp_path, publish="all")

    def read() -> tuple[list[tuple], list[PurePosixPath], str]:
        store = NoteStore(tmp_path / "cache", settings.publish)
        vault = load_vault(notes, settings, Diagnostics(), store=store)
        records = [(n.path, n.url, n.title, n.home, n.source_digest) for n in vault.notes]
        return records, vault.attachments, vault.language.tag

    first = read()
    assert first == read()
    records, attachments, _ = first
    assert [r[0] for r in records] == [
        PurePosixPath(p) for p in ("index.md", "Folder/Folder.md", "Folder/index.md", "Folder/x.MD")
    ]
    assert attachments == [PurePosixPath("pic.png"), PurePosixPath("Folder/y.")]
    assert records[1][1] == "/folder/"  # the folder note, before `index`


def test_kept_prose_counts_are_those_of_the_text(tmp_path: Path) -> None:
    texts = ["这个问题", "one two three four five six", "か"]
    notes = [_note(f"n{i}.md", text) for i, text in enumerate(texts)]
    memo = language_module.ProseMemo({})
    fresh = language_module.site_language(None, notes, memo)
    assert fresh == language_module.site_language(None, notes)
    assert fresh.tag == language_of(texts) == "en"
    # Kept counts are trusted by the text's digest; anything else kept is ignored.
    kept = dict(memo.used)
    kept[notes[1].source_digest] = language_module.ProseCounts(0, 0, 0, 0, 0, 0)
    kept[notes[2].source_digest] = "not counts"  # type: ignore[assignment]
    again = language_module.ProseMemo(kept)
    assert language_module.site_language(None, notes, again).tag == "ja"  # no words now
    assert again.used[notes[2].source_digest] == memo.used[notes[2].source_digest]
    store = NoteStore(tmp_path, "all")
    assert store.load_memo() == {}
    store.save_memo(memo.used)
    assert NoteStore(tmp_path, "all").load_memo() == memo.used
    (store.path / "memo.pickle").write_bytes(b"cut sho")
    assert NoteStore(tmp_path, "all").load_memo() == {}


def test_the_explorer_sorts_as_obsidian_does() -> None:
    paths = ["b/Z.md", "B/a.md", "a b/x.md", "a-B/y.md", "top.md", "a/ä.md", "a/A.md", "a/a.md"]
    tree = build_tree([_note(p) for p in paths])
    names = [(e.name, [c.name for c in e.children or []]) for e in tree.root]
    assert names == [
        ("a", ["A", "a", "ä"]),
        ("a b", ["x", "y"]),  # `a-B` slugs as `a b` does: one folder
        ("B", ["a", "Z"]),
        ("top", []),
    ]
    assert tree.folders["/a-b/"].notes == 2 and tree.total == len(paths)
    assert [c.url for c in tree.folders["/a/"].children or []] == [
        "/a/A.md/", "/a/a.md/", "/a/ä.md/"
    ]  # fmt: skip


def test_the_graph_numbers_and_sorts_its_edges() -> None:
    keys = [f"n{i:02d}" for i in range(12)]
    nodes = [GraphNode(k, k, f"/{k}/") for k in reversed(keys)]
    edges = [(keys[i], keys[(i * 5 + 3) % 12]) for i in range(12)] * 2
    edges += [("n01", "n01"), ("n01", "elsewhere"), ("n03", "n01"), ("n01", "n03")]
    garden = build_graph(nodes, edges)
    index = {k: i for i, k in enumerate(keys)}
    expected = sorted({(index[s], index[t]) for s, t in edges if s != t and t in index})
    assert garden.edges == expected
    assert all(type(e) is tuple and len(e) == 2 for e in garden.edges)
    for v in range(len(keys)):
        near = {t for s, t in expected if s == v} | {s for s, t in expected if t == v}
        assert garden.neighbours[v] == sorted(near)


def test_a_kept_notes_text_is_its_files_even_when_the_store_lost_it(tmp_path: Path) -> None:
    notes = tmp_path / "notes"
    notes.mkdir()
    texts = {"a.md": '---\nrelated: "[[b]]"\n---\nAlpha\r\n', "b.md": "Beta 这个\n"}
    for name, text in texts.items():
        (notes / name).write_bytes(text.encode())
    settings = Settings(root=tmp_path, publish="all")

    def read() -> dict[str, str]:
        store = NoteStore(tmp_path / "cache", settings.publish)
        vault = load_vault(notes, settings, Diagnostics(), store=store)
        return {str(n.path): n.source for n in vault.notes}

    expected = {name: text.replace("\r\n", "\n") for name, text in texts.items()}
    assert read() == expected  # read from the files
    assert read() == expected  # kept: the texts from the store
    texts_folder = NoteStore(tmp_path / "cache", settings.publish).texts.path
    for shard in texts_folder.glob("*.pickle"):
        shard.write_bytes(b"cut sho")
    assert read() == expected  # lost: read from the files again
