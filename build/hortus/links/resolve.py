"""Stage 3: resolve every link and embed against the vault the way Obsidian does.

Resolution looks at every note, published or not, so that a link to a private note is known
to be private; what is private is then rendered as plain text and never followed."""

from __future__ import annotations

import copy
import dataclasses
from collections import ChainMap
from collections.abc import Callable, Iterable, Mapping
from pathlib import PurePosixPath
from urllib.parse import quote

from hortus.cache import short_digest
from hortus.diagnostics import Diagnostics
from hortus.links.index import Tables, VaultIndex, heading_key, name_key, strip_md
from hortus.links.records import LinkGraph, ResolvedLink
from hortus.links.summary import LinkRef, NoteSummary, summarize
from hortus.links.table import PROPERTIES, TEXT, KeptLinks, LinkTable, NoteTags
from hortus.markdown import ParsedNote, property_links
from hortus.vault import HOME_TAG, Note, Vault, attachment_url

DRAWING_SUFFIXES = (".excalidraw", ".md")  # `X.excalidraw` files and `X.excalidraw.md` notes


class Linker:
    """Resolves the links of notes into one LinkGraph, note by note, from their summaries."""

    def __init__(
        self,
        vault: Vault,
        summaries: Mapping[PurePosixPath, NoteSummary],
        diagnostics: Diagnostics,
        paths: Mapping[str, PurePosixPath] | None = None,
        notes: Mapping[str, Note] | None = None,
        tables: Callable[[], Tables] | None = None,
    ) -> None:
        """`paths`: the vault's notes' and files' paths by their text, `notes`: its notes
        by their paths' text, `tables`: gives its index_tables; each when at hand."""
        self.summaries = summaries
        self.diagnostics = diagnostics
        if paths is None:
            paths = {str(p): p for p in (*(n.path for n in vault.notes), *vault.attachments)}
        self._paths = paths
        self._notes = notes
        self._tables = tables
        self._index: VaultIndex | None = None
        self._resolved = LinkTable(TEXT, paths)
        self._properties = LinkTable(PROPERTIES, paths)
        self._note_tags = NoteTags(paths)
        self.graph = LinkGraph(
            note_tags=self._note_tags, resolved=self._resolved, property_links=self._properties
        )
        self._heading_ids: dict[PurePosixPath, dict[str, str]] = {}
        self._vault = vault
        self._taken: dict[str, PurePosixPath | None] | None = None

    @property
    def index(self) -> VaultIndex:
        """The vault's look-ups, made when first asked for: an edit's build resolves the
        links of few notes."""
        if self._index is None:
            tables = self._tables() if self._tables is not None else None
            self._index = VaultIndex(self._vault, tables, self._notes, self._paths)
        return self._index

    @property
    def _files(self) -> dict[str, PurePosixPath | None]:
        """Output files taken by pages, and by attachments so far: two attachments whose
        names slug alike (`a b.png`, `a-b.png`) must not be written to one file. Made when
        first asked for: most builds reach no attachment anew."""
        if self._taken is None:
            self._taken = {
                output_file(url): None
                for n in self._vault.published
                if n.page
                for url in (n.url, *n.extra_urls)
            }
        return self._taken

    @_files.setter
    def _files(self, files: dict[str, PurePosixPath | None]) -> None:
        self._taken = files

    def heading_ids(self, note: Note) -> dict[str, str]:
        if note.path not in self._heading_ids:
            summary = self.summaries.get(note.path)
            found: dict[str, str] = {}
            headings = summary.headings if summary else ()
            for heading in headings:
                found.setdefault(heading_key(heading.text), heading.id)
            # Obsidian matches a link against the heading as written: a link made by its
            # completion holds the heading's markup (`#[DHCP](dhcp.md)%20Snooping`).
            for heading in headings:
                found.setdefault(heading_key(heading.source), heading.id)
            self._heading_ids[note.path] = found
        return self._heading_ids[note.path]

    def block_ids(self, note: Note) -> set[str]:
        summary = self.summaries.get(note.path)
        return set(summary.block_ids) if summary else set()

    def drawing_image(self, drawing: PurePosixPath) -> PurePosixPath | None:
        """The SVG or PNG that Excalidraw exports beside a drawing (`X.excalidraw.svg` or
        `X.svg` for `X.excalidraw.md`); the drawing's JSON is never published."""
        stem = strip_md(str(drawing))
        bases = [stem, str(PurePosixPath(stem).with_suffix(""))]
        for base in bases:
            for suffix in (".svg", ".png"):
                file = self.index.file_by_path.get(name_key(f"{base}{suffix}"))
                if file is not None:
                    return file
        return None

    def attachment_url(self, file: PurePosixPath, where: str, line: int) -> str:
        url = self.graph.attachments.get(file)
        if url is not None:
            return url
        url = attachment_url(file)
        other = self._files.get(output_file(url), file)
        if other != file:
            taken = url
            stem, dot, suffix = url.rpartition(".")
            digest = short_digest(str(file))
            url = f"{stem}-{digest}.{suffix}" if dot and "/" not in suffix else f"{url}-{digest}"
            owner = f"the attachment {other}" if other is not None else "a page"
            self.diagnostics.warn(
                where, line, "attachment",
                f"{file} would be published at {taken}, like {owner}; published at {url}",
            )  # fmt: skip
        self._files[output_file(url)] = file
        self.graph.attachments[file] = url
        return url

    def reached_alike(self, reached: Iterable[tuple[PurePosixPath, str]]) -> bool:
        """Whether the attachments kept links reached (each with the URL it had then) are
        still published at those URLs: no attachment linked before took one since."""
        for file, url in reached:
            now = self.graph.attachments.get(file)
            if now is None:
                plain = attachment_url(file)
                if url != plain or self._files.get(output_file(plain), file) != file:
                    return False
            elif now != url:
                return False
        return True

    def take_attachments(self, reached: Iterable[tuple[PurePosixPath, str]]) -> None:
        """The attachments kept links reached, as if reached now."""
        for file, url in reached:
            self.graph.attachments[file] = url
            self._files[output_file(url)] = file

    def resolve(
        self,
        source: Note,
        target: str,
        heading: str | None,
        block: str | None,
        line: int,
        embed: bool = False,
    ) -> ResolvedLink:
        """Where a link (`embed`: an embed) from `source` to `target` (`#heading` or
        `#^block` in it) goes; what is wrong with it is reported at `line`."""
        found = self._locate(source, target, line, embed)
        if isinstance(found, ResolvedLink):
            return found
        if isinstance(found, PurePosixPath):
            url = self.attachment_url(found, str(source.path), line)
            return ResolvedLink("ok", file=found, url=url)
        if not found.published:
            self.diagnostics.warn(
                str(source.path), line, "private-link",
                "link to an unpublished note shown as plain text",
            )  # fmt: skip
            return ResolvedLink("private")
        return self._to_note(source, found, heading, block, line)

    def _locate(
        self, source: Note, target: str, line: int, embed: bool
    ) -> Note | PurePosixPath | ResolvedLink:
        """The note or file a target names (a drawing's exported image for a drawing), or
        the ResolvedLink of a target that names nothing to link to."""
        where = str(source.path)
        if not target:
            found: Note | PurePosixPath | None = source
            count, outside = 1, False
        else:
            found, count, outside = self.index.find(target, source.path)
        if outside:
            self.diagnostics.warn(where, line, "outside", f"link to {target!r} leaves the vault")
            return ResolvedLink("outside")
        if found is None:
            self.diagnostics.warn(where, line, "broken-link", f"no note or file named {target!r}")
            return ResolvedLink("missing")
        if count > 1:
            chosen = found.path if isinstance(found, Note) else found
            self.diagnostics.warn(
                where, line, "ambiguous", f"{target!r} matches {count} files; linking to {chosen}"
            )
        drawing = found.path if isinstance(found, Note) and found.drawing else found
        if isinstance(drawing, PurePosixPath) and drawing.suffix.lower() in DRAWING_SUFFIXES:
            image = self.drawing_image(drawing)
            if image is None:
                shown = "a placeholder is shown" if embed else "the link is shown as plain text"
                self.diagnostics.warn(
                    where, line, "drawing",
                    f"{drawing} has no exported SVG or PNG beside it; {shown}",
                )  # fmt: skip
                return ResolvedLink("drawing")
            return image
        return found

    def _to_note(
        self, source: Note, found: Note, heading: str | None, block: str | None, line: int
    ) -> ResolvedLink:
        """A link to a published note, into its heading or block."""
        where = str(source.path)
        anchor, heading_id, block_id = "", None, None
        if heading:
            ids = self.heading_ids(found)
            heading_id = ids.get(heading_key(heading))
            if heading_id is None and heading in ids.values():
                heading_id = heading  # `[x](Note.md#some-slug)`, as GitHub-style anchors go
            if heading_id is None:
                self.diagnostics.warn(
                    where, line, "broken-heading", f"{found.path} has no heading {heading!r}"
                )
            else:
                anchor = "#" + quote(heading_id)
        if block:
            if block in self.block_ids(found):
                block_id, anchor = block, "#^" + quote(block)
            else:
                self.diagnostics.warn(
                    where, line, "broken-block", f"{found.path} has no block ^{block}"
                )
        if not found.page:  # a canvas: shown where it is embedded, no page of its own
            return ResolvedLink("ok", note=found.path, title=found.title)
        return ResolvedLink(
            "ok", url=found.url + anchor, note=found.path, title=found.title, page=True,
            heading_id=heading_id, block_id=block_id,
        )  # fmt: skip

    def relinked(self, edited: list[ParsedNote], diagnostics: Diagnostics) -> LinkGraph:
        """The graph as it would be with `edited` in place of the notes of their paths,
        their own links resolved again; this linker and its graph are left as they are.
        (The live preview renders an edited page from it at once; the build that follows
        brings backlinks and tags of other pages up to date.)"""
        view = copy.copy(self)
        view.summaries = ChainMap({p.note.path: summarize(p) for p in edited}, self.summaries)
        view.diagnostics = diagnostics
        view._heading_ids = {
            k: v for k, v in self._heading_ids.items() if k not in {p.note.path for p in edited}
        }
        # What is found now goes to a scratch graph, never to this one.
        view._files = dict(self._files)
        view._resolved, view._properties = LinkTable(TEXT), LinkTable(PROPERTIES)
        view._note_tags = NoteTags(self._paths)
        view.graph = LinkGraph(
            note_tags=view._note_tags,
            attachments=dict(self.graph.attachments),
            resolved=view._resolved,
            property_links=view._properties,
        )
        for parsed in edited:
            view.link(parsed.note, view.summaries[parsed.note.path])
        return dataclasses.replace(
            self.graph,
            attachments=view.graph.attachments,
            note_tags={**self.graph.note_tags, **view.graph.note_tags},
            resolved=self._resolved.updated(view._resolved),
            property_links=self._properties.updated(view._properties),
            reaching={**self.graph.reaching, **view.graph.reaching},
            embeds={
                **{k: v for k, v in self.graph.embeds.items() if k not in view.graph.reaching},
                **view.graph.embeds,
            },
            structure="",  # the edited notes' links may go elsewhere now
        )

    def link(self, note: Note, summary: NoteSummary) -> None:
        """Resolve the note's links into the graph, and list it as a backlink and under its
        tags."""
        if summary.too_deep is not None:
            self.diagnostics.warn(
                str(note.path), summary.too_deep + 1, "nesting",
                "lists, quotes or callouts nested too deep; the deepest lines are shown as "
                "plain text",
            )  # fmt: skip
        resolved = [self._resolve_ref(note, ref) for ref in summary.links]
        # `related: "[[Note]]"` links, and is a backlink, as a link in the text is.
        properties = [
            self.resolve(note, link.target, link.heading, link.block, link.line)
            for link in property_links(note.frontmatter, lambda: note.source)
        ]
        both = (*resolved, *properties)
        reaching = tuple(sorted({str(link.note) for link in both if link.note is not None}))
        embeds = tuple(str(link.note) for link in resolved if link.embed and link.note is not None)
        self.place(note, tag_listing(note, summary.tags), resolved, properties, reaching, embeds)

    def place(
        self,
        note: Note,
        tags: TagListing,
        resolved: list[ResolvedLink] | KeptLinks,
        properties: list[ResolvedLink] | KeptLinks,
        reaching: tuple[str, ...],
        embeds: tuple[str, ...],
    ) -> None:
        """A note's links, resolved now or kept from the last build, into the graph: where
        they went (see LinkTable), the notes they reach and those they embed, a page's tags
        as it shows them. Each note is placed once; what the pages list of each other is
        the link stage's (see hortus.links.listing)."""
        name = str(note.path)
        self.place_kept(note, name, tags, resolved, reaching, embeds, properties=properties)

    def place_kept(
        self,
        note: Note,
        name: str,
        tags: TagListing,
        links: list[ResolvedLink] | KeptLinks,
        reaching: tuple[str, ...],
        embeds: tuple[str, ...],
        *,
        properties: list[ResolvedLink] | KeptLinks | None = None,
    ) -> None:
        """place() for a note (`name`: its path as text) whose links the last build kept
        (`links` holds both kinds, unless `properties` are given): the same, in fewer
        steps, since most notes of an edit's build are placed so."""
        self._resolved.put(name, links)
        self._properties.put(name, links if properties is None else properties)
        self.graph.reaching[name] = reaching
        if embeds:
            self.graph.embeds[name] = embeds
        if note.page:
            self._note_tags.put(name, tags[0])

    def _resolve_ref(self, note: Note, ref: LinkRef) -> ResolvedLink:
        if ref.kind == "blank":  # an image with no URL
            where = str(note.path)
            self.diagnostics.warn(where, ref.line, "broken-link", "image with an empty URL")
            return ResolvedLink("missing")
        found = self.resolve(note, ref.target, ref.heading, ref.block, ref.line, ref.embed)
        return found._replace(embed=True) if ref.embed else found


def backlink_targets(source: PurePosixPath, links: Iterable[ResolvedLink]) -> tuple[str, ...]:
    """The notes (paths as text) a page's links list it under as a backlink: the pages they
    reach, each once, in the order of the links; never the page itself."""
    found = dict.fromkeys(str(link.note) for link in links if link.page and link.note is not None)
    found.pop(str(source), None)
    return tuple(found)


# A page's tags as it shows them, and every tag it is listed under (see tag_listing).
TagListing = tuple[tuple[str, ...], tuple[str, ...]]


def tag_listing(note: Note, inline: tuple[str, ...]) -> TagListing:
    """The note's tags (its frontmatter's and its `inline` ones), sorted without case (a
    tie by case), and the tags it is listed under, each once, in that order."""
    # `gardenEntry` marks the home page; it is a setting, not a topic to list.
    tags = {t for t in note.tags if t.casefold() != HOME_TAG}
    tags.update(inline)
    shown = tuple(sorted(tags, key=lambda tag: (tag.casefold(), tag)))
    return shown, tuple(_tag_names(shown))


def _tag_names(tags: Iterable[str]) -> Iterable[str]:
    """The tags a note is listed under, each once: a nested tag `a/b` also lists it under
    `a` (before `a/b`), as Obsidian's tag pane does."""
    names: dict[str, None] = {}
    for tag in tags:
        slash = tag.find("/")
        while slash != -1:
            names[tag[:slash]] = None
            slash = tag.find("/", slash + 1)
        names[tag] = None
    return names


def output_file(url: str) -> str:
    """The output file of a site URL, compared as a case-insensitive file system would."""
    path = url.strip("/")
    return (path if "." in path.rpartition("/")[2] else f"{path}/index.html").casefold()
