"""The stages that read the notes, in order: vault, parse, link, queries, cells, math, diagrams.
is a small function of the build context that adds its product to the notes prepared so far."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import PurePosixPath
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from markdown_it import MarkdownIt

from hortus.cache import NoteStore
from hortus.cells import ExecutionReport, execute_notes
from hortus.links import LinkGraph, NoteSummary, link_notes
from hortus.markdown import ParsedNote, make_parser
from hortus.parallel import ForkedWork, give_back_freed_memory
from hortus.pipeline.context import BuildContext, Mode
from hortus.pipeline.graph import page_garden
from hortus.pipeline.parse import parse_notes
from hortus.pipeline.strict import enforce_strict
from hortus.queries import evaluate_queries
from hortus.render import (
    Diagram,
    KatexRenderer,
    MathResult,
    draw_diagrams,
    install_render_rules,
    launch_typesetter,
    math_macros,
    typeset_math,
)
from hortus.vault import Vault, load_vault, runs_plugin, template_folders

if TYPE_CHECKING:
    from hortus.queries import Garden
    from hortus.render import Garden as PageGarden

S = TypeVar("S")


@dataclass(frozen=True)
class Stage(Generic[S]):
    """A named step of the build over what the steps before it made (`S`)."""

    name: str  # as timed: HORTUS_TIMINGS prints the seconds per name
    run: Callable[[BuildContext, S], None]


def run_stages(stages: Sequence[Stage[S]], context: BuildContext, state: S) -> None:
    for stage in stages:
        stage.run(context, state)
        context.clock.stage(stage.name)


@dataclass
class Prepared:
    """The notes, read, parsed, linked, run and typeset: what every page is made from. Each
    field is set by the stage named beside it."""

    vault: Vault = field(init=False)  # vault: every note and attachment
    md: MarkdownIt = field(init=False)  # parse: the parser, with hortus's render rules
    parsed: list[ParsedNote] = field(init=False)  # parse: the published notes, in vault order
    summaries: dict[PurePosixPath, NoteSummary] = field(init=False)  # parse: made by workers
    typesetter: KatexRenderer | None = None  # link: started for the math stage, if needed
    graph: LinkGraph = field(init=False)  # link: every link resolved, backlinks, tags
    page_graph: PageGarden | None = None  # link: the pages' link graph, when writing the site
    layout: ForkedWork[Any] | None = None  # link: its layout, being made beside (see graph.py)
    garden: Garden | None = field(init=False)  # queries: what they saw; None without queries
    execution: ExecutionReport = field(init=False)  # cells: what ran, and every claim
    macros: dict[str, str] = field(init=False)  # math: the vault's and the settings' macros
    math: dict[tuple[str, bool], MathResult] = field(init=False)  # math: (tex, display) -> HTML
    diagrams: dict[str, Diagram] = field(init=False)  # diagrams: Mermaid source -> drawings

    def let_go(self) -> None:
        """Drop the notes once a child process builds from its own copy of them. Held, they
        would take a large garden's memory twice over: the child writes to (so copies) most
        of the pages the two share. What the build reports of the vault is kept."""
        self.vault = replace(self.vault, notes=[], attachments=[])
        give_back_freed_memory()


def read_vault(context: BuildContext, notes: Prepared) -> None:
    cache = context.cache
    publish, store = context.settings.publish, None
    templates = template_folders(context.notes_dir)
    if cache is not None:
        store = NoteStore(cache.folder, (publish, templates), cache.notes_listing)
    notes.vault = load_vault(
        context.notes_dir,
        context.settings,
        context.diagnostics,
        jobs=context.jobs,
        store=store,
        templates=templates,
    )
    # Every later stage is given the pages' language as a tag, chosen when it was not set,
    # and whether Dataview runs: as set, else as the vault's Obsidian has it.
    dataview = context.settings.dataview
    if dataview is None:
        dataview = runs_plugin(context.notes_dir, "dataview") is not False
    context.settings = replace(
        context.settings, language=notes.vault.language.tag, dataview=dataview
    )


def parse(context: BuildContext, notes: Prepared) -> None:
    dataview = context.settings.dataview is not False
    notes.md = make_parser(dataview=dataview)
    install_render_rules(notes.md)
    cache = context.cache
    store, meta = (cache.parsed, cache.parsed_meta) if cache is not None else (None, None)
    notes.summaries = {}
    notes.parsed = parse_notes(
        notes.md,
        notes.vault.published,
        store,
        context.jobs,
        meta,
        notes.summaries,
        variant="" if dataview else "no-dataview",
    )


def link(context: BuildContext, notes: Prepared) -> None:
    # Node loads the typesetter beside the linking (which takes one core).
    folder = context.cache.folder if context.cache is not None else None
    notes.typesetter = launch_typesetter(notes.parsed, folder, context.settings.math_output)
    store = context.cache.links if context.cache is not None else None
    jobs = 1 if context.keeps_state else context.jobs  # `hortus serve`: no forks beside it
    notes.graph = link_notes(
        notes.vault, notes.parsed, context.diagnostics, store, notes.summaries, jobs
    )
    notes.summaries = {}  # in the graph's linker now
    if context.out_dir is not None and context.mode is not Mode.CHECK:
        notes.page_graph, notes.layout = page_garden(
            context, notes.vault, notes.parsed, notes.graph
        )


def run_queries(context: BuildContext, notes: Prepared) -> None:
    garden_dir = context.settings.cache_folder / "garden"  # what cells read of the garden
    notes.garden = evaluate_queries(
        notes.vault, notes.parsed, notes.graph, context.diagnostics, garden_dir
    )


def run_cells(context: BuildContext, notes: Prepared) -> None:
    notes.execution = execute_notes(
        notes.vault.root,
        notes.parsed,
        context.settings,
        context.diagnostics,
        use_cache=context.use_cache,
        jobs=context.jobs,
    )


def typeset(context: BuildContext, notes: Prepared) -> None:
    notes.macros = math_macros(notes.vault, context.settings)
    folder = context.cache.folder if context.cache is not None else None
    output = context.settings.math_output
    launched, notes.typesetter = notes.typesetter, None
    notes.math = typeset_math(
        notes.parsed, notes.macros, context.diagnostics, folder, output, launched
    )


def draw(context: BuildContext, notes: Prepared) -> None:
    folder = context.cache.folder if context.cache is not None else None
    notes.diagrams = draw_diagrams(notes.parsed, context.diagnostics, folder)


PREPARE: list[Stage[Prepared]] = [
    Stage("vault", read_vault),
    Stage("parse", parse),
    Stage("link", link),
    Stage("queries", run_queries),
    Stage("cells", run_cells),
    Stage("math", typeset),
    Stage("diagrams", draw),
]


def read_inputs(context: BuildContext) -> Prepared:
    """The first stage of PREPARE, the vault, with --strict applied to what it found: every
    check that can fail a build on its inputs, made before any expensive stage."""
    notes = Prepared()
    run_stages(PREPARE[:1], context, notes)
    enforce_strict(context.diagnostics, context.strict)
    return notes


def prepare(context: BuildContext, notes: Prepared) -> Prepared:
    """`notes`, as read_inputs left them, through the other stages of PREPARE; with --strict,
    what they warned of fails the build."""
    said = len(context.diagnostics.items)
    run_stages(PREPARE[1:], context, notes)
    enforce_strict(context.diagnostics, context.strict, since=said)
    return notes
