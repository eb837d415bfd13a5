"""The pipeline: a build as a declared list of named stages over one BuildContext.

`build_site` runs them. The context (`BuildContext`) holds what every stage is given: the
settings, the notes and output folders, the `Mode` (publish, check, serve), the processes
to use, --strict, the cache, the diagnostics and the `Clock` that times each stage.

1. `PREPARE`, over the notes (`Prepared`): vault, parse (`parse_notes`, with the parsed-note
   cache: an unchanged note is a `CachedNote`, whose tokens are loaded only when a stage
   reads them), link, cells, math. With --strict, what they warned of is also an error
   (`enforce_strict`; the build record keeps the warnings as said: `without_strict`). The
   vault stage runs first and alone, in the build's own process (`read_inputs`): it settles
   the pages' language for every later stage, and a build its inputs doom (two permalinks
   of one URL, a --strict frontmatter warning) stops there, before anything expensive.
2. `WRITE`, over the site being written (`make_pages`): lay the pages out (garden graph,
   explorer, dates), write the assets, the note pages, then, while search indexes the note
   pages (Pagefind, a process of its own), the other emitters of hortus.site in order.
   Except in Mode.SERVE these run in a child process, whose memory goes back to the system
   when it ends.
3. The swap of the staging folder into place, and the build record.

When nothing a build would read has changed since the last one and its output is intact,
the build is done at once: its warnings are said again, nothing is redone. `LiveSite` is
the state a Mode.SERVE build keeps for the live preview.

Names are loaded on first use, so that `hortus build` on an unchanged garden
(`build_if_unchanged`) loads no stage.
"""

from __future__ import annotations

from hortus.facade import lazy_names

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing
if TYPE_CHECKING:
    from hortus.pipeline.build import build_site
    from hortus.pipeline.context import BuildContext, Clock, Mode
    from hortus.pipeline.pages import WRITE, LiveSite, Made, SiteWork, make_pages
    from hortus.pipeline.parse import CachedNote, parse_notes, parsed_blob, parsed_from_blob
    from hortus.pipeline.result import BuildResult
    from hortus.pipeline.stages import PREPARE, Prepared, Stage, prepare, run_stages
    from hortus.pipeline.strict import enforce_strict, without_strict
    from hortus.pipeline.unchanged import Checked, build_if_unchanged

_MODULES = {
    "BuildResult": "result",
    "build_site": "build",
    "BuildContext": "context",
    "Clock": "context",
    "Mode": "context",
    "WRITE": "pages",
    "LiveSite": "pages",
    "Made": "pages",
    "SiteWork": "pages",
    "make_pages": "pages",
    "CachedNote": "parse",
    "parse_notes": "parse",
    "parsed_blob": "parse",
    "parsed_from_blob": "parse",
    "PREPARE": "stages",
    "Prepared": "stages",
    "Stage": "stages",
    "prepare": "stages",
    "run_stages": "stages",
    "enforce_strict": "strict",
    "without_strict": "strict",
    "Checked": "unchanged",
    "build_if_unchanged": "unchanged",
}

__all__ = [
    "PREPARE",
    "WRITE",
    "BuildContext",
    "BuildResult",
    "CachedNote",
    "Checked",
    "Clock",
    "LiveSite",
    "Made",
    "Mode",
    "Prepared",
    "SiteWork",
    "Stage",
    "build_if_unchanged",
    "build_site",
    "enforce_strict",
    "make_pages",
    "parse_notes",
    "parsed_blob",
    "parsed_from_blob",
    "prepare",
    "run_stages",
    "without_strict",
]


__getattr__, __dir__ = lazy_names(__name__, _MODULES, __all__)
