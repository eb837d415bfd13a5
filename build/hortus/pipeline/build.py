"""A build, from the vault to the swapped-in site: the stages over one BuildContext."""

from __future__ import annotations

import time
from dataclasses import replace
from pathlib import Path
from typing import Any

from hortus.cache import BuildRecord, SiteCache, recorded, settled_snapshot
from hortus.cells import ExecutionReport
from hortus.config import Settings
from hortus.diagnostics import BuildError, Diagnostics
from hortus.parallel import default_jobs, in_child_process
from hortus.pipeline.collection import without_cycle_collection
from hortus.pipeline.context import BuildContext, Clock, Mode, is_edit
from hortus.pipeline.pages import Made, make_pages
from hortus.pipeline.result import BuildResult
from hortus.pipeline.stages import Prepared, prepare, read_inputs
from hortus.pipeline.strict import without_strict
from hortus.pipeline.unchanged import Checked, check_unchanged
from hortus.site import SiteWriter, clear_leftovers


@without_cycle_collection
def build_site(
    settings: Settings,
    notes_dir: Path,
    out_dir: Path | None,
    *,
    strict: bool,
    use_cache: bool = True,
    jobs: int | None = None,
    mode: Mode = Mode.PUBLISH,
    writer_class: type[SiteWriter] = SiteWriter,
    checked: Checked | None = None,
    held: list[object] | None = None,
) -> BuildResult:
    """Build the site into `out_dir`; with `out_dir` None, check everything and write no site.

    A build with errors leaves `out_dir` as it was, unless in Mode.SERVE (see Mode). With
    `use_cache`, what is unchanged since the last build is reused (see hortus.cache). Except
    in Mode.SERVE, which keeps the state, the pages are made in a child process: what it held
    (every note's tokens) is given back to the system when it ends, before Pagefind, which
    needs the memory, indexes them. `checked`: what `build_if_unchanged` found changed."""
    started = time.perf_counter()
    _check_folders(settings, notes_dir, out_dir)
    context = BuildContext(
        settings=settings,
        notes_dir=notes_dir,
        out_dir=out_dir,
        mode=Mode.CHECK if out_dir is None else mode,
        jobs=jobs or default_jobs(),
        strict=strict,
        use_cache=use_cache,
        cache=(checked.cache if checked else SiteCache(settings.cache_folder, out_dir))
        if use_cache
        else None,
        diagnostics=Diagnostics(),
        clock=Clock(),
        held=held,
    )
    if out_dir is None or context.mode is Mode.CHECK:
        return _check(context, read_inputs(context), started)
    if context.cache is not None and checked is None:
        found = check_unchanged(
            context.cache, settings, notes_dir, out_dir, context.diagnostics, strict, started
        )
        if isinstance(found, BuildResult):
            return found
        checked = found
    if checked is not None:
        context.clock.stage("snapshot")
    if held is not None:
        held.append((context, checked))
    try:
        inputs = read_inputs(context)
        if held is not None:
            held.append(inputs)
        if context.diagnostics.errors:
            clear_leftovers(out_dir.resolve())  # a killed build's site is put back all the same
            return _doomed(context, inputs, started)
        return _publish(context, inputs, out_dir, writer_class, checked, started)
    finally:
        if checked is not None:
            checked.outputs.close()


def _check(context: BuildContext, inputs: Prepared, started: float) -> BuildResult:
    """Mode.CHECK: the notes prepared, nothing written."""
    if context.diagnostics.errors:
        return _doomed(context, inputs, started)
    notes = prepare(context, inputs)
    return BuildResult(
        notes=sum(1 for p in notes.parsed if p.note.page),
        pages=0,
        seconds=time.perf_counter() - started,
        diagnostics=context.diagnostics,
        built=not context.diagnostics.errors,
        execution=notes.execution,
        stages=context.clock.stages,
        language=notes.vault.language,
        home=notes.vault.home_choice,
    )


def _doomed(context: BuildContext, inputs: Prepared, started: float) -> BuildResult:
    """The inputs alone fail the build (two permalinks of one URL; with --strict, a warning
    about a note's frontmatter or name): it stops before any expensive stage, writes nothing."""
    vault = inputs.vault
    return BuildResult(
        notes=sum(1 for n in vault.notes if n.published and n.page),
        pages=0,
        seconds=time.perf_counter() - started,
        diagnostics=context.diagnostics,
        built=False,
        execution=ExecutionReport(),
        stages=context.clock.stages,
        language=vault.language,
        home=vault.home_choice,
    )


def _publish(
    context: BuildContext,
    inputs: Prepared,
    out_dir: Path,
    writer_class: type[SiteWriter],
    checked: Checked | None,
    started: float,
) -> BuildResult:
    """The pages made, indexed for search and swapped in; the record saved for the next
    build."""
    cache = context.cache
    writer = writer_class(
        out_dir,
        previous=cache.previous.files if cache else None,
        changed=checked.outputs.changed() if checked else None,
    )
    snapshot = checked.base if checked else ""
    made, search = _write_site(context, writer, inputs)
    built = not context.diagnostics.errors
    page_count = sum(1 for name in writer.written if name.rpartition("/")[2] == "index.html")
    if cache is not None and built:
        cache.record.save(
            BuildRecord(
                inputs=settled_snapshot(snapshot, context.settings, made.cell_files),
                notes=made.notes,
                pages=page_count,
                cells=made.execution.ran + made.execution.cached,
                cell_files=made.cell_files,
                search=search,
                files=writer.record,
                page_warnings=made.page_warnings,
                page_site_key=made.page_site_key,
                page_facets=made.page_facets,
                page_files=made.page_files,
                diagnostics=recorded(without_strict(context.diagnostics, context.strict)),
            )
        )
    return BuildResult(
        notes=made.notes,
        pages=page_count,
        seconds=time.perf_counter() - started,
        diagnostics=context.diagnostics,
        built=built,
        execution=made.execution,
        written=built or context.keeps_failed,
        reused=writer.reused,
        live=made.live,
        stages=context.clock.stages,
        language=inputs.vault.language,
        home=inputs.vault.home_choice,
    )


def _write_site(
    context: BuildContext, writer: SiteWriter, inputs: Prepared
) -> tuple[Made, dict[str, Any]]:
    """Every page into the staging folder, then, unless the build failed, the search index
    and the swap. Returns what making the pages gave back and each search shard's key."""
    try:
        made = _make(context, writer, inputs)
        context.diagnostics.items.extend(made.diagnostics)
        writer.record, writer.written, writer.reused = made.record, made.written, made.reused
        writer.kept = made.kept
        context.clock.stages.update(made.stages)
        context.clock.restart()
        search: dict[str, Any] = {}
        if not context.diagnostics.errors or context.keeps_failed:
            cache = context.cache
            search = made.search or {}  # indexed beside the other pages (see make_pages)
            if cache is not None:
                cache.record.forget()  # until the record of this build is saved
            writer.commit()
            context.clock.stage("swap")
        else:
            writer.abort()
    except BaseException:
        writer.abort()
        raise
    return made, search


def _make(context: BuildContext, writer: SiteWriter, inputs: Prepared) -> Made:
    """make_pages, with diagnostics of its own (they come back in Made); in a child process,
    unless the state is kept or the build is an edit's (see is_edit)."""
    own = replace(context, diagnostics=Diagnostics())
    if context.keeps_state or is_edit(inputs.vault):
        return make_pages(own, writer, inputs)
    return in_child_process(lambda: make_pages(own, writer, inputs), meanwhile=inputs.let_go)


def _check_folders(settings: Settings, notes_dir: Path, out_dir: Path | None) -> None:
    if not notes_dir.is_dir():
        raise BuildError(f"notes folder not found: {notes_dir}")
    if out_dir is None:
        return
    notes, out = notes_dir.resolve(), out_dir.resolve()
    # The output folder is replaced whole: it must not be, or hold, the vault or the project.
    if out in (notes, settings.root.resolve()) or notes.is_relative_to(out):
        raise BuildError(f"output folder {out_dir} would replace the notes; choose another --out")
