"""The stages that write the site, after the notes are prepared: lay the pages out, write the
assets, the note pages, then every other output (see hortus.site's emitters)."""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from typing import Any

from markdown_it import MarkdownIt

from hortus.cache import FileRecord, RecordedDiagnostic
from hortus.cells import ExecutionReport, note_result
from hortus.config import Settings
from hortus.diagnostics import Diagnostic
from hortus.links import LinkGraph
from hortus.markdown import ParsedNote
from hortus.parallel import ForkedWork, can_fork
from hortus.pipeline.context import BuildContext
from hortus.pipeline.stages import Prepared, Stage, prepare, run_stages
from hortus.pipeline.strict import enforce_strict
from hortus.render import (
    BodyRenderer,
    FolderTree,
    Garden,
    Theme,
    kept_tree,
)
from hortus.site import (
    EMITTERS,
    NotePages,
    PreviousPages,
    SearchIndexing,
    SiteState,
    SiteWriter,
    WrittenPart,
    emit_assets,
    emit_figures,
    emit_mermaid_script,
    emit_note_pages,
    url_to_name,
)
from hortus.vault import Note, NoteDates, Vault, note_dates


@dataclass
class LiveSite:
    """What a build computed, kept by `hortus serve` between saves (see hortus.serve)."""

    settings: Settings
    vault: Vault
    md: MarkdownIt  # the parser, with hortus's render rules
    pages: NotePages  # renders a note's page against this build's state
    graph: LinkGraph
    macros: dict[str, str]  # for typesetting an edited note's new formulas


@dataclass
class Made:
    """What making the pages gives back to the build (from a child process: all of it is
    small, and pickled)."""

    diagnostics: list[Diagnostic]  # everything the stages found
    execution: ExecutionReport  # what the cells ran, and every claim
    notes: int  # published notes with a page
    record: dict[str, FileRecord]  # the writer's record of what it wrote
    written: set[str]  # every file written into the staging folder, by posix name
    reused: int  # files kept from the previous build
    kept: set[str]  # of those, the ones left in the previous output (see SiteWriter.commit)
    page_warnings: dict[str, list[RecordedDiagnostic]]  # page file -> what rendering it said
    page_site_key: str  # what every note page is made from alike
    page_facets: dict[str, str]  # note path -> its facet (see hortus.site.affected)
    page_files: dict[str, list[str]]  # note path -> the files of its pages
    cell_files: list[str]  # files the cells read, for the next inputs snapshot
    stages: dict[str, float]  # seconds per stage
    live: LiveSite | None = None  # with Mode.SERVE: the state previews render with
    search: dict[str, Any] | None = None  # the search index's record; None: not indexed


@dataclass(frozen=True)
class Layout:
    """How the pages are laid out, before anything is written."""

    pages: list[Note]  # the published notes that have a page
    garden: Garden  # the link graph of the pages
    tree: FolderTree  # the explorer
    dates: dict[Note, NoteDates]  # each page's dates, where known
    theme: Theme
    body: BodyRenderer  # a note's text as HTML


@dataclass
class SiteWork:
    """The writing stages' state; each field past the first two is set by the stage named."""

    writer: SiteWriter
    notes: Prepared
    layout: Layout = field(init=False)  # graph, explorer, dates
    site: SiteState = field(init=False)  # assets
    search: SearchIndexing | None = None  # search: indexing, beside the other pages
    others: ForkedWork[OtherPages] | None = None  # other pages: made beside the note pages


def lay_out(context: BuildContext, work: SiteWork) -> None:
    notes = work.notes
    pages = [p.note for p in notes.parsed if p.note.page]
    garden = notes.page_graph
    assert garden is not None  # made by the link stage of every build that writes the site
    tree = kept_tree(pages, context.cache.folder if context.cache is not None else None)
    dates = note_dates(notes.vault.root, pages, context.diagnostics)
    has_claims = bool(notes.execution.claims)
    theme = Theme(context.settings.theme_dir, context.settings, tree=tree, has_claims=has_claims)
    body = BodyRenderer(
        notes.md, notes.parsed, notes.math, notes.graph.resolved, diagrams=notes.diagrams
    )
    work.layout = Layout(pages, garden, tree, dates, theme, body)


def write_assets(context: BuildContext, work: SiteWork) -> None:
    """The theme's assets and the cells' figures (their URLs go into the pages), then what
    the emitters read."""
    notes, layout = work.notes, work.layout
    assets = emit_assets(work.writer, context.settings.theme_dir, context.settings.math_output)
    assets.update(
        emit_mermaid_script(work.writer, notes.diagrams, context.diagnostics, context.settings.root)
    )
    emit_figures(work.writer, notes.parsed)
    note_pages = NotePages(
        context.settings,
        layout.theme,
        layout.body,
        notes.graph,
        layout.garden,
        layout.tree,
        layout.dates,
        assets,
        notes.math,
        notes.macros,
    )
    record = context.cache.previous_pages if context.cache is not None else None
    previous = record.page_warnings if record is not None else {}
    if record is not None and record.page_facets:
        note_pages.previous = PreviousPages(
            record.page_site_key, record.page_facets, record.page_files
        )
    work.site = SiteState(
        settings=context.settings,
        vault=notes.vault,
        parsed=notes.parsed,
        pages=layout.pages,
        graph=notes.graph,
        claims=notes.execution.claims,
        theme=layout.theme,
        assets=assets,
        garden=layout.garden,
        tree=layout.tree,
        dates=layout.dates,
        note_pages=note_pages,
        jobs=context.jobs,
        diagnostics=context.diagnostics,
        previous_warnings=previous,
    )


def write_note_pages(context: BuildContext, work: SiteWork) -> None:
    said_before = len(context.diagnostics.items)
    emit_note_pages(work.site, work.writer)
    if not context.keeps_state:
        for p in work.notes.parsed:
            p.tokens = []  # not needed again; freed at once: tokens hold no cycles
    # What rendering warned of (an embed limit) fails a strict build too.
    enforce_strict(context.diagnostics, context.strict, since=said_before)


@dataclass(frozen=True)
class OtherPages:
    """What the other pages' emitters placed and said, in a process of their own."""

    written: WrittenPart
    diagnostics: list[Diagnostic]


def start_other_pages(context: BuildContext, work: SiteWork) -> None:
    """In an edit's build, the other pages are made in a forked process while this one
    makes the note pages: each walks the whole garden, and each has a core of its own.
    They only ask which URLs the note pages take, known before any page is made. Not when
    every page is made again (a cold build, new code, a note added or renamed: its note
    pages take every core, and a fork of it much memory), nor in `hortus serve` (no forks)."""
    previous = work.site.note_pages.previous
    edit = previous is not None and previous.site_key == work.site.note_pages.site_key
    if context.keeps_state or not edit or context.jobs < 2 or not can_fork():
        return
    work.others = ForkedWork(functools.partial(_other_pages, context, work))


def _other_pages(context: BuildContext, work: SiteWork) -> OtherPages:
    writer, said = work.writer, len(context.diagnostics.items)
    # As if the note pages were made: they are, beside. Their names are worked out here, in
    # the child: a large garden's take a tenth of a second.
    pages = work.site.pages
    writer.written.update(url_to_name(url) for n in pages for url in (n.url, *n.extra_urls))
    before, reused = set(writer.written), writer.reused
    _emit_other_pages(context, work)
    return OtherPages(writer.part_since(before, reused), context.diagnostics.items[said:])


def write_other_pages(context: BuildContext, work: SiteWork) -> None:
    if work.others is None:
        _emit_other_pages(context, work)
        return
    made = work.others.result()
    work.writer.take_part(made.written)
    context.diagnostics.items.extend(made.diagnostics)


def _emit_other_pages(context: BuildContext, work: SiteWork) -> None:
    said_before = len(context.diagnostics.items)
    for emit in EMITTERS:
        emit(work.site, work.writer)
    # What the emitters warned of (an alias whose URL is taken) fails a strict build too.
    enforce_strict(context.diagnostics, context.strict, since=said_before)


def start_search(context: BuildContext, work: SiteWork) -> None:
    """Index the note pages for search (Pagefind is a process of its own), while the other
    pages are written; not when the build has already failed."""
    if context.diagnostics.errors and not context.keeps_failed:
        return
    previous = context.cache.previous_pages.search if context.cache is not None else {}
    written = work.writer.written
    pages = [name for n in work.site.pages if (name := url_to_name(n.url)) in written]
    # Not forked in `hortus serve`: a lock its server threads hold would stay held in a fork.
    fork = not context.keeps_state
    work.search = SearchIndexing(
        work.writer, context.settings, previous, pages, context.jobs, fork=fork
    )


WRITE: list[Stage[SiteWork]] = [
    Stage("graph, explorer, dates", lay_out),
    Stage("assets", write_assets),
    Stage("other pages", start_other_pages),
    Stage("note pages", write_note_pages),
    Stage("search", start_search),
    Stage("other pages", write_other_pages),
]


def make_pages(context: BuildContext, writer: SiteWriter, inputs: Prepared) -> Made:
    """Every page of the site, from the notes read_inputs read, written into the writer's
    staging folder."""
    try:
        notes = prepare(context, inputs)
        if context.cache is not None:
            context.cache.parsed.prune()
        work = SiteWork(writer, notes)
        if context.held is not None:
            context.held.append(work)  # freed by the process's end (see BuildContext.held)
        try:
            run_stages(WRITE, context, work)
        except BaseException:
            for beside in (work.search, work.others):
                if beside is not None:
                    beside.cancel()  # its process would go on for a build that failed
            raise
    finally:
        if inputs.layout is not None:  # the garden's layout (see graph.py): ended, or not
            inputs.layout.cancel()  # needed (/graph/ was kept, or the build failed)
    search = work.search.finish() if work.search is not None else None
    context.clock.stage("search")
    site = work.site
    live = None
    if context.keeps_state:
        live = LiveSite(
            context.settings, notes.vault, notes.md, site.note_pages, notes.graph, notes.macros
        )
    return Made(
        diagnostics=context.diagnostics.items,
        execution=notes.execution,
        notes=len(site.pages),
        record=writer.record,
        written=writer.written,
        reused=writer.reused,
        kept=writer.kept,
        page_warnings=site.note_pages.warnings,
        page_site_key=site.note_pages.site_key,
        page_facets=site.note_pages.facets,
        page_files=site.note_pages.files,
        cell_files=_cell_files(notes.parsed),
        stages=context.clock.stages,
        live=live,
        search=search,
    )


def _cell_files(parsed: list[ParsedNote]) -> list[str]:
    """Files the cells read, outside what the snapshot already covers."""
    files: set[str] = set()
    for p in parsed:
        result = note_result(p.env)
        files.update(result.files if result is not None else ())
    return sorted(files)
