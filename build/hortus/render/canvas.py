"""A canvas drawn as a board: its cards at their places and sizes, its groups with their
labels, its edges as arrows with labels, each in its colour; and, for narrow screens, the
outline of its cards in reading order.

The board is one SVG in canvas units, so it scales as a whole: each card is a
`<foreignObject>` holding the card's text as the outline renders it (Markdown, math, links
resolved like any note's), groups and edges are SVG. Without JavaScript it is shown at a
readable scale (scrolling when it is wider than the page); canvas.js adds pan and zoom. A
file card whose note is unpublished (or missing) shows a neutral placeholder, never its name."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from html import escape

from markdown_it.token import Token

from hortus.links import ResolvedLink, link_of
from hortus.markdown import link_tokens
from hortus.vault import CanvasEdge, CanvasLayout, CanvasNode

MARGIN = 24.0  # canvas units around the outermost node
LABEL_ROOM = 30.0  # above a group, for its label
MIN_SCALE = 0.6  # without JavaScript, the board is never drawn smaller than this
PLACEHOLDER = '<span class="embed-private">This content is not published.</span>'

_CARD_START = re.compile(r'<div class="canvas-card" data-card="(\d+)">')
_SIDE_NORMAL = {"top": (0, -1), "bottom": (0, 1), "left": (-1, 0), "right": (1, 0)}


def card_tokens(tokens: list[Token]) -> dict[int, list[Token]]:
    """Each outline card's own tokens (without the card's `<div>`), by its number."""
    cards: dict[int, list[Token]] = {}
    current: list[Token] | None = None
    for token in tokens:
        if token.type == "html_block":
            start = _CARD_START.match(token.content)
            if start is not None:
                current = cards.setdefault(int(start.group(1)), [])
                continue
            if token.content.startswith('<p class="canvas-group"'):
                current = None
                continue
        if current is not None:
            current.append(token)
    for card in cards.values():
        if card and card[-1].type == "html_block" and card[-1].content.strip() == "</div>":
            card.pop()
    return cards


def canvas_html(
    layout: CanvasLayout,
    tokens: list[Token],
    links: Sequence[ResolvedLink],
    render: Callable[[list[Token]], str],
    name: str,
    key: str,
) -> str:
    """The board and the outline of a canvas; `render` turns a card's tokens into HTML and
    `key` (unique per canvas) names its arrowheads."""
    segments = card_tokens(tokens)
    cards = {
        node.card: _card_html(node, segments.get(node.card, []), links, render)
        for node in layout.nodes
        if node.card is not None
    }
    if not layout.nodes:
        return '<div class="canvas-outline canvas-empty"></div>'
    return _board(layout, cards, name, key) + _outline(layout, cards)


def _card_html(
    node: CanvasNode,
    tokens: list[Token],
    links: Sequence[ResolvedLink],
    render: Callable[[list[Token]], str],
) -> str:
    if node.file:
        found = [link_of(token, links) for token, _ in link_tokens(tokens)]
        # An unpublished note's card must not even say its name; a missing one looks alike.
        if not found or (found[0].url is None):
            return PLACEHOLDER
    return render(tokens)


def _bounds(nodes: Sequence[CanvasNode]) -> tuple[float, float, float, float]:
    left = min(n.x for n in nodes) - MARGIN
    top = min(n.y - (LABEL_ROOM if n.kind == "group" and n.label else 0) for n in nodes) - MARGIN
    right = max(n.x + n.width for n in nodes) + MARGIN
    bottom = max(n.y + n.height for n in nodes) + MARGIN
    return left, top, right - left, bottom - top


def _num(value: float) -> str:
    text = f"{value:.1f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def _colour_attrs(colour: str, base: str) -> str:
    """A node's or edge's classes, with its colour: a preset by class, hex by a variable."""
    if not colour:
        return f'class="{base}"'
    if colour.startswith("#"):
        return f'class="{base} canvas-color" style="--canvas-color: {escape(colour)}"'
    return f'class="{base} canvas-color canvas-color-{escape(colour)}"'


def _board(layout: CanvasLayout, cards: dict[int, str], name: str, key: str) -> str:
    left, top, width, height = _bounds(layout.nodes)
    view = f"{_num(left)} {_num(top)} {_num(width)} {_num(height)}"
    size = f"width: min({_num(width)}px, max(100%, {_num(width * MIN_SCALE)}px))"
    parts = [
        f'<div class="canvas-board" data-width="{_num(width)}" data-height="{_num(height)}">',
        f'<svg class="canvas-view" xmlns="http://www.w3.org/2000/svg" viewBox="{view}" '
        f'style="{size}" role="group" aria-label="{escape(name)}">',
        _markers(layout.edges, key),
    ]
    for node in layout.nodes:
        if node.kind == "group":
            parts.append(_group(node))
    for node in layout.nodes:
        if node.card is not None:
            parts.append(
                f'<foreignObject x="{_num(node.x)}" y="{_num(node.y)}" '
                f'width="{_num(node.width)}" height="{_num(node.height)}">'
                f"<div {_colour_attrs(node.color, f'canvas-node canvas-node-{node.kind}')}>"
                f"{cards.get(node.card, '')}</div></foreignObject>"
            )
    for edge in layout.edges:
        parts.append(_edge(layout.nodes, edge, key))
    parts.append("</svg></div>")
    return "".join(parts)


def _group(node: CanvasNode) -> str:
    label = ""
    if node.label:
        label = (
            f'<text class="canvas-group-label" x="{_num(node.x + 4)}" '
            f'y="{_num(node.y - 10)}">{escape(node.label)}</text>'
        )
    return (
        f"<g {_colour_attrs(node.color, 'canvas-group-box')}>"
        f'<rect x="{_num(node.x)}" y="{_num(node.y)}" width="{_num(node.width)}" '
        f'height="{_num(node.height)}" rx="12"/>{label}</g>'
    )


def _marker_id(key: str, colour: str) -> str:
    suffix = colour.lstrip("#") or "plain"
    return f"{key}-arrow-{suffix}"


def _markers(edges: Sequence[CanvasEdge], key: str) -> str:
    colours = sorted({edge.color for edge in edges})
    if not colours:
        return ""
    defs = "".join(
        f'<marker id="{_marker_id(key, colour)}" viewBox="0 0 10 10" refX="9" refY="5" '
        f'markerWidth="7" markerHeight="7" orient="auto-start-reverse">'
        f'<path {_colour_attrs(colour, "canvas-arrow")} d="M0 0L10 5L0 10z"/></marker>'
        for colour in colours
    )
    return f"<defs>{defs}</defs>"


def _anchor(node: CanvasNode, side: str) -> tuple[float, float]:
    cx, cy = node.x + node.width / 2, node.y + node.height / 2
    return {
        "top": (cx, node.y),
        "bottom": (cx, node.y + node.height),
        "left": (node.x, cy),
        "right": (node.x + node.width, cy),
    }[side]


def _sides(a: CanvasNode, b: CanvasNode, edge: CanvasEdge) -> tuple[str, str]:
    """The sides an edge leaves and reaches: as written, else those facing each other."""
    dx = (b.x + b.width / 2) - (a.x + a.width / 2)
    dy = (b.y + b.height / 2) - (a.y + a.height / 2)
    if abs(dx) >= abs(dy):
        facing = ("right", "left") if dx >= 0 else ("left", "right")
    else:
        facing = ("bottom", "top") if dy >= 0 else ("top", "bottom")
    return edge.source_side or facing[0], edge.target_side or facing[1]


def _edge(nodes: Sequence[CanvasNode], edge: CanvasEdge, key: str) -> str:
    a, b = nodes[edge.source], nodes[edge.target]
    side_a, side_b = _sides(a, b, edge)
    (x0, y0), (x3, y3) = _anchor(a, side_a), _anchor(b, side_b)
    reach = max(40.0, min(200.0, (abs(x3 - x0) + abs(y3 - y0)) * 0.4))
    (ax, ay), (bx, by) = _SIDE_NORMAL[side_a], _SIDE_NORMAL[side_b]
    x1, y1, x2, y2 = x0 + ax * reach, y0 + ay * reach, x3 + bx * reach, y3 + by * reach
    d = f"M{_num(x0)} {_num(y0)}C{_num(x1)} {_num(y1)} {_num(x2)} {_num(y2)} {_num(x3)} {_num(y3)}"
    marker = f"url(#{_marker_id(key, edge.color)})"
    ends = (f' marker-start="{marker}"' if edge.source_arrow else "") + (
        f' marker-end="{marker}"' if edge.target_arrow else ""
    )
    label = ""
    if edge.label:
        mx, my = (x0 + 3 * x1 + 3 * x2 + x3) / 8, (y0 + 3 * y1 + 3 * y2 + y3) / 8
        label = (
            f'<text class="canvas-edge-label" x="{_num(mx)}" y="{_num(my)}" '
            f'text-anchor="middle" dominant-baseline="middle">{escape(edge.label)}</text>'
        )
    return (
        f"<g {_colour_attrs(edge.color, 'canvas-edge')}>"
        f'<path d="{d}" fill="none"{ends}/>{label}</g>'
    )


def _outline(layout: CanvasLayout, cards: dict[int, str]) -> str:
    """The cards in reading order, groups as their labels: what a narrow screen shows."""
    items = []
    for node in layout.nodes:
        if node.kind == "group":
            if node.label:
                items.append(f'<p class="canvas-group">{escape(node.label)}</p>')
        elif node.card is not None:
            items.append(
                f"<div {_colour_attrs(node.color, 'canvas-card')}>{cards.get(node.card, '')}</div>"
            )
    return f'<div class="canvas-outline">{"".join(items)}</div>'
