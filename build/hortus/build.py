"""The pipeline, in order: vault, parse, link, execute, typeset, render, emit."""

from __future__ import annotations

import datetime as dt
import re
import time
from dataclasses import dataclass
from pathlib import Path

from markupsafe import Markup

from hortus.assets import emit_assets
from hortus.config import Settings
from hortus.dates import note_dates
from hortus.diagnostics import BuildError, Diagnostics
from hortus.emit import SiteWriter
from hortus.execute import ExecutionReport, execute_notes
from hortus.graph import GraphNode, build_graph, garden_graph_svg, local_graph_svg
from hortus.link import LinkGraph, link_notes
from hortus.navigation import FolderTree, breadcrumbs, build_tree
from hortus.outputs import emit_claims, emit_figures
from hortus.parse import headings, make_parser, parse_note
from hortus.render import BodyRenderer, Theme, install_render_rules
from hortus.search import index_site
from hortus.sitefiles import emit_feed, emit_sitemap
from hortus.typeset import math_macros, typeset_math
from hortus.urls import tag_url
from hortus.vault import Note, load_vault


@dataclass
class BuildResult:
    notes: int
    pages: int
    seconds: float
    diagnostics: Diagnostics
    built: bool
    execution: ExecutionReport
    written: bool = False  # the output folder holds this build's pages

    def summary(self) -> str:
        warnings = len(self.diagnostics.warnings)
        errors = len(self.diagnostics.errors)
        state = "built" if self.built else "not built"
        cells = f"cells run for {self.execution.ran} notes, {self.execution.cached} from cache"
        return (
            f"hortus: {self.notes} notes, {self.pages} pages, {cells}, "
            f"{warnings} warnings, {errors} errors in {self.seconds:.2f} s ({state})"
        )


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
) -> BuildResult:
    """Build the site into `out_dir`; with `out_dir` None, check everything and write no site.

    A build with errors leaves `out_dir` as it was, unless `keep_failed` (the live preview,
    which shows a failed claim on its page rather than the previous version of the page)."""
    started = time.perf_counter()
    diagnostics = Diagnostics()
    _check_folders(settings, notes_dir, out_dir)

    vault = load_vault(notes_dir, settings, diagnostics)
    md = make_parser()
    install_render_rules(md)
    parsed = [parse_note(md, note) for note in vault.published]
    graph = link_notes(vault, parsed, diagnostics)
    execution = execute_notes(
        vault.root, parsed, settings, diagnostics, use_cache=use_cache, jobs=jobs
    )
    math = typeset_math(parsed, math_macros(vault, settings), diagnostics)
    if strict:
        for warning in diagnostics.warnings:
            diagnostics.error(warning.path, warning.line, warning.kind, warning.message)
    if out_dir is None:
        return BuildResult(
            notes=sum(1 for p in parsed if p.note.page),
            pages=0,
            seconds=time.perf_counter() - started,
            diagnostics=diagnostics,
            built=not diagnostics.errors,
            execution=execution,
        )

    pages = [p.note for p in parsed if p.note.page]
    garden = build_graph(
        [GraphNode(str(n.path), n.title, n.url) for n in pages],
        [(str(src.path), str(dst)) for dst, sources in graph.backlinks.items() for src in sources],
    )
    tree = build_tree(pages)
    dates = note_dates(vault.root, pages)
    theme = Theme(settings.theme_dir, settings, tree=tree, has_claims=bool(execution.claims))
    body = BodyRenderer(md, parsed, math)
    writer = writer_class(out_dir)
    try:
        assets = emit_assets(writer, settings.theme_dir)
        emit_figures(writer, parsed)
        for p in (p for p in parsed if p.note.page):
            for url in (p.note.url, *p.note.extra_urls):
                if writer.has_page(url):
                    continue  # a URL clash, already reported by the vault stage
                content = Markup(body.render(p, url))
                page = {
                    "url": url,
                    "canonical": settings.base_url + p.note.url,
                    "title": p.note.title,
                    "description": _description(content),
                    "tags": [(tag, tag_url(tag)) for tag in p.env.get("tags", [])],
                    "headings": headings(p),
                    "backlinks": graph.backlinks.get(p.note.path, []),
                    "cssclasses": _cssclasses(p.note.frontmatter),
                    "breadcrumbs": breadcrumbs(p.note, tree) if url == p.note.url else [],
                    "updated": dates[p.note].isoformat(),
                    "graph": Markup(
                        local_graph_svg(garden, str(p.note.path), url, label=theme.label("graph"))
                    ),
                    "content": content,
                }
                writer.write_page(url, theme.render("note.html", page=page, assets=assets))
        if not writer.has_page("/"):
            notes = sorted((n for n in vault.published if n.page), key=lambda n: n.title.casefold())
            page = {"url": "/", "title": settings.title}
            writer.write_page(
                "/", theme.render("index.html", page=page, notes=notes, assets=assets)
            )
        if not writer.has_page("/graph/"):
            page = {"url": "/graph/", "title": theme.label("garden_graph")}
            svg = Markup(garden_graph_svg(garden, "/graph/", label=theme.label("garden_graph")))
            html = theme.render("graph.html", page=page, garden_svg=svg, assets=assets)
            writer.write_page("/graph/", html)
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
            writer.write(url.lstrip("/"), (vault.root / source).read_bytes())
        built = not diagnostics.errors
        if built or keep_failed:
            index_site(writer.staging, settings.language)
            writer.commit()
        else:
            writer.abort()
    except BaseException:
        writer.abort()
        raise
    return BuildResult(
        notes=sum(1 for p in parsed if p.note.page),
        pages=len([p for p in writer.written if p.name == "index.html"]),
        seconds=time.perf_counter() - started,
        diagnostics=diagnostics,
        built=built,
        execution=execution,
        written=built or keep_failed,
    )


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
