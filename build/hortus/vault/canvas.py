"""JSON Canvas (`.canvas`) as Markdown: its cards in reading order, so an embedded canvas
reads as an outline with working links, and its links go through the same resolution and
privacy rules as a note's. The JSON itself is never copied to the site.

`canvas_layout` is the board beside it: where each card, group and edge is drawn, with its
colour and label. A card's `card` is its place among the outline's cards (each outline card
is `<div class="canvas-card" data-card="N">`), so the board shows each card's text as the
outline renders it."""

from __future__ import annotations

import json
import math
import re
from typing import Any, NamedTuple

IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".gif", ".svg", ".webp", ".avif", ".bmp")


class CanvasError(ValueError):
    """The file is not JSON Canvas; the message says why."""


class CanvasNode(NamedTuple):
    """A card or group of a canvas, as placed on the board."""

    kind: str  # "text", "file", "link" (cards) or "group"
    x: float  # left edge, in canvas units (pixels at 100 %)
    y: float  # top edge
    width: float
    height: float
    color: str  # "", a preset "1" to "6", or "#rrggbb"
    label: str  # a group's label
    card: int | None  # the card's place among the outline's cards; None for a group
    file: bool = False  # a file card: its one link is the file it shows


class CanvasEdge(NamedTuple):
    """An arrow between two nodes of a canvas."""

    source: int  # index in CanvasLayout.nodes
    target: int
    source_side: str  # "top", "right", "bottom", "left", or "" (the nearer side)
    target_side: str
    source_arrow: bool  # an arrowhead at the source end (`fromEnd: arrow`)
    target_arrow: bool  # an arrowhead at the target end (the default)
    color: str  # as a node's
    label: str


class CanvasLayout(NamedTuple):
    """A canvas's board: its nodes in reading order and its edges."""

    nodes: tuple[CanvasNode, ...]
    edges: tuple[CanvasEdge, ...]


def canvas_markdown(text: str) -> str:
    """The canvas's cards as Markdown, in reading order; CanvasError when it is not one.
    Each card's div says the line of the JSON file its text is on (`data-line`), which the
    markdown stage gives the card's tokens (and takes off the div)."""
    data = _load(text)
    lines = _json_lines(text, data)
    cards = [(card, lines.get(id(node), 1)) for node in _nodes(data) if (card := _card(node))]
    return _numbered(cards) + "\n"


def _numbered(cards: list[tuple[str, int]]) -> str:
    """The cards joined, each card's div numbered in order (groups are not cards) and given
    its JSON line."""
    out, number = [], 0
    for card, line in cards:
        if card.startswith('<div class="canvas-card">'):
            card = card.replace(
                '<div class="canvas-card">',
                f'<div class="canvas-card" data-card="{number}" data-line="{line}">',
                1,
            )
            number += 1
        out.append(card)
    return "\n\n".join(out)


# The field of a card that holds what the card shows, by the card's type.
_SHOWN_FIELD = {"text": "text", "file": "file", "link": "url", "group": "label"}
# What the line scan reads of JSON: strings (escapes and all) and the punctuation.
_JSON_TOKEN = re.compile(r'"(?:[^"\\]|\\.)*"|[{}\[\]:,]')


def _json_lines(text: str, data: dict[str, Any]) -> dict[int, int]:
    """The 1-based line of each node's shown field (or of the node, without one) in the JSON
    `text`, by the id() of the node's dict in `data`; empty when the scan and `data` differ."""
    dicts = [n for n in data.get("nodes", []) if isinstance(n, dict)]
    scanned = _scan_nodes(text)
    if len(scanned) != len(dicts):
        return {}
    return {
        id(node): fields.get(_SHOWN_FIELD.get(str(node.get("type")), ""), start)
        for node, (start, fields) in zip(dicts, scanned, strict=True)
    }


def _scan_nodes(text: str) -> list[tuple[int, dict[str, int]]]:
    """Each object of the top-level `nodes` array, in order: the line it opens on and the
    line of each of its keys."""
    nodes: list[tuple[int, dict[str, int]]] = []
    stack: list[list[Any]] = []  # per open bracket: [bracket, key being read or None]
    key, key_line, line, pos = None, 0, 1, 0
    for match in _JSON_TOKEN.finditer(text):
        token = match.group()
        line += text.count("\n", pos, match.start())
        pos = match.start()
        in_array = stack[:2] == _IN_NODES  # in the `nodes` array, len(stack) - 2 deep
        if token in "{[":
            if in_array and len(stack) == 2 and token == "{":
                nodes.append((line, {}))
            elif stack == _IN_NODES[:1] and token == "[":
                nodes = []  # a repeated `nodes` key: JSON keeps the last
            stack.append([token, None])
        elif token in "}]":
            if stack:
                stack.pop()
        elif token == ":" and stack and stack[-1][0] == "{":
            stack[-1][1] = key
            if in_array and len(stack) == 3 and key:
                nodes[-1][1].setdefault(key, key_line)
        elif token == "," and stack and stack[-1][0] == "{":
            stack[-1][1] = None
        elif token.startswith('"'):
            key, key_line = _string(token), line
    return nodes


_IN_NODES = [["{", "nodes"], ["[", None]]


def _string(token: str) -> str | None:
    try:
        value = json.loads(token)
    except ValueError:
        return None
    return value if isinstance(value, str) else None


def canvas_layout(text: str) -> CanvasLayout:
    """The board of a canvas: nodes in reading order, each card numbered as in
    canvas_markdown; edges between nodes that are there. CanvasError when it is not one."""
    data = _load(text)
    nodes: list[CanvasNode] = []
    index: dict[str, int] = {}
    number = 0
    for node in _nodes(data):
        card = _card(node)
        kind = str(node.get("type", ""))
        if kind not in ("text", "file", "link", "group") or (kind != "group" and not card):
            continue
        place = None if kind == "group" else number
        number += kind != "group"
        index.setdefault(str(node.get("id", "")), len(nodes))
        nodes.append(
            CanvasNode(
                kind, _number(node.get("x")), _number(node.get("y")),
                _size(node.get("width")), _size(node.get("height")), _colour(node.get("color")),
                str(node.get("label", "")).strip() if kind == "group" else "", place,
                kind == "file" and card.count("[[") == 1,
            )
        )  # fmt: skip
    edges = [
        edge
        for raw in data.get("edges", []) or []
        if isinstance(raw, dict) and (edge := _edge(raw, index)) is not None
    ]
    return CanvasLayout(tuple(nodes), tuple(edges))


def _edge(raw: dict[str, Any], index: dict[str, int]) -> CanvasEdge | None:
    source, target = index.get(str(raw.get("fromNode"))), index.get(str(raw.get("toNode")))
    if source is None or target is None:
        return None
    return CanvasEdge(
        source, target, _side(raw.get("fromSide")), _side(raw.get("toSide")),
        raw.get("fromEnd") == "arrow", raw.get("toEnd", "arrow") != "none",
        _colour(raw.get("color")), str(raw.get("label", "") or "").strip(),
    )  # fmt: skip


def _side(value: Any) -> str:
    return value if value in ("top", "right", "bottom", "left") else ""


_PRESET = re.compile(r"[1-6]")
_HEX = re.compile(r"#[0-9a-fA-F]{6}|#[0-9a-fA-F]{3}")


def _colour(value: Any) -> str:
    """A preset or a hex colour; anything else (which could reach a style) is no colour."""
    text = str(value).strip() if isinstance(value, str | int) else ""
    return text if _PRESET.fullmatch(text) or _HEX.fullmatch(text) else ""


def _size(value: Any) -> float:
    size = _number(value)
    return min(max(size, 20.0), 100_000.0) if size else 250.0


def _nodes(data: dict[str, Any]) -> list[dict[str, Any]]:
    nodes = [n for n in data.get("nodes", []) if isinstance(n, dict)]
    # Reading order: top to bottom, then left to right, as a reader scans the board.
    nodes.sort(key=lambda n: (_number(n.get("y")), _number(n.get("x")), str(n.get("id", ""))))
    return nodes


def _load(text: str) -> dict[str, Any]:
    try:
        data = json.loads(text) if text.strip() else {}
    except json.JSONDecodeError as exc:
        raise CanvasError(f"not valid JSON Canvas ({exc.msg}, line {exc.lineno})") from exc
    except RecursionError as exc:  # `[[[[...` thousands deep
        raise CanvasError("not valid JSON Canvas (nested too deep)") from exc
    except ValueError as exc:  # a number of more than 4,300 digits
        raise CanvasError(f"not valid JSON Canvas ({exc})") from exc
    if not isinstance(data, dict) or not isinstance(data.get("nodes", []), list):
        raise CanvasError("not valid JSON Canvas (no list of nodes)")
    if not isinstance(data.get("edges", []), list | type(None)):
        data["edges"] = []
    return data


def _number(value: Any) -> float:
    """A card's position; NaN or infinity (JSON as Python writes it) would leave the sort
    order to chance, so they count as 0."""
    try:
        number = float(value) if isinstance(value, int | float) else 0.0
    except OverflowError:  # an integer beyond any float
        return 0.0
    return number if math.isfinite(number) else 0.0


def _card(node: dict[str, Any]) -> str:
    kind = node.get("type")
    if kind == "text":
        body = str(node.get("text", "")).strip()
    elif kind == "file":
        target = str(node.get("file", "")).strip()
        if not target:
            return ""
        if _BREAKS_WIKILINK.search(target):  # `x]] <script>...`: would leave the link
            body = f"<p>{_escape(target)}</p>"
        else:
            bang = "!" if target.lower().endswith(IMAGE_SUFFIXES) else ""
            # A note's card is named by its title, as Obsidian names it, not its file name.
            label = f"|{target.rsplit('/', 1)[-1][:-3]}" if target.lower().endswith(".md") else ""
            body = f"{bang}[[{target}{'' if bang else label}]]"
    elif kind == "link":
        url = str(node.get("url", "")).strip()
        # Only a URL that stays one autolink: `https://x/"><script>` must not become markup.
        body = f"<{url}>" if _PLAIN_URL.fullmatch(url) else ""
    elif kind == "group":
        label = str(node.get("label", "")).strip()
        return f'<p class="canvas-group">{_escape(label)}</p>' if label else ""
    else:
        return ""
    if not body:
        return ""
    # Blank lines around the Markdown let markdown-it parse it inside the HTML block.
    return f'<div class="canvas-card">\n\n{body}\n\n</div>'


_BREAKS_WIKILINK = re.compile(r"[\[\]|<>\x00-\x1f]")
_PLAIN_URL = re.compile(r"https?://[^\s<>\"'`\x00-\x1f\x7f]+")


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
