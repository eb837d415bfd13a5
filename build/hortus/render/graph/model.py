"""The link graph of the published notes: nodes and edges in a fixed order, and the whole
garden's layout, computed once and only when asked for."""

from __future__ import annotations

import functools
import pickle
from array import array
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import NamedTuple

from hortus.cache import bytes_digest, digest, short_digest

# A garden's layout: where each node is drawn, in SVG units (see layout.garden_points).
Points = list[tuple[float, float]]


@dataclass(frozen=True, slots=True)
class Neighbourhood:
    """A note's local graph before it is drawn (see rings.py): its members ring by ring,
    and their links."""

    centre: int
    depth: int
    layers: list[list[int]]
    members: list[int]  # the layers in order: a member's place is its index here
    links: list[list[int]]  # the places of each member's linked members, ascending


class GraphNode(NamedTuple):
    """A published note as the graph shows it (a named tuple: a garden makes one per page at
    every build, at a third of a frozen dataclass's cost)."""

    key: str  # the note's vault path
    title: str  # its label
    url: str  # its page


@dataclass
class Garden:
    """The graph of the published notes; nodes are numbered by their index in `nodes`."""

    nodes: list[GraphNode]  # sorted by key
    index: dict[str, int]  # node key -> its number
    edges: Sequence[tuple[int, int]]  # directed, unique, sorted
    neighbours: Sequence[list[int]]  # undirected, sorted by index
    key: str = ""  # what the graph was made from, as one digest; '' when not known
    _points: Points | None = field(default=None, repr=False)
    _rank: list[int] | None = field(default=None, repr=False)
    _linked: dict[int, frozenset[int]] = field(default_factory=dict, repr=False)
    _shown: dict[int, str] = field(default_factory=dict, repr=False)
    _near: Neighbourhood | None = field(default=None, repr=False)  # the last one (rings.py)
    # Where the layout is being made elsewhere (see laid_out_by): gives it, or None.
    _layout_source: Callable[[], Points | None] | None = field(default=None, repr=False)

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
        found = self._shown.get(v)
        if found is None:
            n = self.nodes[v]
            found = self._shown[v] = short_digest(f"{n.key}\0{n.title}\0{n.url}", 16)
        return found

    def linked(self, v: int) -> frozenset[int]:
        """The neighbours of `v` as a set, for membership tests against a hub's many links."""
        found = self._linked.get(v)
        if found is None:
            found = self._linked[v] = frozenset(self.neighbours[v])
        return found

    def digest(self) -> str:
        """The graph as one digest: its key, or else its nodes and edges."""
        return self.key or digest([(n.key, n.title, n.url) for n in self.nodes], list(self.edges))

    def plain(self) -> tuple[bytes, bytes, bytes, bytes]:
        """The numbered graph as flat arrays (edges, each node's neighbours as offsets into
        one list, the rank), for garden_from_plain: quick to store and to load again."""
        offsets = array("i", [0])
        for ns in self.neighbours:
            offsets.append(offsets[-1] + len(ns))
        return (
            array("i", [v for edge in self.edges for v in edge]).tobytes(),
            offsets.tobytes(),
            array("i", [v for ns in self.neighbours for v in ns]).tobytes(),
            array("i", self.rank()).tobytes(),
        )

    def points(self) -> Points:
        """The whole-garden layout, computed once per build and only when asked for (or
        taken from where laid_out_by says it is being made)."""
        if self._points is None and self._layout_source is not None:
            source, self._layout_source = self._layout_source, None
            self._points = source()
        if self._points is None:
            self._points = lay_out(len(self.nodes), self.neighbours)
        return self._points

    def layout_task(self) -> Callable[[], Points]:
        """The layout as a task that pickles, for another process to make."""
        return functools.partial(lay_out, len(self.nodes), [list(ns) for ns in self.neighbours])

    def laid_out_by(self, source: Callable[[], Points | None]) -> None:
        """Take the layout from `source` when it is first needed: what another process made
        of layout_task, or None where it cannot be had (then it is made here)."""
        self._layout_source = source


def lay_out(n: int, neighbours: Sequence[list[int]]) -> Points:
    """The layout of a garden of `n` nodes linked as `neighbours` says (see layout.py)."""
    # numpy loads here, not with the package: a build that keeps /graph/ never needs it, nor
    # one whose layout another process made.
    from hortus.render.graph.layout import garden_points

    return garden_points(n, neighbours)


def garden_key(structure: str, nodes: list[GraphNode]) -> str:
    """What a garden is made from, as one digest: which page links to which (`structure`,
    as the link stage tells it) and the pages (path, title, URL), in order. Pickled, not
    written as JSON: a large garden asks this at every build."""
    pages = [(n.key, n.title, n.url) for n in nodes]
    return bytes_digest(pickle.dumps((structure, pages), protocol=5))


def build_graph(nodes: list[GraphNode], edges: list[tuple[str, str]], key: str = "") -> Garden:
    """Edges are source -> target; edges to notes not in `nodes`, self-loops and duplicates
    are dropped. Sorting here makes the layout independent of the vault's reading order.
    `key`: what `nodes` and `edges` were made from, as one digest, when the caller knows."""
    ordered = _ordered(nodes)
    index = {node.key: i for i, node in enumerate(ordered)}
    directed = sorted(
        {(index[s], index[t]) for s, t in edges if s in index and t in index and s != t}
    )
    linked: list[set[int]] = [set() for _ in ordered]
    for s, t in directed:
        linked[s].add(t)
        linked[t].add(s)
    return Garden(ordered, index, directed, [sorted(n) for n in linked], key)


def garden_from_plain(
    nodes: list[GraphNode], plain: tuple[bytes, bytes, bytes, bytes], key: str
) -> Garden:
    """The garden Garden.plain() kept, over `nodes` as build_graph was given them then.
    Raises ValueError when the kept arrays do not fit the nodes."""
    ordered = _ordered(nodes)
    flat_edges, offsets, flat, rank = (_ints(b) for b in plain)
    n = len(ordered)
    if len(offsets) != n + 1 or len(rank) != n or offsets[-1] != len(flat):
        raise ValueError("the kept graph does not fit the pages")
    garden = Garden(
        ordered,
        {node.key: i for i, node in enumerate(ordered)},
        _Pairs(flat_edges),
        _Slices(offsets, flat),
        key,
    )
    garden._rank = rank.tolist()
    return garden


def _ordered(nodes: list[GraphNode]) -> list[GraphNode]:
    """The nodes by key, the first of each key kept."""
    unique: dict[str, GraphNode] = {}
    for node in nodes:
        unique.setdefault(node.key, node)
    return [unique[k] for k in sorted(unique)]


def _ints(blob: bytes) -> array[int]:
    found = array("i")
    found.frombytes(blob)
    return found


class _Pairs(Sequence[tuple[int, int]]):
    """A kept garden's edges as one flat array, made into pairs only when read: a build
    reads them only to draw the whole garden or to keep a new one."""

    def __init__(self, flat: array[int]) -> None:
        self._flat = flat

    def __len__(self) -> int:
        return len(self._flat) // 2

    def __getitem__(self, i: int) -> tuple[int, int]:  # type: ignore[override]
        if not -len(self) <= i < len(self):
            raise IndexError(i)
        i %= len(self)
        return (self._flat[2 * i], self._flat[2 * i + 1])

    def __iter__(self) -> Iterator[tuple[int, int]]:
        return zip(self._flat[0::2], self._flat[1::2], strict=True)


class _Slices(Sequence[list[int]]):
    """A kept garden's neighbours as offsets into one flat array, each node's cut out when
    first read: a build reads those of the pages it draws."""

    def __init__(self, offsets: array[int], flat: array[int]) -> None:
        self._offsets, self._flat = offsets, flat
        self._made: dict[int, list[int]] = {}

    def __len__(self) -> int:
        return len(self._offsets) - 1

    def __getitem__(self, v: int) -> list[int]:  # type: ignore[override]
        found = self._made.get(v)
        if found is None:
            if not -len(self) <= v < len(self):
                raise IndexError(v)
            v %= len(self)
            found = self._made[v] = self._flat[self._offsets[v] : self._offsets[v + 1]].tolist()
        return found

    def __iter__(self) -> Iterator[list[int]]:
        return (self[v] for v in range(len(self)))
