"""The link graph drawn as SVG at build time, so it reads with JavaScript off: each note's
neighbourhood (rings around the note) and the whole garden (its force layout). Coordinates
are whole SVG units (about a pixel), so a drawing is byte-stable and every page's copy of
its local graph is short; the look is in graph.css, not in per-element attributes."""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from functools import lru_cache
from html import escape
from math import sqrt
from typing import TYPE_CHECKING

from hortus.render.graph.model import Garden, GraphNode
from hortus.render.graph.rings import local_layers, ring_layout
from hortus.vault import relative_url

if TYPE_CHECKING:
    import numpy as np

GARDEN_SPACING = 46.0  # SVG units between a node and its nearest one, typically: room for a label
GARDEN_FONT = 11.0
LOCAL_FONT = 11.0
LOCAL_LABEL_MAX = 84.0  # SVG units: the sidebar is about 240 px wide, the drawing ~250 units
# Every local graph is at least this wide, so the sidebar scales each by about the same factor
# and a note with one neighbour does not get labels several times larger than one with many.
LOCAL_WIDTH = 260.0
GARDEN_LABEL_MAX = 150.0
SMALL_GRAPH = 64  # nodes: up to this many, label boxes are checked against every box placed
Box = tuple[float, float, float, float]  # left, top, right, bottom


def local_graph_svg(
    garden: Garden, key: str, page_url: str, depth: int = 1, *, label: str = "Link graph"
) -> str:
    """The note and its neighbours up to `depth` links away (either direction), at most
    LOCAL_MAX_NODES; '' when the note links nowhere and nothing links to it."""
    centre = garden.index.get(key)
    if centre is None or not garden.neighbours[centre]:
        return ""
    layers = local_layers(garden, centre, depth)
    placed = ring_layout(garden, layers)
    members = [v for layer in layers for v in layer]
    local = {v: i for i, v in enumerate(members)}
    # Only the members' own links: scanning every edge of the garden per page is quadratic.
    edges = sorted(
        {
            (min(local[v], local[w]), max(local[v], local[w]))
            for v in members
            for w in garden.neighbours[v]
            if w in local
        }
    )
    degree = {v: len(garden.neighbours[v]) for v in members}
    radii = [7.0 if v == centre else min(3.0 + 0.8 * sqrt(degree[v]), 6.0) for v in members]
    title = garden.nodes[centre].title
    return _svg(
        garden,
        members,
        [placed[v] for v in members],
        radii,
        edges,
        page_url,
        kind="graph-local",
        font=LOCAL_FONT,
        label_max=LOCAL_LABEL_MAX,
        current=centre,
        aria=f"{label}: {title}",
        min_width=LOCAL_WIDTH,
    )


def garden_graph_svg(
    garden: Garden, page_url: str, *, label: str = "Link graph of the garden"
) -> str:
    """Every published note and link; '' for an empty garden."""
    if not garden.nodes:
        return ""
    pos = garden.positions() * _spread(garden.positions())
    members = list(range(len(garden.nodes)))
    degree = [len(ns) for ns in garden.neighbours]
    radii = [min(3.0 + 0.9 * sqrt(d), 11.0) for d in degree]
    edges = sorted({(min(s, t), max(s, t)) for s, t in garden.edges})
    points = [(float(x), float(y)) for x, y in pos]
    return _svg(
        garden,
        members,
        points,
        radii,
        edges,
        page_url,
        kind="graph-garden",
        font=GARDEN_FONT,
        label_max=GARDEN_LABEL_MAX,
        current=None,
        aria=label,
    )


def _spread(pos: np.ndarray) -> float:
    """Layout units to SVG units, so that the median node has room for its label whatever
    the garden's density; measured on about 500 nodes against all."""
    import numpy as np  # only here and in the layout: a build that keeps /graph/ never loads it

    n = len(pos)
    if n < 2:
        return 1.0
    sample = pos[:: max(1, n // 500)]
    nearest = np.full(len(sample), np.inf)
    for start in range(0, n, 2000):
        block = pos[start : start + 2000]
        d2 = ((sample[:, None, :] - block[None, :, :]) ** 2).sum(axis=2)
        d2[d2 == 0] = np.inf  # the node itself
        nearest = np.minimum(nearest, d2.min(axis=1))
    median = float(np.sqrt(np.median(nearest)))
    return max(1.0, GARDEN_SPACING / max(median, 1e-6))


def _svg(
    garden: Garden,
    members: list[int],
    points: list[tuple[float, float]],
    radii: list[float],
    edges: list[tuple[int, int]],
    page_url: str,
    *,
    kind: str,
    font: float,
    label_max: float,
    current: int | None,
    aria: str,
    min_width: float = 0.0,
) -> str:
    """Nodes are links (circle + label), edges one path; labels that would overlap a label
    already placed (centre first, then best linked) get class `minor`: CSS shows them on hover
    and graph.js when zoomed in. `data-edges` lets graph.js highlight a node's links."""
    labels = [
        _fit_label(garden.nodes[v].title, font, label_max * (2 if v == current else 1))
        for v in members
    ]
    priority = sorted(
        range(len(members)),
        key=lambda i: (members[i] != current, -len(garden.neighbours[members[i]]), members[i]),
    )
    baselines = _place_labels(points, radii, labels, font, priority)
    ox, oy, width, height = _frame(points, radii, labels, font)
    if width < min_width:  # centred in a frame of the common width
        ox, width = ox + (min_width - width) / 2, min_width
    pts = [(_int(x + ox), _int(y + oy)) for x, y in points]

    out = [
        f'<svg class="graph {kind}" xmlns="http://www.w3.org/2000/svg" '
        f'viewBox="0 0 {_int(width)} {_int(height)}" width="{_int(width)}" '
        f'height="{_int(height)}" role="img" aria-label="{escape(aria)}" '
        f'data-edges="{",".join(f"{a} {b}" for a, b in edges)}">'
    ]
    if edges:
        d = "".join(f"M{pts[a][0]} {pts[a][1]}L{pts[b][0]} {pts[b][1]}" for a, b in edges)
        # Presentation attributes are the fallback when graph.css is missing; CSS overrides.
        out.append(f'<path class="graph-edges" fill="none" stroke="#9aa0a6" d="{d}"/>')
    out.append(
        f'<g class="graph-nodes" fill="#9aa0a6" font-size="{_num(font)}" text-anchor="middle">'
    )
    for i, v in enumerate(members):
        baseline = baselines[i]
        # A label with no room of its own is drawn below its node.
        label_y = (
            baseline + oy if baseline is not None else points[i][1] + oy + radii[i] + font * 1.05
        )
        out.append(
            _node(
                garden.nodes[v], labels[i][0], pts[i], radii[i], _int(label_y),
                minor=baseline is None, current=v == current, page_url=page_url,
            )
        )  # fmt: skip
    out.append("</g></svg>")
    return "".join(out)


def _frame(
    points: list[tuple[float, float]],
    radii: list[float],
    labels: list[tuple[str, float]],
    font: float,
) -> tuple[float, float, float, float]:
    """(x offset, y offset, width, height) of the drawing: bounds include labels, so nothing
    is clipped by the viewBox."""
    margin = 6.0
    left = min(
        min(x - r, x - w / 2) for (x, _), r, (_, w) in zip(points, radii, labels, strict=True)
    )
    right = max(
        max(x + r, x + w / 2) for (x, _), r, (_, w) in zip(points, radii, labels, strict=True)
    )
    top = min(y - r - font * 1.3 for (_, y), r in zip(points, radii, strict=True))
    bottom = max(y + r + font * 1.3 for (_, y), r in zip(points, radii, strict=True))
    return margin - left, margin - top, right - left + 2 * margin, bottom - top + 2 * margin


def _node(
    node: GraphNode,
    text: str,
    point: tuple[str, str],
    radius: float,
    label_y: str,
    *,
    minor: bool,
    current: bool,
    page_url: str,
) -> str:
    """One note: a link holding its circle and its label (its title in full as a tooltip
    when the label is cut). Every node is an `a` of `.graph-nodes`, so only the current one
    needs a class."""
    x, y = point
    href = escape(relative_url(page_url, node.url))
    extra = ' class="current" aria-current="page"' if current else ""
    tip = f"<title>{escape(node.title)}</title>" if text != node.title else ""
    label_class = ' class="minor"' if minor else ""
    return (
        f'<a href="{href}"{extra}>{tip}'
        f'<circle cx="{x}" cy="{y}" r="{_num(radius)}"/>'
        f'<text x="{x}" y="{label_y}"{label_class}>{escape(text)}</text></a>'
    )


def _int(value: float) -> str:
    """A whole number (never `-0`): a unit of the drawing is about a pixel on the page."""
    return str(round(value))


def _num(value: float) -> str:
    """One decimal, no trailing zeros and no `-0`: short and byte-stable."""
    text = f"{value:.1f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def _char_width(c: str) -> float:
    return 1.0 if unicodedata.east_asian_width(c) in "WF" else 0.58


@lru_cache(maxsize=65536)  # a note's label is drawn on every page that shows its neighbours
def _fit_label(title: str, font: float, limit: float) -> tuple[str, float]:
    """(label, estimated width): CJK characters count a full em, others a little over half."""
    width = 0.0
    for i, c in enumerate(title):
        w = _char_width(c) * font
        if width + w > limit and i < len(title) - 1:
            return title[:i].rstrip() + "…", width + font
        width += w
    return title, width


def _place_labels(
    points: list[tuple[float, float]],
    radii: list[float],
    labels: list[tuple[str, float]],
    font: float,
    priority: list[int],
) -> list[float | None]:
    """Greedy: a label goes below its node, else above, where its box meets no label or node
    already placed; a label with no room gets None (and is drawn below, as `minor`).
    A coarse spatial hash keeps this linear for large gardens; a note's neighbourhood is
    small enough to check against every box (the same answer, found sooner)."""
    add, free = _box_set(len(points) > SMALL_GRAPH)
    for (x, y), r in zip(points, radii, strict=True):
        add((x - r, y - r, x + r, y + r))
    placed: list[float | None] = [None] * len(points)  # the label's baseline, if shown
    for i in priority:
        (x, y), r, (_, w) = points[i], radii[i], labels[i]
        below = (x - w / 2, y + r + 1.0, x + w / 2, y + r + 1.0 + font * 1.15)
        above = (x - w / 2, y - r - 1.0 - font * 1.15, x + w / 2, y - r - 1.0)
        for box in (below, above):
            if free(box):
                placed[i] = box[3] - font * 0.25
                add(box)
                break
    return placed


def _box_set(large: bool) -> tuple[Callable[[Box], None], Callable[[Box], bool]]:
    """(add a box, whether a box meets none added): over a spatial hash when `large`."""
    if not large:
        boxes: list[Box] = []

        def meets_none(box: Box) -> bool:
            x0, y0, x1, y1 = box
            return not any(x0 < a1 and a0 < x1 and y0 < b1 and b0 < y1 for a0, b0, a1, b1 in boxes)

        return boxes.append, meets_none
    cell = 64.0
    buckets: dict[tuple[int, int], list[Box]] = {}

    def cells(box: Box) -> list[tuple[int, int]]:
        x0, y0, x1, y1 = (int(v // cell) for v in box)
        return [(a, b) for a in range(x0, x1 + 1) for b in range(y0, y1 + 1)]

    def add(box: Box) -> None:
        for c in cells(box):
            buckets.setdefault(c, []).append(box)

    def free(box: Box) -> bool:
        x0, y0, x1, y1 = box
        for c in cells(box):
            for a0, b0, a1, b1 in buckets.get(c, ()):
                if x0 < a1 and a0 < x1 and y0 < b1 and b0 < y1:
                    return False
        return True

    return add, free
