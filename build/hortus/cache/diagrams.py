"""Drawn diagrams of the last build: each Mermaid diagram's SVG per theme, so a rebuild draws
only the diagrams it has not seen. Stored as plain tuples; what they mean (a drawing, the
renderer's message, or a diagram left to the browser) is the renderer's business."""

from __future__ import annotations

import os
import pickle
from pathlib import Path

from hortus.cache.digest import digest
from hortus.cache.fingerprint import code_fingerprint

# A diagram in a theme, as (source, theme) -> (SVG or None, error or None, error line or None).
Drawing = tuple[str, str]
Drawn = tuple[str | None, str | None, int | None]


class DiagramStore:
    """One file in `folder` (`diagrams-<key>.pickle`), keyed on the code (the renderer's
    version is among the installed packages) and the drawing options: the same source in the
    same theme draws alike only under the same renderer and options."""

    def __init__(self, folder: Path, options: object) -> None:
        self.path = folder / f"diagrams-{digest(code_fingerprint(), options)[:24]}.pickle"
        self.count = 0  # drawings the file held when loaded

    def load(self) -> dict[Drawing, Drawn]:
        """The drawings kept; none when the file is missing or unreadable."""
        try:
            found = pickle.loads(self.path.read_bytes())
        except (OSError, pickle.UnpicklingError, EOFError, ValueError, TypeError, AttributeError):
            return {}
        if not isinstance(found, dict):
            return {}
        self.count = len(found)
        return {key: (svg, error, line) for key, (svg, error, line) in found.items()}

    def stale(self, count: int) -> bool:
        """Whether the file holds other drawings than the `count` the notes have now."""
        return count != self.count

    def save(self, drawings: dict[Drawing, Drawn]) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        for old in self.path.parent.glob("diagrams-*.pickle"):
            old.unlink(missing_ok=True)  # drawn by other code or options: of no further use
        temporary = self.path.with_suffix(f".{os.getpid()}.tmp")
        temporary.write_bytes(pickle.dumps(dict(drawings), protocol=pickle.HIGHEST_PROTOCOL))
        temporary.replace(self.path)
