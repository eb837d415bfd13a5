"""Labels of the graph's nodes: each title cut to a width, and placed where it meets no label
or node already placed. Every note page draws its neighbourhood, so a note's label is made
once per build, and its box is checked against the others in a plain loop."""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from functools import lru_cache
from html import escape

SMALL_GRAPH = 64  # nodes: up to this many, label boxes are checked against every box placed
Box = tuple[float, float, float, float]  # left, top, right, bottom
Label = tuple[str, float, str, str]  # text, estimated width, text as markup, title tooltip


def _char_width(c: str) -> float:
    return 1.0 if unicodedata.east_asian_width(c) in "WF" else 0.58


@lru_cache(maxsize=65536)  # a note's label is drawn on every page that shows its neighbours
def fit_label(title: str, font: float, limit: float) -> Label:
    """The title cut to `limit` (CJK characters count a full em, others a little over half),
    its width, and as markup: the text escaped, and the whole title as a `<title>` tooltip
    when the text is cut ('' when not)."""
    text, width = _cut(title, font, limit)
    tip = f"<title>{escape(title)}</title>" if text != title else ""
    return text, width, escape(text), tip


def _cut(title: str, font: float, limit: float) -> tuple[str, float]:
    width = 0.0
    for i, c in enumerate(title):
        w = _char_width(c) * font
        if width + w > limit and i < len(title) - 1:
            return title[:i].rstrip() + "…", width + font
        width += w
    return title, width


def place_labels(
    points: list[tuple[float, float]],
    radii: list[float],
    labels: list[Label],
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
    height, lift = font * 1.15, font * 0.25
    for i in priority:
        (x, y), r, half = points[i], radii[i], labels[i][1] / 2
        left, right = x - half, x + half
        top = y + r + 1.0
        if free(below := (left, top, right, top + height)):
            placed[i] = below[3] - lift
            add(below)
            continue
        bottom = y - r - 1.0
        if free(above := (left, bottom - height, right, bottom)):
            placed[i] = bottom - lift
            add(above)
    return placed


def _box_set(large: bool) -> tuple[Callable[[Box], None], Callable[[Box], bool]]:
    """(add a box, whether a box meets none added): over a spatial hash when `large`."""
    return _hashed_boxes() if large else _listed_boxes()


def _listed_boxes() -> tuple[Callable[[Box], None], Callable[[Box], bool]]:
    """Every box checked: a neighbourhood has a few dozen. A plain loop, not any() over a
    generator, and tops and bottoms first: a neighbourhood is a tall ellipse, so most boxes
    are above or below the one checked."""
    boxes: list[Box] = []

    def free(box: Box) -> bool:
        x0, y0, x1, y1 = box
        for a0, b0, a1, b1 in boxes:  # noqa: SIM110 (all() over a generator is slower)
            if y0 < b1 and b0 < y1 and x0 < a1 and a0 < x1:
                return False
        return True

    return boxes.append, free


def _hashed_boxes() -> tuple[Callable[[Box], None], Callable[[Box], bool]]:
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
