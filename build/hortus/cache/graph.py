"""The garden's link graph as the last build made it: nodes numbered, edges and neighbours,
kept by what it was made from, so a build whose pages link as before does not number,
sort and index every link again; and the explorer's folder tree, kept by the pages. What
the plain values hold is the business of those who make them."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from hortus.cache.store import PickledTable


class GraphStore(PickledTable[str, Any]):
    """One file in `folder` (`graph-<key>.pickle`), keyed on the code and `inputs`: the
    pages (path, title, URL) and which of them links to which."""

    def __init__(self, folder: Path, inputs: str) -> None:
        super().__init__(folder, "graph", inputs)


class ExplorerStore(PickledTable[str, Any]):
    """One file in `folder` (`explorer-<key>.pickle`): the explorer's folder tree as the last
    build made it, keyed on the code and `inputs`: the pages (path, title, URLs, in order)."""

    def __init__(self, folder: Path, inputs: str) -> None:
        super().__init__(folder, "explorer", inputs)
