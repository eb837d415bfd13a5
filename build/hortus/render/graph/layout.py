"""The whole garden's layout: a force-directed simulation in the manner of d3-force.

Deterministic: no random numbers, inputs sorted, a fixed number of iterations."""

from __future__ import annotations

from collections import deque
from collections.abc import Sequence
from math import pi, sqrt

import numpy as np

ITERATIONS = 300
LARGE_GARDEN = 3000  # notes; above this the layout takes fewer steps (see layout_steps)
LINK_DISTANCE = 30.0
CHARGE = 30.0  # d3-force's default many-body strength
GRAVITY = 0.04  # a weak pull to the centre, so separate clusters stay in one picture
GARDEN_SPACING = 46.0  # SVG units between a node and its nearest one, typically: room for a label
EXACT_REPULSION_MAX = 100  # above this, repulsion goes through a grid (see _Grid)


def layout_steps(n: int) -> int:
    """Fewer steps for a large garden: its drawing is a cloud whose shape settles early, and
    each step costs time in proportion to the notes."""
    return ITERATIONS if n <= LARGE_GARDEN else max(100, ITERATIONS * LARGE_GARDEN // n)


def garden_points(n: int, neighbours: Sequence[list[int]]) -> list[tuple[float, float]]:
    """Where each of `n` nodes linked as `neighbours` says is drawn, in SVG units: as plain
    floats, so that a process given them (see Garden.laid_out_by) need not load numpy."""
    pos = force_layout(n, neighbours, layout_steps(n))
    return [(x, y) for x, y in (pos * _spread(pos)).tolist()]


def force_layout(
    n: int, neighbours: Sequence[list[int]], iterations: int = ITERATIONS
) -> np.ndarray:
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


def _simulate(neighbours: Sequence[list[int]], iterations: int) -> np.ndarray:
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

    springs = _Springs(neighbours)
    vel = np.zeros_like(pos)
    alpha, alpha_min = 1.0, 0.001
    decay = 1.0 - alpha_min ** (1.0 / iterations)
    grid = _Grid(n) if n > EXACT_REPULSION_MAX else None
    # The largest component sets a rim; smaller ones are held inside it (see _rim).
    main = np.zeros(n, dtype=bool)
    main[order[: _first_component_size(neighbours, int(order[0]))]] = True
    one_component = bool(main.all())
    for _ in range(iterations):
        alpha += (0.0 - alpha) * decay
        vel += springs.pull(pos + vel, alpha)
        push = grid.repulsion(pos) if grid is not None else _exact_repulsion(pos)
        vel += CHARGE * alpha * push
        vel -= GRAVITY * alpha * pos
        if not one_component:
            vel -= alpha * _rim(pos, main)
        vel *= 0.6  # d3's velocityDecay of 0.4
        pos += vel
    return pos - pos.mean(axis=0)


class _Springs:
    """d3-force's link springs: each link pulls toward LINK_DISTANCE, its lighter end moving
    more (d3's bias), weaker at a well-linked note. Both ends' pulls, on both axes, are summed
    per node in one bincount (np.add.at is ten times slower at this size). Each step writes
    into arrays made once: a fresh array of a large garden's links is fresh memory from the
    system, and its page faults cost more than the arithmetic."""

    def __init__(self, neighbours: Sequence[list[int]]) -> None:
        pairs = [(a, b) for a, ns in enumerate(neighbours) for b in ns if a < b]
        src = np.array([a for a, _ in pairs], dtype=np.int64)
        dst = np.array([b for _, b in pairs], dtype=np.int64)
        degree = np.array([len(ns) for ns in neighbours], dtype=float)
        strength = 1.0 / np.minimum(degree[src], degree[dst])
        bias = degree[src] / (degree[src] + degree[dst])
        self.src, self.dst, self.nodes, links = src, dst, len(neighbours), len(pairs)
        self.to_dst = (-bias * strength)[:, None]
        self.to_src = ((1.0 - bias) * strength)[:, None]
        # Rows of `pulls`: the dst end of each link, then its src end; as a flat (n, 2) array.
        ends = np.concatenate([dst, src])
        self.cells = (2 * ends[:, None] + np.arange(2)).ravel()
        self.pulls = np.empty((2 * links, 2))
        self.delta, self.other = np.empty((links, 2)), np.empty((links, 2))
        self.length, self.force = np.empty(links), np.empty(links)

    def pull(self, ahead: np.ndarray, alpha: float) -> np.ndarray:
        """Each node's pull, given where the nodes are headed (position plus velocity)."""
        delta, length, force = self.delta, self.length, self.force
        np.take(ahead, self.dst, axis=0, out=delta)
        np.take(ahead, self.src, axis=0, out=self.other)
        np.subtract(delta, self.other, out=delta)
        np.sqrt(np.einsum("ij,ij->i", delta, delta, out=length), out=length)
        np.maximum(length, 1e-6, out=length)  # two notes at one point pull along no line
        np.subtract(length, LINK_DISTANCE, out=force)
        force *= alpha
        force /= length
        delta *= force[:, None]
        links = len(length)
        np.multiply(delta, self.to_dst, out=self.pulls[:links])
        np.multiply(delta, self.to_src, out=self.pulls[links:])
        summed = np.bincount(self.cells, weights=self.pulls.ravel(), minlength=2 * self.nodes)
        return summed.reshape(self.nodes, 2)


def _rim(pos: np.ndarray, main: np.ndarray) -> np.ndarray:
    """A soft wall just outside the largest component: the garden's push (a 1/r field) would
    otherwise drive small clusters ever further out, leaving the drawing mostly empty."""
    centre = pos[main].mean(axis=0)
    offset = pos - centre
    dist = np.sqrt((offset**2).sum(axis=1))
    wall = 1.5 * float(dist[main].mean()) + LINK_DISTANCE  # a uniform disc's edge: 1.5 × mean
    over = np.where(~main & (dist > wall), (dist - wall) / np.maximum(dist, 1e-9), 0.0)
    return 0.5 * over[:, None] * offset


def _first_component_size(neighbours: Sequence[list[int]], start: int) -> int:
    seen, stack = {start}, [start]
    while stack:
        for w in neighbours[stack.pop()]:
            if w not in seen:
                seen.add(w)
                stack.append(w)
    return len(seen)


def _bfs_order(neighbours: Sequence[list[int]]) -> np.ndarray:
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
    more softly than exactly (softening about one cell), which a drawing does not show.
    Single precision: a drawing needs no more, and its transforms take half the time."""

    def __init__(self, n: int) -> None:
        self.size = int(min(256, max(64, 2 ** round(np.log2(2.0 * sqrt(n))))))
        g = self.size
        offsets = np.fft.fftfreq(2 * g, 1.0 / (2 * g))  # 0, 1, .., g-1, -g, .., -1
        dx, dy = np.meshgrid(offsets, offsets, indexing="ij")
        r2 = dx**2 + dy**2
        r2[0, 0] = 1.0
        kernels = np.stack([np.where(r2 > 0, dx / r2, 0.0), np.where(r2 > 0, dy / r2, 0.0)])
        self.kernels = np.fft.rfft2(kernels.astype(np.float32))

    def repulsion(self, pos: np.ndarray) -> np.ndarray:
        g, n = self.size, len(pos)
        low = pos.min(axis=0)
        span = float((pos.max(axis=0) - low).max())
        h = max(span, 1.0) / (g - 2)
        cell = (pos - low) / h
        i0 = np.floor(cell).astype(np.int64)
        np.clip(i0, 0, g - 2, out=i0)
        f = cell - i0
        # Each node's weight in the four cells around it, and those cells, as four runs.
        fx, fy = f[:, 0], f[:, 1]
        weights = np.concatenate([(1 - fx) * (1 - fy), fx * (1 - fy), (1 - fx) * fy, fx * fy])
        corner = i0[:, 0] * g + i0[:, 1]
        cells = np.concatenate([corner, corner + g, corner + 1, corner + g + 1])
        density = np.bincount(cells, weights=weights, minlength=g * g).reshape(g, g)
        # The padded half of the grid is zero going in and not read coming out: the row
        # transforms skip it both ways.
        rows = np.fft.rfft(density.astype(np.float32), n=2 * g, axis=1)
        rho = np.fft.fft(rows, axis=0, n=2 * g)
        field = np.fft.ifft(rho * self.kernels, axis=1)[:, :g]
        field = np.fft.irfft(field, n=2 * g, axis=2)[:, :, :g].reshape(2, g * g)
        out = (field[:, cells] * weights).reshape(2, 4, n).sum(axis=1)
        return out.T / h


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
