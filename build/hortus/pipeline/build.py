"""The pipeline, in order: vault, parse, link, execute, typeset, render, emit."""

from __future__ import annotations

import datetime as dt
import functools
import gc
import re
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from markdown_it import MarkdownIt
from markupsafe import Markup

from hortus.cache.digest import digest
from hortus.cache.fingerprint import code_fingerprint
from hortus.cache.site import (
    BuildRecord,
    SiteCache,
    inputs_snapshot,
    parsed_blob,
    parsed_from_blob,
    recorded,
    replay,
)
from hortus.cells.execute import ExecutionReport, execute_notes
from hortus.config import Settings
from hortus.diagnostics import BuildError, Diagnostic, Diagnostics, Severity
from hortus.links.linker import LinkGraph, link_notes
from hortus.markdown.parser import ParsedNote, headings, make_parser, parse_note
from hortus.parallel import chunked, default_jobs, fork_imap, fork_map, in_child_process
from hortus.render.body import BodyRenderer, Theme, install_render_rules
from hortus.render.graph import (
    Garden,
    GraphNode,
    build_graph,
    garden_graph_svg,
    local_graph_inputs,
    local_graph_svg,
)
from hortus.render.math.katex import MathResult
from hortus.render.math.typeset import math_macros, typeset_math
from hortus.render.navigation import FolderTree, breadcrumbs, build_tree
from hortus.site.assets import emit_assets
from hortus.site.feeds import emit_feed, emit_sitemap
from hortus.site.outputs import emit_claims, emit_figures
from hortus.site.search import (
    BUNDLE_DIR,
    SHARD_PREFIX,
    SHARDS_FILE,
    Shard,
    index_shard,
    plan_shards,
    shard_list,
)
from hortus.site.writer import SiteWriter, clear_leftovers, url_to_file
from hortus.vault.dates import note_dates
from hortus.vault.reader import Note, Vault, load_vault
from hortus.vault.urls import tag_url

PARALLEL_PARSE_MIN = 200  # notes to parse before forked workers pay for themselves
PARALLEL_RENDER_MIN = 100  # pages to render, likewise


@dataclass
class BuildResult:
    notes: int
    pages: int
    seconds: float
    diagnostics: Diagnostics
    built: bool
    execution: ExecutionReport
    written: bool = False  # the output folder holds this build's pages
    reused: int = 0  # output files kept from the previous build
    unchanged: bool = False  # nothing changed since the last build: nothing was redone
    live: LiveSite | None = None  # with keep_state: what the live preview renders edits with
    stages: dict[str, float] = field(default_factory=dict)  # seconds spent in each stage

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


@dataclass
class LiveSite:
    """What a build computed, kept by `hortus serve` between saves (see hortus.serve.preview)."""

    settings: Settings
    vault: Vault
    md: MarkdownIt
    pages: NotePages
    graph: LinkGraph
    macros: dict[str, str]


def _without_cycle_collection(build: Callable[..., BuildResult]) -> Callable[..., BuildResult]:
    """A build makes millions of small objects (tokens) that live to its end and form no
    cycles; Python's cycle collector would scan them all again and again (seconds for a
    large garden), so it is paused while a build runs."""

    @functools.wraps(build)
    def wrapper(*args: Any, **kwargs: Any) -> BuildResult:
        enabled = gc.isenabled()
        gc.disable()
        try:
            return build(*args, **kwargs)
        finally:
            if enabled:
                gc.enable()

    return wrapper


@_without_cycle_collection
def build_site(
    settings: Settings,
    notes_dir: Path,
    out_dir: Path | None,
    *,
    strict: bool,
    use_cache: bool = True,
    jobs: int | None = None,
    keep_failed: bool = False,
    writer_class: type[SiteWriter] = SiteWriter,
    keep_state: bool = False,
) -> BuildResult:
    """Build the site into `out_dir`; with `out_dir` None, check everything and write no site.

    A build with errors leaves `out_dir` as it was, unless `keep_failed` (the live preview,
    which shows a failed claim on its page rather than the previous version of the page).
    With `use_cache`, what is unchanged since the last build is reused (see sitecache).
    Unless its state is kept (`keep_state`, for the live preview), the pages are made in a
    child process: what it held (every note's tokens) is given back to the system when it
    ends, before Pagefind, which needs the memory, indexes them."""
    started = time.perf_counter()
    diagnostics = Diagnostics()
    _check_folders(settings, notes_dir, out_dir)
    jobs = jobs or default_jobs()
    cache = SiteCache(settings, out_dir) if use_cache else None
    clock = Clock()

    snapshot = ""
    if cache is not None and out_dir is not None:
        snapshot = inputs_snapshot(settings, notes_dir, out_dir, cache.previous.cell_files)
        if snapshot == cache.previous.inputs and cache.output_intact(out_dir):
            clear_leftovers(out_dir.resolve())  # what a killed build left beside the site
            return _unchanged(cache.previous, diagnostics, strict, started)
        clock.stage("snapshot")

    if out_dir is None:
        state = _prepare(settings, notes_dir, cache, jobs, use_cache, strict, diagnostics, clock)
        return BuildResult(
            notes=sum(1 for p in state.parsed if p.note.page),
            pages=0,
            seconds=time.perf_counter() - started,
            diagnostics=diagnostics,
            built=not diagnostics.errors,
            execution=state.execution,
            stages=clock.stages,
        )

    writer = writer_class(out_dir, previous=cache.previous.files if cache else None)
    try:

        def make() -> Made:
            return _make_pages(
                settings, notes_dir, writer, cache, jobs, use_cache, strict, keep_state, clock
            )

        made = make() if keep_state else in_child_process(make)
        diagnostics.items.extend(made.diagnostics)
        writer.record, writer.written, writer.reused = made.record, made.written, made.reused
        clock.stages.update(made.stages)
        clock.restart()
        built = not diagnostics.errors
        search: dict[str, str] = {}
        if built or keep_failed:
            previous = cache.previous.search if cache else {}
            search = SearchIndexing(writer, settings, previous, made.indexed, jobs).finish()
            clock.stage("search")
            if cache is not None:
                cache.forget()  # until the record of this build is saved
            writer.commit()
            clock.stage("swap")
        else:
            writer.abort()
    except BaseException:
        writer.abort()
        raise
    page_count = len([p for p in writer.written if p.name == "index.html"])
    if cache is not None and built:
        cache.save(
            BuildRecord(
                inputs=snapshot,
                notes=made.notes,
                pages=page_count,
                cells=made.execution.ran + made.execution.cached,
                cell_files=made.cell_files,
                search=search,
                files=writer.record,
                page_warnings=made.page_warnings,
                diagnostics=recorded(_unstrict(diagnostics, strict)),
            )
        )
    return BuildResult(
        notes=made.notes,
        pages=page_count,
        seconds=time.perf_counter() - started,
        diagnostics=diagnostics,
        built=built,
        execution=made.execution,
        written=built or keep_failed,
        reused=writer.reused,
        live=made.live,
        stages=clock.stages,
    )


class Clock:
    """Seconds spent in each stage, for HORTUS_TIMINGS and the benchmark."""

    def __init__(self) -> None:
        self.stages: dict[str, float] = {}
        self._last = time.perf_counter()

    def restart(self) -> None:
        self._last = time.perf_counter()

    def stage(self, name: str) -> None:
        now = time.perf_counter()
        self.stages[name] = self.stages.get(name, 0.0) + now - self._last
        self._last = now


@dataclass
class Prepared:
    """The notes, parsed, linked, run and typeset: what every page is made from."""

    vault: Vault
    md: MarkdownIt
    parsed: list[ParsedNote]
    graph: LinkGraph
    execution: ExecutionReport
    macros: dict[str, str]
    math: dict[tuple[str, bool], MathResult]


def _prepare(
    settings: Settings,
    notes_dir: Path,
    cache: SiteCache | None,
    jobs: int,
    use_cache: bool,
    strict: bool,
    diagnostics: Diagnostics,
    clock: Clock,
) -> Prepared:
    vault = load_vault(notes_dir, settings, diagnostics)
    clock.stage("vault")
    md = make_parser()
    install_render_rules(md)
    parsed = parse_notes(md, vault.published, cache, jobs)
    clock.stage("parse")
    graph = link_notes(vault, parsed, diagnostics)
    clock.stage("link")
    execution = execute_notes(
        vault.root, parsed, settings, diagnostics, use_cache=use_cache, jobs=jobs
    )
    clock.stage("cells")
    macros = math_macros(vault, settings)
    math = typeset_math(parsed, macros, diagnostics, cache.folder if cache is not None else None)
    clock.stage("math")
    if strict:
        _as_errors(diagnostics, diagnostics.items)
    return Prepared(vault, md, parsed, graph, execution, macros, math)


@dataclass
class Made:
    """What making the pages gives back to the build (from a child process: all of it is
    small, and pickled)."""

    diagnostics: list[Diagnostic]
    execution: ExecutionReport
    notes: int
    indexed: list[Path]  # the note pages search indexes
    record: dict[str, list]
    written: set[PurePosixPath]
    reused: int
    page_warnings: dict[str, list[list]]
    cell_files: list[str]
    stages: dict[str, float]
    live: LiveSite | None = None


def _make_pages(
    settings: Settings,
    notes_dir: Path,
    writer: SiteWriter,
    cache: SiteCache | None,
    jobs: int,
    use_cache: bool,
    strict: bool,
    keep_state: bool,
    clock: Clock,
) -> Made:
    """Every page of the site, written into the writer's staging folder."""
    diagnostics = Diagnostics()
    state = _prepare(settings, notes_dir, cache, jobs, use_cache, strict, diagnostics, clock)
    vault, md, parsed, graph, execution = (
        state.vault, state.md, state.parsed, state.graph, state.execution
    )  # fmt: skip
    if cache is not None:
        cache.prune()
    pages = [p.note for p in parsed if p.note.page]
    garden = build_graph(
        [GraphNode(str(n.path), n.title, n.url) for n in pages],
        [(str(src.path), str(dst)) for dst, sources in graph.backlinks.items() for src in sources],
    )
    tree = build_tree(pages)
    dates = note_dates(vault.root, pages)
    theme = Theme(settings.theme_dir, settings, tree=tree, has_claims=bool(execution.claims))
    body = BodyRenderer(md, parsed, state.math)
    clock.stage("graph, explorer, dates")
    assets = emit_assets(writer, settings.theme_dir)
    emit_figures(writer, parsed)
    site = NotePages(settings, theme, body, graph, garden, tree, dates, assets, state.math)
    clock.stage("assets")
    said_before = len(diagnostics.items)
    site.emit(writer, parsed, jobs, diagnostics, cache.previous.page_warnings if cache else {})
    if not keep_state:
        for p in parsed:
            p.tokens = []  # not needed again; freed at once: tokens hold no cycles
    if strict:  # what rendering warned of (an embed limit) fails a strict build too
        _as_errors(diagnostics, diagnostics.items[said_before:])
    clock.stage("note pages")
    if not writer.has_page("/"):
        notes = sorted((n for n in vault.published if n.page), key=lambda n: n.title.casefold())
        page = {"url": "/", "title": settings.title}
        writer.write_page("/", theme.render("index.html", page=page, notes=notes, assets=assets))
    # The whole garden's layout is the slowest page of a large garden: kept while no note,
    # title or link changed.
    graph_key = digest(site.site_key, "graph", garden.nodes, garden.edges)
    if not writer.has_page("/graph/") and not writer.reuse(url_to_file("/graph/"), graph_key):
        page = {"url": "/graph/", "title": theme.label("garden_graph")}
        svg = Markup(garden_graph_svg(garden, "/graph/", label=theme.label("garden_graph")))
        html = theme.render("graph.html", page=page, garden_svg=svg, assets=assets)
        writer.write_page("/graph/", html, graph_key)
    _emit_tags(writer, theme, graph, assets)
    _emit_folders(writer, theme, tree, assets)
    emit_feed(
        writer, settings.title, settings.base_url,
        [(n.title, n.url, dates[n], n.frontmatter.get("description") or "") for n in pages],
    )  # fmt: skip
    emit_sitemap(writer, settings.base_url, _sitemap_pages(writer, pages, dates))
    writer.write(
        "404.html",
        # Served at any missing URL, so its links are site-absolute (an empty page URL).
        theme.render("404.html", page={"url": "", "title": "404"}, assets=assets),
    )
    emit_claims(writer, theme, execution.claims, assets)
    for source, url in sorted(graph.attachments.items()):
        _emit_attachment(writer, vault.root / source, url)
    clock.stage("other pages")
    live = LiveSite(settings, vault, md, site, graph, state.macros) if keep_state else None
    return Made(
        diagnostics=diagnostics.items,
        execution=execution,
        notes=len(pages),
        indexed=[Path(url_to_file(n.url)) for n in pages if writer.has_page(n.url)],
        record=writer.record,
        written=writer.written,
        reused=writer.reused,
        page_warnings=site.warnings,
        cell_files=_cell_files(parsed),
        stages=clock.stages,
        live=live,
    )


def _unchanged(
    record: BuildRecord, diagnostics: Diagnostics, strict: bool, started: float
) -> BuildResult:
    """Nothing the last build read has changed and its output is as it left it."""
    replay(record.diagnostics, diagnostics)
    if strict:
        _as_errors(diagnostics, diagnostics.items)
    built = not diagnostics.errors
    return BuildResult(
        notes=record.notes,
        pages=record.pages,
        seconds=time.perf_counter() - started,
        diagnostics=diagnostics,
        built=built,
        execution=ExecutionReport(ran=0, cached=record.cells),
        written=built,
        reused=len(record.files),
        unchanged=True,
    )


def _as_errors(diagnostics: Diagnostics, items: list[Diagnostic]) -> None:
    """--strict: each warning among `items` is also an error."""
    for item in list(items):
        if item.severity is Severity.WARNING:
            diagnostics.error(item.path, item.line, item.kind, item.message)


def _unstrict(diagnostics: Diagnostics, strict: bool) -> list[Diagnostic]:
    """The build's own findings, before --strict turned its warnings into errors."""
    if not strict:
        return diagnostics.items
    warned = {(d.path, d.line, d.kind, d.message) for d in diagnostics.warnings}
    return [
        d
        for d in diagnostics.items
        if d.severity is Severity.WARNING or (d.path, d.line, d.kind, d.message) not in warned
    ]


def _cell_files(parsed: list[ParsedNote]) -> list[str]:
    """Files the cells read, outside what the snapshot already covers."""
    files: set[str] = set()
    for p in parsed:
        files.update((p.env.get("execution") or {}).get("files", []))
    return sorted(files)


def _emit_attachment(writer: SiteWriter, source: Path, url: str) -> None:
    rel = url.lstrip("/")
    try:
        stat = source.stat()
    except OSError:
        stat = None
    # An attachment is keyed on its name, size and time: reading every image of a large
    # vault to find it unchanged would cost as much as copying it.
    key = f"file:{source}:{stat.st_size}:{stat.st_mtime_ns}" if stat else ""
    if key and writer.reuse(rel, key):
        return
    writer.write(rel, source.read_bytes(), key)


class SearchIndexing:
    """Pagefind's index of the note pages, shard by shard, made in a thread while the other
    pages are written (Pagefind is a process of its own); a shard whose pages are all
    unchanged is kept from the last build."""

    def __init__(
        self,
        writer: SiteWriter,
        settings: Settings,
        previous: dict[str, str],
        pages: list[Path],
        jobs: int,
    ) -> None:
        self.writer = writer
        self.jobs = jobs
        self.language = settings.language
        self.shards = plan_shards(writer.staging, settings.search_shard_pages, pages)
        self.keys: dict[str, str] = {}  # shard folder -> key of its pages, for the next build
        self.kept: list[Shard] = []
        self.made: list[Shard] = []
        for shard in self.shards:
            listed = [(rel.as_posix(), writer.record[rel.as_posix()][0]) for rel in shard.pages]
            key = digest("search", code_fingerprint(), self.language, shard.folder, listed)
            self.keys[shard.folder] = key
            entry = writer.out / shard.folder / "pagefind-entry.json"
            unchanged = previous.get(shard.folder) == key and entry.is_file()
            (self.kept if unchanged else self.made).append(shard)
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._index, name="hortus-search", daemon=True)
        self._thread.start()

    def _index(self) -> None:
        try:
            # Pagefind leaves a core idle much of the time: two shards at once use both.
            workers = max(1, min(self.jobs, len(self.made)))
            with ThreadPoolExecutor(workers, thread_name_prefix="hortus-pagefind") as pool:
                for _ in pool.map(self._index_one, self.made):
                    pass
        except BaseException as exc:  # raised in the build's thread by finish()
            self._error = exc

    def _index_one(self, shard: Shard) -> None:
        index_shard(self.writer.staging, shard, self.language)

    def abandon(self) -> None:
        """The build failed: wait for Pagefind, whose output goes with the staging folder."""
        self._thread.join()

    def finish(self) -> dict[str, str]:
        self._thread.join()
        if self._error is not None:
            raise self._error
        for shard in self.kept:
            if not self.writer.reuse_folder(shard.folder, _skip(shard)):
                index_shard(self.writer.staging, shard, self.language)
                self.writer.adopt(shard.folder, _skip(shard))
        for shard in self.made:
            self.writer.adopt(shard.folder, _skip(shard))
        if self.shards:
            self.writer.write(f"{BUNDLE_DIR}/{SHARDS_FILE}", shard_list(self.shards))
        return self.keys


def _skip(shard: Shard) -> Callable[[str], bool]:
    """The first shard's folder holds the others: they are not part of it."""
    return _other_shards if shard.folder == BUNDLE_DIR else _nothing


def _other_shards(name: str) -> bool:
    return name.startswith(SHARD_PREFIX) or name == SHARDS_FILE


def _nothing(name: str) -> bool:
    return False


def parse_notes(
    md: MarkdownIt, notes: list[Note], cache: SiteCache | None, jobs: int
) -> list[ParsedNote]:
    """Every published note's tokens: from the cache when the note is unchanged, else parsed,
    in forked workers when there are many."""
    found: dict[int, ParsedNote] = {}
    missing: list[int] = []
    for i, note in enumerate(notes):
        loaded = cache.load_parsed(note) if cache is not None else None
        if loaded is None:
            missing.append(i)
        else:
            found[i] = loaded
    if len(missing) < PARALLEL_PARSE_MIN:
        for i in missing:
            found[i] = parse_note(md, notes[i])
            if cache is not None:
                cache.store_parsed(notes[i], parsed_blob(found[i]))
    else:

        def parse_chunk(chunk: list[int]) -> list[bytes]:
            return [parsed_blob(parse_note(md, notes[i])) for i in chunk]

        chunks = chunked(missing, jobs)
        for chunk, blobs in zip(chunks, fork_imap(parse_chunk, chunks, jobs), strict=True):
            for i, blob in zip(chunk, blobs, strict=True):
                found[i] = parsed_from_blob(notes[i], blob)
                if cache is not None:
                    cache.store_parsed(notes[i], blob)
    return [found[i] for i in range(len(notes))]


class NotePages:
    """Each note's page: keyed on everything it is made from, rendered only when that key
    changed since the last build, and rendered in forked workers when there are many."""

    def __init__(
        self,
        settings: Settings,
        theme: Theme,
        body: BodyRenderer,
        graph: LinkGraph,
        garden: Garden,
        tree: FolderTree,
        dates: dict[Note, dt.date],
        assets: dict[str, str],
        math: dict[tuple[str, bool], MathResult],
    ) -> None:
        self.settings = settings
        self.theme = theme
        self.body = body
        self.graph = graph
        self.garden = garden
        self.tree = tree
        self.dates = dates
        self.assets = assets
        self.math = math
        self._own: dict[PurePosixPath, str] = {}
        self.warnings: dict[str, list[list]] = {}  # page file -> what rendering it said
        explorer = sorted((str(n.path), n.title, n.url) for n in dates)
        self.site_key = digest(
            code_fingerprint(),
            repr(settings),
            _theme_digest(settings.theme_dir),
            assets,
            explorer,
            theme.has_claims,
        )

    def emit(
        self,
        writer: SiteWriter,
        parsed: list[ParsedNote],
        jobs: int,
        diagnostics: Diagnostics,
        previous_warnings: dict[str, list[list]],
    ) -> None:
        todo: list[tuple[ParsedNote, str, str, PurePosixPath]] = []
        for p in (p for p in parsed if p.note.page):
            for url in (p.note.url, *p.note.extra_urls):
                if writer.has_page(url):
                    continue  # a URL clash, already reported by the vault stage
                key = self.key(p, url)
                rel = url_to_file(url)
                if writer.reuse(rel, key):
                    # What rendering the page said, said again: kept pages warn alike.
                    warned = previous_warnings.get(rel.as_posix(), [])
                    replay(warned, diagnostics)
                    if warned:
                        self.warnings[rel.as_posix()] = warned
                else:
                    todo.append((p, url, key, writer.reserve(rel)))
        staging = writer.staging

        def render_chunk(chunk: list[int]) -> list[list[Diagnostic]]:
            said = []
            for i in chunk:
                p, url, _key, rel = todo[i]
                found = Diagnostics()
                target = staging / rel
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_text(self.render(p, url, found), encoding="utf-8")
                said.append(found.items)
            return said

        indices = list(range(len(todo)))
        workers = jobs if len(todo) >= PARALLEL_RENDER_MIN else 1
        chunks = chunked(indices, workers)
        for chunk, said in zip(chunks, fork_map(render_chunk, chunks, workers), strict=True):
            for i, items in zip(chunk, said, strict=True):
                diagnostics.items.extend(items)
                if items:
                    self.warnings[todo[i][3].as_posix()] = recorded(items)
        for _p, _url, key, rel in todo:
            writer.registered(rel, key)

    def render(self, p: ParsedNote, url: str, diagnostics: Diagnostics) -> str:
        content = Markup(self.body.render(p, url, diagnostics))
        page = {
            "url": url,
            "canonical": self.settings.base_url + p.note.url,
            "title": p.note.title,
            "description": _description(content),
            "tags": [(tag, tag_url(tag)) for tag in p.env.get("tags", [])],
            "headings": headings(p),
            "backlinks": self.graph.backlinks.get(p.note.path, []),
            "cssclasses": _cssclasses(p.note.frontmatter),
            "breadcrumbs": breadcrumbs(p.note, self.tree) if url == p.note.url else [],
            "updated": self.dates[p.note].isoformat(),
            "graph": Markup(
                local_graph_svg(self.garden, str(p.note.path), url, label=self.theme.label("graph"))
            ),
            "content": content,
        }
        return self.theme.render("note.html", page=page, assets=self.assets)

    def key(self, p: ParsedNote, url: str) -> str:
        """Everything the page at `url` is made from, as one key."""
        note = p.note
        return digest(
            self.site_key,
            url,
            self._body_key(note.path),
            list(p.env.get("tags", [])),
            [(str(n.path), n.title, n.url) for n in self.graph.backlinks.get(note.path, [])],
            self.dates[note].isoformat(),
            local_graph_inputs(self.garden, str(note.path)),
        )

    def _body_key(self, start: PurePosixPath) -> list[str]:
        """The note's own inputs and those of every note it embeds, however deep."""
        keys, seen, stack = [], {start}, [start]
        while stack:
            path = stack.pop()
            keys.append(self._own_key(path))
            for entry in self.graph.resolved.get(path, []):
                embed, target = entry[0], entry[6]
                if embed and target is not None and PurePosixPath(target[0]) not in seen:
                    seen.add(PurePosixPath(target[0]))
                    stack.append(PurePosixPath(target[0]))
        return sorted(keys)

    def _own_key(self, path: PurePosixPath) -> str:
        if path not in self._own:
            p = self.body.parsed.get(path)
            if p is None:
                self._own[path] = digest("absent", str(path))
            else:
                math = [self.math.get((ref.tex, ref.display)) for ref in p.math]
                self._own[path] = digest(
                    str(path),
                    p.note.url,
                    p.note.title,
                    p.note.source,
                    self.graph.resolved.get(path, []),
                    p.env.get("execution"),
                    [(m.html, m.error) if m is not None else None for m in math],
                )
        return self._own[path]


def _theme_digest(theme_dir: Path) -> str:
    files = sorted(p for p in theme_dir.rglob("*") if p.is_file())
    return digest([(p.relative_to(theme_dir).as_posix(), p.read_bytes().hex()) for p in files])


def _check_folders(settings: Settings, notes_dir: Path, out_dir: Path | None) -> None:
    if not notes_dir.is_dir():
        raise BuildError(f"notes folder not found: {notes_dir}")
    if out_dir is None:
        return
    notes, out = notes_dir.resolve(), out_dir.resolve()
    # The output folder is replaced whole: it must not be, or hold, the vault or the project.
    if out in (notes, settings.root.resolve()) or notes.is_relative_to(out):
        raise BuildError(f"output folder {out_dir} would replace the notes; choose another --out")


_TAGS = re.compile(r"<[^>]+>")


def _description(body: str, limit: int = 160) -> str:
    """The opening words of the note's first paragraph, for search engines and link cards."""
    match = re.search(r"<p>(.*?)</p>", body, re.S)
    if not match:
        return ""
    text = " ".join(_TAGS.sub("", match.group(1)).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _emit_tags(writer: SiteWriter, theme: Theme, graph: LinkGraph, assets: dict[str, str]) -> None:
    """`/tags/` lists every tag; `/tags/a/b/` lists the notes tagged `a/b` or below it."""
    if not graph.tags:
        return
    tags = sorted(graph.tags, key=str.casefold)
    index = {"url": "/tags/", "title": "Tags"}
    listing = [(tag, tag_url(tag), len(graph.tags[tag])) for tag in tags]
    if not writer.has_page("/tags/"):  # a note may own /tags/ (its permalink says so)
        html = theme.render("tags.html", page=index, tags=listing, assets=assets)
        writer.write_page("/tags/", html)
    for tag in tags:
        page = {"url": tag_url(tag), "title": f"#{tag}"}
        html = theme.render("tag.html", page=page, tag=tag, notes=graph.tags[tag], assets=assets)
        if not writer.has_page(page["url"]):  # a note's permalink, or `#Tag` and `#tag`
            writer.write_page(page["url"], html)


def _emit_folders(
    writer: SiteWriter, theme: Theme, tree: FolderTree, assets: dict[str, str]
) -> None:
    """A page per folder listing what it holds, unless a note owns that URL."""
    for url, folder in sorted(tree.folders.items()):
        if not writer.has_page(url):
            page = {"url": url, "title": folder.name}
            html = theme.render("folder.html", page=page, folder=folder, assets=assets)
            writer.write_page(url, html)


def _sitemap_pages(
    writer: SiteWriter, pages: list[Note], dates: dict[Note, dt.date]
) -> list[tuple[str, dt.date]]:
    listed = [(n.url, dates[n]) for n in pages if writer.has_page(n.url)]
    newest = max((d for _, d in listed), default=dt.date(1970, 1, 1))
    return listed + [(u, newest) for u in ("/",) if u not in {x for x, _ in listed}]


def _cssclasses(frontmatter: dict) -> str:
    value = frontmatter.get("cssclasses", frontmatter.get("cssclass", []))
    items = value.replace(",", " ").split() if isinstance(value, str) else value
    return " ".join(str(c) for c in items or [] if isinstance(c, str | int))
