"""The link graph drawn as SVG at build time, so it reads with JavaScript off: each note's
neighbourhood (rings around the note) and the whole garden (its force layout). Coordinates
are whole SVG units (about a pixel), so a drawing is byte-stable and every page's copy of
its local graph is short; the look is in graph.css, not in per-element attributes."""

from __future__ import annotations

from functools import lru_cache
from html import escape
from math import sqrt

from hortus.render.graph.labels import Label, fit_label, place_labels
from hortus.render.graph.model import Garden
from hortus.render.graph.rings import neighbourhood, ring_layout
from hortus.vault import relative_url

GARDEN_FONT = 11.0
LOCAL_FONT = 11.0
LOCAL_LABEL_MAX = 84.0  # SVG units: the sidebar is about 240 px wide, the drawing ~250 units
# Every local graph is at least this wide, so the sidebar scales each by about the same factor
# and a note with one neighbour does not get labels several times larger than one with many.
LOCAL_WIDTH = 260.0
GARDEN_LABEL_MAX = 150.0


def local_graph_svg(
    garden: Garden, key: str, page_url: str, depth: int = 1, *, label: str = "Link graph"
) -> str:
    """The note and its neighbours up to `depth` links away (either direction), at most
    LOCAL_MAX_NODES; '' when the note links nowhere and nothing links to it."""
    centre = garden.index.get(key)
    if centre is None or not garden.neighbours[centre]:
        return ""
    near = neighbourhood(garden, centre, depth)
    placed = ring_layout(garden, near.layers)
    members = near.members
    # Only the members' own links, each from its lower end: sorted as (lower, higher).
    edges = [(i, j) for i, ends in enumerate(near.links) for j in ends if j > i]
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
    points = garden.points()
    members = list(range(len(garden.nodes)))
    degree = [len(ns) for ns in garden.neighbours]
    radii = [min(3.0 + 0.9 * sqrt(d), 11.0) for d in degree]
    edges = sorted({(min(s, t), max(s, t)) for s, t in garden.edges})
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
    nodes, neighbours = garden.nodes, garden.neighbours
    labels = [
        fit_label(nodes[v].title, font, label_max * (2 if v == current else 1)) for v in members
    ]
    order = [(v != current, -len(neighbours[v]), v) for v in members]
    priority = sorted(range(len(members)), key=order.__getitem__)
    baselines = place_labels(points, radii, labels, font, priority)
    ox, oy, width, height = _frame(points, radii, labels, font)
    if width < min_width:  # centred in a frame of the common width
        ox, width = ox + (min_width - width) / 2, min_width
    pts = [(str(round(x + ox)), str(round(y + oy))) for x, y in points]  # as _int writes them

    out = [
        f'<svg class="graph {kind}" xmlns="http://www.w3.org/2000/svg" '
        f'viewBox="0 0 {_int(width)} {_int(height)}" width="{_int(width)}" '
        f'height="{_int(height)}" role="img" aria-label="{escape(aria)}" '
        f'data-edges="{",".join([f"{a} {b}" for a, b in edges])}">'
    ]
    if edges:
        at = [f"{x} {y}" for x, y in pts]
        d = "".join([f"M{at[a]}L{at[b]}" for a, b in edges])
        # Presentation attributes are the fallback when graph.css is missing; CSS overrides.
        out.append(f'<path class="graph-edges" fill="none" stroke="#9aa0a6" d="{d}"/>')
    out.append(
        f'<g class="graph-nodes" fill="#9aa0a6" font-size="{_num(font)}" text-anchor="middle">'
    )
    for i, v in enumerate(members):
        x, y = pts[i]
        baseline = baselines[i]
        if baseline is None:  # no room of its own: drawn below its node, shown on hover
            text_y = f'y="{_int(points[i][1] + oy + radii[i] + font * 1.05)}" class="minor"'
        else:
            text_y = f'y="{_int(baseline + oy)}"'
        # Every node is an `a` of `.graph-nodes`, so only the current one needs a class; a
        # label cut short has its title in full as a tooltip.
        href = escape(relative_url(page_url, nodes[v].url))
        mark = ' class="current" aria-current="page"' if v == current else ""
        _, _, text, tip = labels[i]
        out.append(
            f'<a href="{href}"{mark}>{tip}<circle cx="{x}" cy="{y}" r="{_num(radii[i])}"/>'
            f'<text x="{x}" {text_y}>{text}</text></a>'
        )
    out.append("</g></svg>")
    return "".join(out)


def _frame(
    points: list[tuple[float, float]],
    radii: list[float],
    labels: list[Label],
    font: float,
) -> tuple[float, float, float, float]:
    """(x offset, y offset, width, height) of the drawing: bounds include labels, so nothing
    is clipped by the viewBox."""
    margin = 6.0
    # How far each node reaches sideways: its circle or half its label (x - that is the
    # lesser of x - r and x - w / 2, to the last bit).
    reach = [max(r, label[1] / 2) for r, label in zip(radii, labels, strict=True)]
    left = min([x - e for (x, _), e in zip(points, reach, strict=True)])
    right = max([x + e for (x, _), e in zip(points, reach, strict=True)])
    rise = font * 1.3  # a label above or below
    top = min([y - r - rise for (_, y), r in zip(points, radii, strict=True)])
    bottom = max([y + r + rise for (_, y), r in zip(points, radii, strict=True)])
    return margin - left, margin - top, right - left + 2 * margin, bottom - top + 2 * margin


def _int(value: float) -> str:
    """A whole number (never `-0`): a unit of the drawing is about a pixel on the page."""
    return str(round(value))


@lru_cache(maxsize=4096)  # a node's radius comes from its number of links: a few values
def _num(value: float) -> str:
    """One decimal, no trailing zeros and no `-0`: short and byte-stable."""
    text = f"{value:.1f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text
