"""A note's neighbourhood: the note in the centre, its neighbours on rings by link distance."""

from __future__ import annotations

from math import cos, pi, sin

from hortus.render.graph.model import Garden, Neighbourhood

LOCAL_MAX_NODES = 40
LOCAL_RX = 78.0


def neighbourhood(garden: Garden, centre: int, depth: int) -> Neighbourhood:
    """The neighbourhood of `centre`. The garden keeps the last one made: a page's drawing
    and its key (local_graph_inputs) ask for the same one, one after the other."""
    last = garden._near
    if last is not None and last.centre == centre and last.depth == depth:
        return last
    layers = local_layers(garden, centre, depth)
    members = [v for layer in layers for v in layer]
    place = {v: i for i, v in enumerate(members)}
    # A set intersection: a hub's thousands of links against a few dozen members.
    links = [sorted([place[w] for w in garden.linked(v).intersection(place)]) for v in members]
    found = garden._near = Neighbourhood(centre, depth, layers, members, links)
    return found


def local_graph_inputs(garden: Garden, key: str, depth: int = 1) -> list:
    """Everything local_graph_svg draws for a note, cheaper than drawing it: a page whose
    inputs are unchanged keeps its drawing."""
    centre = garden.index.get(key)
    if centre is None or not garden.neighbours[centre]:
        return []
    near = neighbourhood(garden, centre, depth)
    return [
        (garden.shown(v), len(garden.neighbours[v]), links)
        for v, links in zip(near.members, near.links, strict=True)
    ]


def local_layers(garden: Garden, centre: int, depth: int) -> list[list[int]]:
    """Breadth-first rings; when there are too many, the best-linked notes are kept."""
    layers, seen, budget = [[centre]], {centre}, LOCAL_MAX_NODES - 1
    rank = garden.rank()
    for _ in range(max(depth, 1)):
        ring = sorted(
            {w for v in layers[-1] for w in garden.neighbours[v] if w not in seen},
            key=rank.__getitem__,
        )[:budget]
        if not ring:
            break
        budget -= len(ring)
        seen.update(ring)
        layers.append(ring)
        if budget <= 0:
            break
    return layers


def ring_layout(garden: Garden, layers: list[list[int]]) -> dict[int, tuple[float, float]]:
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
            inner = garden.linked(v).intersection(in_ring)  # often none
            if inner:  # by index, as v's neighbours are, then by title
                nxt = [w for w in sorted(inner) if w not in seen]
                nxt.sort(key=lambda w: garden.nodes[w].title, reverse=True)
                stack += nxt
    return order
