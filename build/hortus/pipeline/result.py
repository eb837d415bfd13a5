"""What a build did (`BuildResult`), in a module that loads no stage: a build that finds
nothing changed (hortus.pipeline.unchanged) reports with it too."""

from __future__ import annotations

from dataclasses import dataclass, field

from hortus.diagnostics import Diagnostics

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing
if TYPE_CHECKING:
    from hortus.cells import ExecutionReport
    from hortus.pipeline.pages import LiveSite
    from hortus.vault import HomeChoice, SiteLanguage


@dataclass
class BuildResult:
    """What a build did, for the CLI and the live preview."""

    notes: int  # published notes with a page
    pages: int  # index.html files written
    seconds: float
    diagnostics: Diagnostics
    built: bool  # no errors: the site may be deployed
    execution: ExecutionReport  # what the cells ran, and every claim
    written: bool = False  # the output folder holds this build's pages
    reused: int = 0  # output files kept from the previous build
    unchanged: bool = False  # nothing changed since the last build: nothing was redone
    live: LiveSite | None = None  # with Mode.SERVE: what the live preview renders edits with
    stages: dict[str, float] = field(default_factory=dict)  # seconds spent in each stage
    language: SiteLanguage | None = None  # the pages' language, when the vault was read
    home: HomeChoice | None = None  # what `/` shows, when the vault was read

    def choices(self) -> str:
        """The language and the home page the build chose, and why; empty when it read no
        notes (nothing changed since the last build)."""
        if self.language is None or self.home is None:
            return ""
        home = self.home.path or "a list of the top-level folders and notes"
        return (
            f"hortus: language {self.language.tag} ({self.language.reason}); "
            f"home page {home} ({self.home.reason})"
        )

    def summary(self) -> str:
        warnings = len(self.diagnostics.warnings)
        errors = len(self.diagnostics.errors)
        state = "built" if self.built else "not built"
        if self.built and self.unchanged:
            state += ", unchanged since the last build"
        elif self.built and self.reused:
            state += f", {self.reused} files kept from the last build"
        cells = f"cells run for {self.execution.ran} notes, {self.execution.cached} from cache"
        return (
            f"hortus: {self.notes} notes, {self.pages} pages, {cells}, "
            f"{warnings} warnings, {errors} errors in {self.seconds:.2f} s ({state})"
        )
