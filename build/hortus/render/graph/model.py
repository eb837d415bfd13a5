"""The link graph of the published notes: nodes and edges in a fixed order, and the whole
garden's layout, computed once and only when asked for."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from hortus.cache import short_digest

if TYPE_CHECKING:
    import numpy as np


@dataclass(frozen=True)
class GraphNode:
    """A published note as the graph shows it."""

    key: str  # the note's vault path
    title: str  # its label
    url: str  # its page


@dataclass
class Garden:
    """The graph of the published notes; nodes are numbered by their index in `nodes`."""

    nodes: list[GraphNode]  # sorted by key
    index: dict[str, int]  # node key -> its number
    edges: list[tuple[int, int]]  # directed, unique, sorted
    neighbours: list[list[int]]  # undirected, sorted by index
    _positions: np.ndarray | None = field(default=None, repr=False)
    _rank: list[int] | None = field(default=None, repr=False)
    _linked: list[frozenset[int]] | None = field(default=None, repr=False)
    _shown: list[str] | None = field(default=None, repr=False)

    def rank(self) -> list[int]:
        """Each node's place when the best-linked notes come first (then by title): the
        order a local graph keeps its members in, sorted once per build, not once per page."""
        if self._rank is None:
            order = sorted(
                range(len(self.nodes)),
                key=lambda v: (-len(self.neighbours[v]), self.nodes[v].title.casefold(), v),
            )
            self._rank = [0] * len(order)
            for place, v in enumerate(order):
                self._rank[v] = place
        return self._rank

    def shown(self, v: int) -> str:
        """What a drawing shows of node `v` (its key, title and URL), as one short digest:
        a page's key names its graph's members by these, not by their whole text."""
        if self._shown is None:
            self._shown = [short_digest(f"{n.key}\0{n.title}\0{n.url}", 16) for n in self.nodes]
        return self._shown[v]

    def linked(self, v: int) -> frozenset[int]:
        """The neighbours of `v` as a set, for membership tests against a hub's many links."""
        if self._linked is None:
            self._linked = [frozenset(n) for n in self.neighbours]
        return self._linked[v]

    def positions(self) -> np.ndarray:
        """The whole-garden layout, computed once per build and only when asked for."""
        if self._positions is None:
            # numpy loads here, not with the package: a build that keeps /graph/ never needs it.
            from hortus.render.graph.layout import force_layout, layout_steps

            n = len(self.nodes)
            self._positions = force_layout(n, self.neighbours, layout_steps(n))
        return self._positions


def build_graph(nodes: list[GraphNode], edges: list[tuple[str, str]]) -> Garden:
    """Edges are source -> target; edges to notes not in `nodes`, self-loops and duplicates
    are dropped. Sorting here makes the layout independent of the vault's reading order."""
    unique: dict[str, GraphNode] = {}
    for node in nodes:
        unique.setdefault(node.key, node)
    ordered = [unique[k] for k in sorted(unique)]
    index = {node.key: i for i, node in enumerate(ordered)}
    directed = sorted(
        {(index[s], index[t]) for s, t in edges if s in index and t in index and s != t}
    )
    linked: list[set[int]] = [set() for _ in ordered]
    for s, t in directed:
        linked[s].add(t)
        linked[t].add(s)
    return Garden(ordered, index, directed, [sorted(n) for n in linked])
