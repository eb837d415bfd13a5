"""The vault stage takes the notes folder from the inputs snapshot's listing when that holds
nothing to warn of, and walks the folder itself otherwise: either way it finds the notes,
attachments and warnings a walk of its own finds, in the same order."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from hortus.cache import NoteStore, list_tree
from hortus.config import load_settings
from hortus.diagnostics import Diagnostics
from hortus.vault import Vault, load_vault

FILES = {
    "a.md": "# A\n",
    "b/x.md": "# X\n",
    "b/a.png": "png",
    "b/c/d.md": "# D\n",
    "b/.hidden.md": "# hidden\n",
    "B2/y.md": "# Y\n",
    "c.md": "# C\n",
    "z/é 笔记.md": "# 笔记\n",
    ".obsidian/app.json": "{}",
    ".trash/old.md": "# old\n",
}


def vault_pair(root: Path) -> tuple[Vault, Diagnostics, Vault, Diagnostics, bool]:
    """The vault as its own walk finds it, and as taken from the snapshot's listing."""
    settings = load_settings(root)
    notes = root / "notes"
    listing = list_tree(notes, skip_hidden=False)
    walked_said, listed_said = Diagnostics(), Diagnostics()
    walked = load_vault(notes, settings, walked_said)
    store = NoteStore(root / "cache", settings.publish, listing)
    listed = load_vault(notes, settings, listed_said, store=store)
    return walked, walked_said, listed, listed_said, listing.plain


@pytest.mark.parametrize("odd", ["nothing", "a folder named like a note", "a linked note"])
def test_the_listed_vault_is_the_walked_one(tmp_path: Path, odd: str) -> None:
    (tmp_path / "pyproject.toml").write_text('[tool.hortus]\npublish = "all"\n', encoding="utf-8")
    for name, text in FILES.items():
        path = tmp_path / "notes" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    if odd == "a folder named like a note":
        (tmp_path / "notes" / "Topic.md").mkdir()
        (tmp_path / "notes" / "Topic.md" / "inner.md").write_text("# Inner\n", encoding="utf-8")
    elif odd == "a linked note":
        os.symlink("a.md", tmp_path / "notes" / "b" / "linked.md")
    walked, walked_said, listed, listed_said, plain = vault_pair(tmp_path)
    assert plain == (odd != "a linked note")  # a folder's name is the vault stage's to judge
    paths = [n.path.as_posix() for n in listed.notes]
    assert paths == [n.path.as_posix() for n in walked.notes]
    order = [paths.index(name) for name in ("a.md", "c.md", "B2/y.md", "b/x.md", "b/c/d.md")]
    assert order == sorted(order)  # a folder's files first, then its folders'; by name
    assert "b/.hidden.md" not in paths and ".trash/old.md" not in paths
    assert listed.attachments == walked.attachments
    assert [str(d) for d in listed_said.items] == [str(d) for d in walked_said.items]
    if odd == "a folder named like a note":
        assert any("a folder named like a note" in str(d) for d in listed_said.items)
