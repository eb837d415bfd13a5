"""JSON Canvas (`.canvas`) as Markdown: its cards in reading order, so an embedded canvas
reads as an outline with working links, and its links go through the same resolution and
privacy rules as a note's. The JSON itself is never copied to the site."""

from __future__ import annotations

import json
import math
import re
from typing import Any

IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".gif", ".svg", ".webp", ".avif", ".bmp")


class CanvasError(ValueError):
    """The file is not JSON Canvas; the message says why."""


def canvas_markdown(text: str) -> str:
    """The canvas's cards as Markdown, in reading order; CanvasError when it is not one."""
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
    nodes = [n for n in data.get("nodes", []) if isinstance(n, dict)]
    # Reading order: top to bottom, then left to right, as a reader scans the board.
    nodes.sort(key=lambda n: (_number(n.get("y")), _number(n.get("x")), str(n.get("id", ""))))
    cards = [card for node in nodes if (card := _card(node))]
    return "\n\n".join(cards) + "\n"


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
            body = f"{bang}[[{target}]]"
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
