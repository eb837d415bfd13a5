"""What the cells stage tells the build (`ExecutionReport`), in a module of its own: a build
that finds nothing changed reports it without loading the stage."""

from __future__ import annotations

from dataclasses import dataclass, field

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing
if TYPE_CHECKING:
    from hortus.cells.records import NoteClaim


@dataclass
class ExecutionReport:
    """What running the notes' cells tells the build."""

    ran: int = 0  # notes whose cells ran in this build
    cached: int = 0  # notes whose results were reused from the cache
    claims: list[NoteClaim] = field(default_factory=list)  # every claim, with its note
