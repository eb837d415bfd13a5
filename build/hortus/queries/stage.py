"""The queries stage: every ```dataview, ```base and ```dataviewjs block, `= expr` inline
query and `![[X.base]]` embed of the published notes, evaluated over the garden's published
pages; each note's results are left in its env (`note_queries`) for the renderer, and what
fails is reported with its note and line (hortus.queries.run)."""

from __future__ import annotations

import datetime as dt
import os
import re
from pathlib import Path, PurePosixPath
from typing import Any

from hortus.diagnostics import Diagnostics
from hortus.links import LinkGraph
from hortus.markdown import ParsedNote, code_kinds
from hortus.queries.fences import QUERY_LANGUAGES, is_base, query_language
from hortus.queries.results import QUERIES
from hortus.vault import BASE_SUFFIX, Note, NoteDates, Vault, note_dates

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing
if TYPE_CHECKING:
    from hortus.queries.summary import Garden

_MAY_READ_GARDEN = re.compile(r"\{python\}[\s\S]*\bgarden\b")
# env: whether a cell of the note may read the garden, told when it is parsed and kept with
# its parse (record_query_facts), so a build does not search every note's text.
MAY_READ_GARDEN = "may_read_garden"


def record_query_facts(env: dict[str, Any], source: str) -> None:
    """What this stage needs to know of a note's text, told once as it is parsed (see
    MAY_READ_GARDEN)."""
    env[MAY_READ_GARDEN] = _MAY_READ_GARDEN.search(source) is not None


def _may_read_garden(p: ParsedNote) -> bool:
    told = p.env.get(MAY_READ_GARDEN)
    return _MAY_READ_GARDEN.search(p.note.source) is not None if told is None else told


def build_moment() -> dt.datetime:
    """The build's `now()`: `SOURCE_DATE_EPOCH` (UTC) when set, for reproducible builds."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isdigit():
        return dt.datetime.fromtimestamp(int(epoch), tz=dt.UTC).replace(tzinfo=None)
    return dt.datetime.now().replace(microsecond=0)


def evaluate_queries(
    vault: Vault,
    parsed: list[ParsedNote],
    graph: LinkGraph,
    diagnostics: Diagnostics,
    garden_dir: Path | None = None,
) -> Garden | None:
    """Every query of the published notes, evaluated; when a cell may read the garden, its
    files written in `garden_dir`. None when nothing needs the garden (it is then not
    summarised at all)."""
    embedders = _base_embedders(graph)
    holders = [
        p
        for p in parsed
        if _has_query(p, embedders)
        and (p.note.page or not is_base(p.note.path))  # a base without a page: only embeds
    ]
    cells = garden_dir is not None and any(_may_read_garden(p) for p in parsed)
    if not holders and not cells:
        return None
    pages = [p.note for p in parsed if p.note.page]
    dates: dict[Note, NoteDates] = note_dates(vault.root, pages)
    # The evaluator (its grammars, functions and views) is loaded only when a query or a
    # cell needs the garden: most builds after an edit never do.
    from hortus.queries.collect import build_garden
    from hortus.queries.export import write_garden
    from hortus.queries.run import note_queries_of

    garden = build_garden(vault, parsed, graph, dates, build_moment())
    by_path = {p.note.path: p for p in parsed}
    for p in holders:
        p.env[QUERIES] = note_queries_of(p, garden, graph, by_path, diagnostics)
    if cells and garden_dir is not None:
        write_garden(garden_dir, garden)
    return garden


def _base_embedders(graph: LinkGraph) -> set[str]:
    """The notes (their paths) that embed a base."""
    return {
        source
        for source, embedded in graph.embeds.items()
        if any(n[-5:].lower() == BASE_SUFFIX and is_base(PurePosixPath(n)) for n in embedded)
    }


def _has_query(p: ParsedNote, embedders: set[str]) -> bool:
    """Whether the note holds a query or embeds a base; told by what its parse recorded
    (code_kinds), so a build does not read every note's tokens or text to find out."""
    kinds = code_kinds(p.env)
    if kinds is None:  # tokens the parser's rule did not see
        kinds = tuple(
            "=" if c.type == "inline_query" else query_language(c) or ""
            for token in p.tokens
            for c in (token, *(token.children or ()))
        )
    if kinds and ("=" in kinds or any(kind in QUERY_LANGUAGES for kind in kinds)):
        return True
    return bool(embedders) and str(p.note.path) in embedders
