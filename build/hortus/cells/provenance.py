"""What a note's results were computed with, as the claims page and claims.json tell it.

Standard library only: the worker process imports this module (through records.py).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Provenance:
    """When and with what a note's results were computed, as the claims page tells it."""

    computed_at: str | None  # UTC, ISO 8601; None: in this build, with no SOURCE_DATE_EPOCH
    python: str  # Python's major.minor, "3.11"
    distributions: dict[str, str] = field(default_factory=dict)  # {name: version} imported
    frozen: bool = False  # kept by `freeze`: reused while sources and files read are unchanged

    def to_json(self) -> dict[str, Any]:
        return {
            "computed_at": self.computed_at,
            "python": self.python,
            "distributions": dict(self.distributions),
            "frozen": self.frozen,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Provenance:
        versions = data.get("distributions") or {}
        at = data.get("computed_at")
        return cls(
            None if at is None else str(at),
            str(data["python"]),
            {str(name): str(version) for name, version in versions.items()},
            bool(data.get("frozen", False)),
        )
