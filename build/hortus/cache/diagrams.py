"""Drawn diagrams of the last build: each Mermaid diagram's SVG per theme, so a rebuild draws
only the diagrams it has not seen. Stored as plain tuples; what they mean (a drawing, the
renderer's message, or a diagram left to the browser) is the renderer's business."""

from __future__ import annotations

from pathlib import Path

from hortus.cache.store import PickledTable

# A diagram in a theme, as (source, theme) -> (SVG or None, error or None, error line or None).
Drawing = tuple[str, str]
Drawn = tuple[str | None, str | None, int | None]


class DiagramStore(PickledTable[Drawing, Drawn]):
    """One file in `folder` (`diagrams-<key>.pickle`), keyed on the code (the renderer's
    version is among the installed packages) and the drawing options: the same source in the
    same theme draws alike only under the same renderer and options."""

    def __init__(self, folder: Path, options: object) -> None:
        super().__init__(folder, "diagrams", options)
