"""The link graph: laid out at build time and drawn as SVG, so it reads with JavaScript off.

Two drawings: each note's neighbourhood (rings around the note, by link distance) and the
whole garden (a force-directed layout in the manner of d3-force). Both are deterministic:
no random numbers, inputs sorted, a fixed number of iterations, coordinates rounded."""

from __future__ import annotations

import unicodedata
from collections import deque
from dataclasses import dataclass, field
from html import escape
from math import cos, pi, sin, sqrt

import numpy as np

from hortus.vault.urls import relative_url

LOCAL_MAX_NODES = 40
ITERATIONS = 300
LARGE_GARDEN = 3000  # notes; above this the layout takes fewer steps (see _iterations)
LINK_DISTANCE = 30.0
CHARGE = 30.0  # d3-force's default many-body strength
GRAVITY = 0.04  # a weak pull to the centre, so separate clusters stay in one picture
EXACT_REPULSION_MAX = 100  # above this, repulsion goes through a grid (see _Grid)
GARDEN_SPACING = 46.0  # SVG units between a node and its nearest one, typically: room for a label
GARDEN_FONT = 11.0
LOCAL_FONT = 11.0
LOCAL_LABEL_MAX = 84.0  # SVG units: the sidebar is about 240 px wide, the drawing ~250 units
LOCAL_RX = 78.0
GARDEN_LABEL_MAX = 150.0


@dataclass(frozen=True)
class GraphNode:
    key: str  # the note's vault path
    title: str
    url: str


@dataclass
class Garden:
    nodes: list[GraphNode]  # sorted by key
    index: dict[str, int]
    edges: list[tuple[int, int]]  # directed, unique, sorted
    neighbours: list[list[int]]  # undirected, sorted by index
    _positions: np.ndarray | None = field(default=None, repr=False)

    def positions(self) -> np.ndarray:
        """The whole-garden layout, computed once per build and only when asked for."""
        if self._positions is None:
            n = len(self.nodes)
            self._positions = force_layout(n, self.neighbours, _iterations(n))
        return self._positions


def _iterations(n: int) -> int:
    """Fewer steps for a large garden: its drawing is a cloud whose shape settles early, and
    each step costs time in proportion to the notes."""
    return ITERATIONS if n <= LARGE_GARDEN else max(100, ITERATIONS * LARGE_GARDEN // n)


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


# ---------------------------------------------------------------------------------------------
# Layout


def force_layout(n: int, neighbours: list[list[int]], iterations: int = ITERATIONS) -> np.ndarray:
    """Notes with links by force (see _simulate); notes without any on a ring around them.
    In the simulation the whole garden's push would throw unlinked notes far out (its field
    falls off only as 1/r), leaving the drawing mostly empty space."""
    linked = [v for v in range(n) if neighbours[v]]
    orphans = [v for v in range(n) if not neighbours[v]]
    pos = np.zeros((n, 2))
    if linked:
        local = {v: i for i, v in enumerate(linked)}
        sub = [[local[w] for w in neighbours[v]] for v in linked]
        pos[linked] = _simulate(sub, iterations)
    if orphans:
        # A phyllotaxis annulus just outside the linked notes: even spacing for any count.
        inner = (
            float(np.sqrt((pos[linked] ** 2).sum(axis=1)).max()) + LINK_DISTANCE if linked else 0
        )
        j = np.arange(len(orphans), dtype=float)
        area = (1.3 * LINK_DISTANCE) ** 2
        radius = np.sqrt(inner**2 + (j + 0.5) * area / pi)
        angle = j * pi * (3.0 - sqrt(5.0))
        pos[orphans, 0] = radius * np.cos(angle)
        pos[orphans, 1] = radius * np.sin(angle)
    return pos


def _simulate(neighbours: list[list[int]], iterations: int) -> np.ndarray:
    """d3-force's model (link springs, 1/d repulsion, velocity decay, cooling alpha) with a
    weak pull to the centre. Exact repulsion for small gardens; for large ones a particle-mesh
    grid through FFT, O(n + G² log G) per step instead of O(n²)."""
    n = len(neighbours)
    order = _bfs_order(neighbours)
    pos = np.zeros((n, 2))
    # Phyllotaxis, as d3 seeds nodes, but in breadth-first order so linked notes start close.
    i = np.arange(n, dtype=float)
    radius = 10.0 * np.sqrt(0.5 + i)
    angle = i * pi * (3.0 - sqrt(5.0))
    pos[order, 0] = radius * np.cos(angle)
    pos[order, 1] = radius * np.sin(angle)

    src = np.array([a for a, ns in enumerate(neighbours) for b in ns if a < b], dtype=np.int64)
    dst = np.array([b for a, ns in enumerate(neighbours) for b in ns if a < b], dtype=np.int64)
    degree = np.array([len(ns) for ns in neighbours], dtype=float)
    if len(src):
        strength = 1.0 / np.minimum(degree[src], degree[dst])
        bias = degree[src] / (degree[src] + degree[dst])
    vel = np.zeros_like(pos)
    alpha, alpha_min = 1.0, 0.001
    decay = 1.0 - alpha_min ** (1.0 / iterations)
    grid = _Grid(n) if n > EXACT_REPULSION_MAX else None
    # The largest component sets a rim; smaller ones are held inside it (see _rim).
    main = np.zeros(n, dtype=bool)
    main[order[: _first_component_size(neighbours, int(order[0]))]] = True
    for _ in range(iterations):
        alpha += (0.0 - alpha) * decay
        if len(src):
            # Springs toward LINK_DISTANCE, the lighter end moving more (d3's bias).
            delta = (pos[dst] + vel[dst]) - (pos[src] + vel[src])
            length = np.sqrt((delta**2).sum(axis=1))
            length[length == 0] = 1e-6
            k = ((length - LINK_DISTANCE) / length * alpha * strength)[:, None] * delta
            # Summed per node with bincount: np.add.at is ten times slower at this size.
            pull_dst, pull_src = -k * bias[:, None], k * (1.0 - bias)[:, None]
            for axis in (0, 1):
                vel[:, axis] += np.bincount(dst, weights=pull_dst[:, axis], minlength=n)
                vel[:, axis] += np.bincount(src, weights=pull_src[:, axis], minlength=n)
        push = grid.repulsion(pos) if grid is not None else _exact_repulsion(pos)
        vel += CHARGE * alpha * push
        vel -= GRAVITY * alpha * pos
        if not main.all():
            vel -= alpha * _rim(pos, main)
        vel *= 0.6  # d3's velocityDecay of 0.4
        pos += vel
    return pos - pos.mean(axis=0)


def _rim(pos: np.ndarray, main: np.ndarray) -> np.ndarray:
    """A soft wall just outside the largest component: the garden's push (a 1/r field) would
    otherwise drive small clusters ever further out, leaving the drawing mostly empty."""
    centre = pos[main].mean(axis=0)
    offset = pos - centre
    dist = np.sqrt((offset**2).sum(axis=1))
    wall = 1.5 * float(dist[main].mean()) + LINK_DISTANCE  # a uniform disc's edge: 1.5 × mean
    over = np.where(~main & (dist > wall), (dist - wall) / np.maximum(dist, 1e-9), 0.0)
    return 0.5 * over[:, None] * offset


def _first_component_size(neighbours: list[list[int]], start: int) -> int:
    seen, stack = {start}, [start]
    while stack:
        for w in neighbours[stack.pop()]:
            if w not in seen:
                seen.add(w)
                stack.append(w)
    return len(seen)


def _bfs_order(neighbours: list[list[int]]) -> np.ndarray:
    """Largest components first, each from its best-linked note, so the big cluster starts
    in the middle and unlinked notes on the rim."""
    n = len(neighbours)
    seen = [False] * n
    components: list[list[int]] = []
    by_degree = sorted(range(n), key=lambda v: (-len(neighbours[v]), v))
    for start in by_degree:
        if seen[start]:
            continue
        seen[start] = True
        queue, comp = deque([start]), []
        while queue:
            v = queue.popleft()
            comp.append(v)
            for w in neighbours[v]:
                if not seen[w]:
                    seen[w] = True
                    queue.append(w)
        components.append(comp)
    components.sort(key=lambda c: (-len(c), c[0]))
    return np.array([v for comp in components for v in comp], dtype=np.int64)


def _exact_repulsion(pos: np.ndarray) -> np.ndarray:
    """Σ_j (x_i - x_j) / |x_i - x_j|², the 2-D Coulomb push of every other node."""
    delta = pos[:, None, :] - pos[None, :, :]
    dist2 = (delta**2).sum(axis=2)
    np.maximum(dist2, 1.0, out=dist2)  # d3's distanceMin: no infinite kicks
    np.fill_diagonal(dist2, np.inf)
    return (delta / dist2[:, :, None]).sum(axis=1)


class _Grid:
    """Particle-mesh repulsion: nodes spread onto a G×G grid (cloud in cell), convolved with
    the 1/r kernel by FFT on a zero-padded 2G grid, and the field read back at each node.
    The kernel is odd, so a node feels no push from itself; very close nodes are pushed
    more softly than exactly (softening about one cell), which a drawing does not show."""

    def __init__(self, n: int) -> None:
        self.size = int(min(256, max(64, 2 ** round(np.log2(2.0 * sqrt(n))))))
        g = self.size
        offsets = np.fft.fftfreq(2 * g, 1.0 / (2 * g))  # 0, 1, .., g-1, -g, .., -1
        dx, dy = np.meshgrid(offsets, offsets, indexing="ij")
        r2 = dx**2 + dy**2
        r2[0, 0] = 1.0
        self.kx = np.fft.rfft2(np.where(r2 > 0, dx / r2, 0.0))
        self.ky = np.fft.rfft2(np.where(r2 > 0, dy / r2, 0.0))

    def repulsion(self, pos: np.ndarray) -> np.ndarray:
        g = self.size
        low = pos.min(axis=0)
        span = float((pos.max(axis=0) - low).max())
        h = max(span, 1.0) / (g - 2)
        cell = (pos - low) / h
        i0 = np.floor(cell).astype(np.int64)
        np.clip(i0, 0, g - 2, out=i0)
        f = cell - i0
        weights = (
            ((1 - f[:, 0]) * (1 - f[:, 1]), 0, 0),
            (f[:, 0] * (1 - f[:, 1]), 1, 0),
            ((1 - f[:, 0]) * f[:, 1], 0, 1),
            (f[:, 0] * f[:, 1], 1, 1),
        )
        density = np.zeros((2 * g, 2 * g))
        flat = density.reshape(-1)
        for w, ox, oy in weights:
            idx = (i0[:, 0] + ox) * (2 * g) + (i0[:, 1] + oy)
            flat += np.bincount(idx, weights=w, minlength=flat.size)
        rho = np.fft.rfft2(density)
        fx = np.fft.irfft2(rho * self.kx, s=density.shape)
        fy = np.fft.irfft2(rho * self.ky, s=density.shape)
        out = np.zeros_like(pos)
        for w, ox, oy in weights:
            a, b = i0[:, 0] + ox, i0[:, 1] + oy
            out[:, 0] += w * fx[a, b]
            out[:, 1] += w * fy[a, b]
        return out / h


# ---------------------------------------------------------------------------------------------
# Local graph: the note in the centre, its neighbours on rings by link distance


def local_graph_svg(
    garden: Garden, key: str, page_url: str, depth: int = 1, *, label: str = "Link graph"
) -> str:
    """The note and its neighbours up to `depth` links away (either direction), at most
    LOCAL_MAX_NODES; '' when the note links nowhere and nothing links to it."""
    centre = garden.index.get(key)
    if centre is None or not garden.neighbours[centre]:
        return ""
    layers = _local_layers(garden, centre, depth)
    placed = _ring_layout(garden, layers)
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
    )


def local_graph_inputs(garden: Garden, key: str, depth: int = 1) -> list:
    """Everything local_graph_svg draws for a note, cheaper than drawing it: a page whose
    inputs are unchanged keeps its drawing."""
    centre = garden.index.get(key)
    if centre is None or not garden.neighbours[centre]:
        return []
    members = [v for layer in _local_layers(garden, centre, depth) for v in layer]
    inside = set(members)
    return [
        (
            garden.nodes[v].key,
            garden.nodes[v].title,
            garden.nodes[v].url,
            len(garden.neighbours[v]),
            [garden.nodes[w].key for w in garden.neighbours[v] if w in inside],
        )
        for v in members
    ]


def _local_layers(garden: Garden, centre: int, depth: int) -> list[list[int]]:
    """Breadth-first rings; when there are too many, the best-linked notes are kept."""
    layers, seen, budget = [[centre]], {centre}, LOCAL_MAX_NODES - 1
    for _ in range(max(depth, 1)):
        ring = sorted(
            {w for v in layers[-1] for w in garden.neighbours[v] if w not in seen},
            key=lambda w: (-len(garden.neighbours[w]), garden.nodes[w].title.casefold(), w),
        )[:budget]
        if not ring:
            break
        budget -= len(ring)
        seen.update(ring)
        layers.append(ring)
        if budget <= 0:
            break
    return layers


def _ring_layout(garden: Garden, layers: list[list[int]]) -> dict[int, tuple[float, float]]:
    """Rings on ellipses. Each ring is ordered so that linked neighbours sit side by side and
    outer notes near the inner note they hang from."""
    placed: dict[int, tuple[float, float]] = {layers[0][0]: (0.0, 0.0)}
    angle_of: dict[int, float] = {layers[0][0]: 0.0}
    for level, ring in enumerate(layers[1:], start=1):
        in_ring = set(ring)
        if level == 1:
            ordered = _chain_order(garden, ring, in_ring)
        else:
            # Hang each outer note under the inner note it is linked to that comes first.
            def parent_angle(v: int) -> float:
                return min(angle_of[w] for w in garden.neighbours[v] if w in angle_of)

            ordered = sorted(ring, key=lambda v: (parent_angle(v), garden.nodes[v].title, v))
        count = len(ordered)
        if level == 1:
            # The sidebar is narrow and tall: a fixed width, a height that grows with the count.
            rx, ry = LOCAL_RX, max(LOCAL_RX * 0.8, 7.5 * count)
        else:
            rx = max(abs(x) for x, _ in placed.values()) + 70.0
            ry = max(abs(y) for _, y in placed.values()) + 55.0
        stagger = level == 1 and count > 8  # alternate radii so neighbouring labels do not meet
        for j, v in enumerate(ordered):
            theta = -pi / 2 + 2 * pi * j / count + (pi / count if level > 1 else 0.0)
            k = 0.62 if stagger and j % 2 else 1.0
            placed[v] = (k * rx * cos(theta), k * ry * sin(theta))
            angle_of[v] = theta
    return placed


def _chain_order(garden: Garden, ring: list[int], in_ring: set[int]) -> list[int]:
    """Walk through the ring's own links so linked notes are adjacent (fewer crossings)."""
    order: list[int] = []
    seen: set[int] = set()
    for start in ring:  # best linked first
        if start in seen:
            continue
        stack = [start]
        while stack:
            v = stack.pop()
            if v in seen:
                continue
            seen.add(v)
            order.append(v)
            nxt = [w for w in garden.neighbours[v] if w in in_ring and w not in seen]
            stack.extend(sorted(nxt, key=lambda w: garden.nodes[w].title, reverse=True))
    return order


# ---------------------------------------------------------------------------------------------
# Whole garden


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


# ---------------------------------------------------------------------------------------------
# Drawing


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

    # Bounds include labels, so nothing is clipped by the viewBox.
    margin = 6.0
    left = min(
        min(x - r, x - w / 2) for (x, _), r, (_, w) in zip(points, radii, labels, strict=True)
    )
    right = max(
        max(x + r, x + w / 2) for (x, _), r, (_, w) in zip(points, radii, labels, strict=True)
    )
    top = min(y - r - font * 1.3 for (_, y), r in zip(points, radii, strict=True))
    bottom = max(y + r + font * 1.3 for (_, y), r in zip(points, radii, strict=True))
    ox, oy = margin - left, margin - top
    width, height = right - left + 2 * margin, bottom - top + 2 * margin
    pts = [(_num(x + ox), _num(y + oy)) for x, y in points]

    out = [
        f'<svg class="graph {kind}" xmlns="http://www.w3.org/2000/svg" '
        f'viewBox="0 0 {_num(width)} {_num(height)}" width="{_num(width)}" '
        f'height="{_num(height)}" role="img" aria-label="{escape(aria)}" '
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
        node = garden.nodes[v]
        (text, _), (x, y), r = labels[i], pts[i], radii[i]
        href = escape(relative_url(page_url, node.url))
        classes = "graph-node current" if v == current else "graph-node"
        extra = ' aria-current="page"' if v == current else ""
        tip = f"<title>{escape(node.title)}</title>" if text != node.title else ""
        baseline = baselines[i]
        label_class = "" if baseline is not None else ' class="minor"'
        ty = _num(baseline + oy if baseline is not None else points[i][1] + oy + r + font * 1.05)
        out.append(
            f'<a href="{href}" class="{classes}"{extra}>{tip}'
            f'<circle cx="{x}" cy="{y}" r="{_num(r)}"/>'
            f'<text x="{x}" y="{ty}"{label_class}>{escape(text)}</text></a>'
        )
    out.append("</g></svg>")
    return "".join(out)


def _num(value: float) -> str:
    """One decimal, no trailing zeros and no `-0`: short and byte-stable."""
    text = f"{value:.1f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def _char_width(c: str) -> float:
    return 1.0 if unicodedata.east_asian_width(c) in "WF" else 0.58


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
    A coarse spatial hash keeps this linear for large gardens."""
    cell = 64.0
    buckets: dict[tuple[int, int], list[tuple[float, float, float, float]]] = {}

    def cells(box: tuple[float, float, float, float]) -> list[tuple[int, int]]:
        x0, y0, x1, y1 = (int(v // cell) for v in box)
        return [(a, b) for a in range(x0, x1 + 1) for b in range(y0, y1 + 1)]

    def add(box: tuple[float, float, float, float]) -> None:
        for c in cells(box):
            buckets.setdefault(c, []).append(box)

    def free(box: tuple[float, float, float, float]) -> bool:
        x0, y0, x1, y1 = box
        for c in cells(box):
            for a0, b0, a1, b1 in buckets.get(c, ()):
                if x0 < a1 and a0 < x1 and y0 < b1 and b0 < y1:
                    return False
        return True

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
