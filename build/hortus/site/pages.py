"""Each note's page, keyed on everything it is made from, so an unchanged page is kept."""

from __future__ import annotations

import copy
import datetime as dt
import os
import re
from hashlib import sha256
from pathlib import Path, PurePosixPath
from typing import NamedTuple

from markupsafe import Markup

from hortus.cache import code_fingerprint, digest, recorded, replay, text_digest, write_file
from hortus.cells import note_result
from hortus.config import Settings
from hortus.diagnostics import Diagnostic, Diagnostics
from hortus.links import LinkGraph
from hortus.markdown import ParsedNote, code_kinds, headings, load_highlighters
from hortus.parallel import chunked, fork_map
from hortus.queries import note_queries
from hortus.render import (
    BodyRenderer,
    FolderTree,
    Garden,
    MathResult,
    PropertyRow,
    Theme,
    breadcrumbs,
    local_graph_inputs,
    local_graph_svg,
    property_rows,
    without_title_heading,
)
from hortus.site.affected import affected_notes
from hortus.site.extras import feed_url, page_extras
from hortus.site.writer import SiteWriter, url_to_name
from hortus.vault import Note, NoteDates, tag_url

PARALLEL_RENDER_MIN = 100  # pages to render before forked workers pay for themselves


class PreviousPages(NamedTuple):
    """What the last build's note pages were made from, for this build to keep them by."""

    site_key: str  # what every page showed alike (NotePages.site_key)
    facets: dict[str, str]  # note path -> its facet (see affected_notes)
    files: dict[str, list[str]]  # note path -> the files of its pages


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
        dates: dict[Note, NoteDates],
        assets: dict[str, str],
        math: dict[tuple[str, bool], MathResult],
        macros: dict[str, str] | None = None,
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
        self._math_keys: dict[tuple[str, bool], str] = {}  # a formula's output, as a digest
        self.warnings: dict[str, list[list]] = {}  # page file -> what rendering it said
        # What every page shows alike, and the vault as links find it (every note's path,
        # title, URL and aliases, every file): a renamed note is a change to every page.
        self.site_key = digest(
            code_fingerprint(),
            repr(settings),
            _theme_digest(settings.theme_dir),
            assets,
            graph.index or sorted((str(n.path), n.title, n.url) for n in dates),
            theme.has_claims,
            sorted((macros or {}).items()),
        )
        self.previous: PreviousPages | None = None  # when the last build kept them
        self.facets: dict[str, str] = {}  # this build's, for the next one
        self.files: dict[str, list[str]] = {}  # this build's, for the next one

    def emit(
        self,
        writer: SiteWriter,
        parsed: list[ParsedNote],
        jobs: int,
        diagnostics: Diagnostics,
        previous_warnings: dict[str, list[list]],
    ) -> None:
        self.facets = self._facets(parsed)
        self.files = {}
        kept, kept_files = self._keep_unaffected(parsed, writer)
        todo: list[tuple[ParsedNote, str, str, str]] = []
        before, written = writer.previous, writer.written
        for p, name in zip(parsed, self.facets, strict=True):  # the facets' order is parsed's
            if not p.note.page or name in kept:
                continue
            files = self.files[name] = []
            for url in (p.note.url, *p.note.extra_urls):
                rel = url_to_name(url)
                if rel in written:
                    if rel in kept_files:  # kept above, though another of its files was not
                        files.append(rel)
                    continue  # else a URL clash, already reported by the vault stage
                files.append(rel)
                if rel not in before:  # made now whatever its key: keyed by a worker
                    todo.append((p, url, "", writer.reserve(rel)))
                    continue
                key = self.key(p, url)
                if not writer.reuse(rel, key):
                    todo.append((p, url, key, writer.reserve(rel)))
                    continue
                self._replay(rel, previous_warnings, diagnostics)
        for rel in sorted(kept_files.intersection(previous_warnings)):
            self._replay(rel, previous_warnings, diagnostics)
        self._make(writer, todo, jobs, diagnostics)

    def _keep_unaffected(
        self, parsed: list[ParsedNote], writer: SiteWriter
    ) -> tuple[set[str], set[str]]:
        """The notes no change reaches (see affected_notes) whose page files are as the last
        build left them, and those files: kept all at once, their keys not computed, as an
        edit keeps nearly every page of the garden. The notes' files go into `self.files`."""
        previous = self.previous
        if previous is None or previous.site_key != self.site_key:
            return set(), set()
        affected = affected_notes(parsed, self.graph, previous.facets, self.facets)
        files = previous.files
        kept = (self.facets.keys() & files.keys()) - affected
        kept_files = {rel for name in kept for rel in files[name]}
        missed = writer.keep_names(kept_files)
        if missed:  # a page changed by hand: its note's pages are made as any other's
            kept = {name for name in kept if missed.isdisjoint(files[name])}
            kept_files -= missed
        self.files.update((name, files[name]) for name in kept)
        return kept, kept_files

    def _replay(self, rel: str, previous: dict[str, list[list]], diagnostics: Diagnostics) -> None:
        """What rendering a kept page said, said again: kept pages warn alike."""
        warned = previous.get(rel)
        if warned:
            replay(warned, diagnostics)
            self.warnings[rel] = warned

    def _make(
        self,
        writer: SiteWriter,
        todo: list[tuple[ParsedNote, str, str, str]],
        jobs: int,
        diagnostics: Diagnostics,
    ) -> None:
        """The pages of `todo` (note, URL, key or "", page file) made, by `jobs` workers
        when there are many, and registered with `writer`."""
        staging = writer.staging

        def render_chunk(chunk: list[int]) -> list[tuple[str, list[Diagnostic]]]:
            done = []
            for i in chunk:
                p, url, key, rel = todo[i]
                found = Diagnostics()
                html = self.render(p, url, found)
                write_file(os.path.join(staging, rel), html.encode("utf-8"))
                done.append((key or self.key(p, url), found.items))
                p.release()  # a worker renders thousands of pages: not all tokens at once
            return done

        def take(chunk: list[int], made: list[tuple[str, list[Diagnostic]]]) -> None:
            for i, (key, items) in zip(chunk, made, strict=True):
                diagnostics.items.extend(items)
                if items:
                    self.warnings[todo[i][3]] = recorded(items)
                writer.registered(todo[i][3], key)

        indices = list(range(len(todo)))
        workers = jobs if len(todo) >= PARALLEL_RENDER_MIN else 1
        if workers > 1:
            # What every worker would load on its first page (the templates, the code
            # highlighters, 40-60 ms of it) is loaded here once, before they are forked.
            load_highlighters({kind for p, *_ in todo for kind in code_kinds(p.env) or ()} - {"="})
            take(indices[:1], render_chunk(indices[:1]))
            indices = indices[1:]
        chunks = chunked(indices, workers)
        for chunk, made in zip(chunks, fork_map(render_chunk, chunks, workers), strict=True):
            take(chunk, made)

    def edited(
        self,
        edited: list[ParsedNote],
        graph: LinkGraph,
        math: dict[tuple[str, bool], MathResult],
        dates: dict[Note, NoteDates],
    ) -> NotePages:
        """These pages with `edited` in place of the old versions of their notes, linked by
        `graph`: what the live preview renders an edited page with. This object is left as
        it is, so a preview never changes the state the next build starts from."""
        view = copy.copy(self)
        parsed = {**self.body.parsed, **{str(p.note.path): p for p in edited}}
        view.body = BodyRenderer(
            self.body.md, list(parsed.values()), math, graph.resolved, self.body.diagrams
        )
        view.graph, view.math, view.dates = graph, math, dates
        view.warnings, view._math_keys = {}, {}
        return view

    def render(self, p: ParsedNote, url: str, diagnostics: Diagnostics) -> str:
        outline = headings(p)
        body, title_id = without_title_heading(
            self.body.render(p, url, diagnostics), p.note.title, outline
        )
        content = Markup(body)
        page = {
            "url": url,
            "canonical": self.settings.base_url + p.note.url,
            "title": p.note.title,
            "title_id": title_id,
            "properties": self._properties(p.note),
            "folder": self.tree.folders.get(url) if url == p.note.url else None,
            "feed": feed_url(url) if url in self.tree.folders else None,
            "description": _description(content),
            "tags": [(tag, tag_url(tag)) for tag in self.graph.note_tags.get(p.note.path, [])],
            "headings": outline,
            "backlinks": self.graph.backlinks.get(p.note.path, []),
            "cssclasses": _cssclasses(p.note.frontmatter),
            "breadcrumbs": breadcrumbs(p.note, self.tree) if url == p.note.url else [],
            "updated": _iso(self.dates[p.note].updated),
            "created": _iso(self.dates[p.note].created),
            "graph": Markup(
                local_graph_svg(self.garden, str(p.note.path), url, label=self.theme.label("graph"))
            ),
            "content": content,
        }
        page.update(page_extras(content, self.assets, properties=bool(page["properties"])))
        return self.theme.render("note.html", page=page, assets=self.assets)

    def _properties(self, note: Note) -> list[PropertyRow]:
        if not self.settings.properties:
            return []
        links = self.graph.property_links.get(note.path, [])
        return property_rows(note.frontmatter, links, self.settings.hide_properties)

    def key(self, p: ParsedNote, url: str) -> str:
        """Everything the page at `url` is made from, as one key."""
        note = p.note
        return digest(
            self.site_key,
            url,
            self._body_key(note.path),
            self.graph.note_tags.get(note.path, []),
            [(str(n.path), n.title, n.url) for n in self.graph.backlinks.get(note.path, [])],
            [_iso(self.dates[note].updated), _iso(self.dates[note].created)],
            local_graph_inputs(self.garden, str(note.path)),
        )

    def _facets(self, parsed: list[ParsedNote]) -> dict[str, str]:
        """Each note's facet: what of its page can change while the garden's names do not:
        its text (and a board's places), its dates and the notes linking to it (see
        affected_notes). One loop over locals: a garden of 50,000 notes asks it of each; the
        digest is text_digest's, made here without a call per note."""
        shown: dict[dt.date | None, str] = {None: ""}  # a date -> its ISO text, made once
        dates, back = self.dates, self.graph.backlink_paths
        facets = {}
        for p in parsed:
            note = p.note
            name = str(note.path)
            when = dates.get(note)
            updated = created = ""
            if when is not None:
                updated = shown.get(when.updated) or shown.setdefault(
                    when.updated, _iso(when.updated)
                )
                created = shown.get(when.created) or shown.setdefault(
                    when.created, _iso(when.created)
                )
            board = repr(note.canvas) if note.canvas is not None else ""
            shows = "\0".join([note.source_digest, board, updated, created, *back.get(name, ())])
            facets[name] = sha256(shows.encode("utf-8", "surrogatepass")).hexdigest()
        return facets

    def _body_key(self, start: PurePosixPath) -> list[str]:
        """The note's own inputs and those of every note it embeds, however deep."""
        keys, seen, stack = [], {start}, [start]
        while stack:
            path = stack.pop()
            keys.append(self._own_key(path))
            for link in self.graph.resolved.get(path, []):
                if link.embed and link.note is not None and link.note not in seen:
                    seen.add(link.note)
                    stack.append(link.note)
        return sorted(keys)

    def _own_key(self, path: PurePosixPath) -> str:
        if path not in self._own:
            p = self.body.parsed.get(str(path))
            if p is None:
                self._own[path] = digest("absent", str(path))
            else:
                math = [self._math_key(ref.tex, ref.display) for ref in p.math]
                cells = note_result(p.env)
                queries = note_queries(p.env)  # what its queries show: rebuilt when it changes
                self._own[path] = digest(
                    str(path),
                    p.note.url,
                    p.note.title,
                    p.note.source_digest,
                    p.note.canvas,  # a board's places and arrows are not in its outline
                    self.graph.resolved.get(path, []),
                    self.graph.property_links.get(path, []),
                    None if cells is None else cells.to_json(),
                    math,
                    None if queries is None else queries.key(),
                )
        return self._own[path]

    def _math_key(self, tex: str, display: bool) -> str:
        """What a formula shows, as a digest made once per formula: a formula's output is
        long, and the same formula is written in many notes."""
        found = self._math_keys.get((tex, display))
        if found is None:
            m = self.math.get((tex, display))
            shown = "" if m is None else f"{m.html is not None:d}{m.error is not None:d}"
            found = text_digest(f"{shown}\0{m.html if m else ''}\0{m.error if m else ''}")
            self._math_keys[(tex, display)] = found
        return found


def _iso(day: dt.date | None) -> str:
    """A date for the page: ISO, or empty when it is not known."""
    return day.isoformat() if day is not None else ""


def _theme_digest(theme_dir: Path) -> str:
    files = sorted(p for p in theme_dir.rglob("*") if p.is_file())
    return digest([(p.relative_to(theme_dir).as_posix(), p.read_bytes().hex()) for p in files])


_TAGS = re.compile(r"<[^>]+>")


def _description(body: str, limit: int = 160) -> str:
    """The opening words of the note's first paragraph, for search engines and link cards."""
    match = re.search(r"<p>(.*?)</p>", body, re.S)
    if not match:
        return ""
    text = " ".join(_TAGS.sub("", match.group(1)).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _cssclasses(frontmatter: dict) -> str:
    value = frontmatter.get("cssclasses", frontmatter.get("cssclass", []))
    items = value.replace(",", " ").split() if isinstance(value, str) else value
    return " ".join(str(c) for c in items or [] if isinstance(c, str | int))
