"""Stage 3: resolve every link and embed against the vault the way Obsidian does.

Resolution looks at every note, published or not, so that a link to a private note is known
to be private; what is private is then rendered as plain text and never followed."""

from __future__ import annotations

import copy
import dataclasses
from pathlib import PurePosixPath
from urllib.parse import quote

from markdown_it.token import Token

from hortus.cache import short_digest
from hortus.diagnostics import Diagnostics
from hortus.links.index import VaultIndex, heading_key, name_key, strip_md
from hortus.links.records import LinkGraph, ResolvedLink
from hortus.links.transclusion import report_embed_cycles
from hortus.markdown import (
    ParsedNote,
    headings,
    link_tokens,
    property_links,
    token_line,
    walk_tokens,
)
from hortus.vault import HOME_TAG, Note, Vault, attachment_url

DRAWING_SUFFIXES = (".excalidraw", ".md")  # `X.excalidraw` files and `X.excalidraw.md` notes


class Linker:
    """Resolves the links of notes into one LinkGraph, note by note."""

    def __init__(self, vault: Vault, parsed: list[ParsedNote], diagnostics: Diagnostics) -> None:
        self.index = VaultIndex(vault)
        self.parsed = {p.note.path: p for p in parsed}
        self.diagnostics = diagnostics
        self.graph = LinkGraph()
        self._heading_ids: dict[PurePosixPath, dict[str, str]] = {}
        self._listed: set[tuple[object, PurePosixPath]] = set()  # (target or tag, source)
        # Output files taken by pages, and by attachments so far: two attachments whose names
        # slug alike (`a b.png`, `a-b.png`) must not be written to one file.
        self._files: dict[str, PurePosixPath | None] = {
            output_file(url): None
            for n in vault.published
            if n.page
            for url in (n.url, *n.extra_urls)
        }

    def heading_ids(self, note: Note) -> dict[str, str]:
        if note.path not in self._heading_ids:
            parsed = self.parsed.get(note.path)
            found: dict[str, str] = {}
            for heading in headings(parsed) if parsed else []:
                found.setdefault(heading_key(heading.text), heading.id)
            self._heading_ids[note.path] = found
        return self._heading_ids[note.path]

    def block_ids(self, note: Note) -> set[str]:
        parsed = self.parsed.get(note.path)
        return {str(b[0]) for b in parsed.env.get("block_ids", [])} if parsed else set()

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

    def resolve(
        self, source: ParsedNote, target: str, heading: str | None, block: str | None, line: int
    ) -> ResolvedLink:
        """Where a link from `source` to `target` (`#heading` or `#^block` in it) goes;
        what is wrong with it is reported at `line`."""
        found = self._locate(source, target, line)
        if isinstance(found, ResolvedLink):
            return found
        if isinstance(found, PurePosixPath):
            url = self.attachment_url(found, str(source.note.path), line)
            return ResolvedLink("ok", file=found, url=url)
        if not found.published:
            self.diagnostics.warn(
                str(source.note.path), line, "private-link",
                "link to an unpublished note shown as plain text",
            )  # fmt: skip
            return ResolvedLink("private")
        return self._to_note(source, found, heading, block, line)

    def _locate(
        self, source: ParsedNote, target: str, line: int
    ) -> Note | PurePosixPath | ResolvedLink:
        """The note or file a target names (a drawing's exported image for a drawing), or
        the ResolvedLink of a target that names nothing to link to."""
        where = str(source.note.path)
        if not target:
            found: Note | PurePosixPath | None = source.note
            count, outside = 1, False
        else:
            found, count, outside = self.index.find(target, source.note.path)
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
                self.diagnostics.warn(
                    where, line, "drawing",
                    f"{drawing} has no exported SVG or PNG beside it; a placeholder is shown",
                )  # fmt: skip
                return ResolvedLink("drawing")
            return image
        return found

    def _to_note(
        self, source: ParsedNote, found: Note, heading: str | None, block: str | None, line: int
    ) -> ResolvedLink:
        """A link to a published note, into its heading or block; a backlink for it."""
        where = str(source.note.path)
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
        # Membership kept in a set: a list scan per link is quadratic in a large garden.
        backlink = (found.path, source.note.path)
        if found is not source.note and source.note.page and backlink not in self._listed:
            self._listed.add(backlink)
            self.graph.backlinks.setdefault(found.path, []).append(source.note)
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
        view.parsed = {**self.parsed, **{p.note.path: p for p in edited}}
        view.diagnostics = diagnostics
        view._heading_ids = {k: v for k, v in self._heading_ids.items() if k not in view.parsed}
        view._listed = set()  # backlinks found now go to a scratch graph, never to this one
        view._files = dict(self._files)
        view.graph = LinkGraph(attachments=dict(self.graph.attachments))
        for parsed in edited:
            view.link(parsed)
        return dataclasses.replace(
            self.graph,
            attachments=view.graph.attachments,
            note_tags={**self.graph.note_tags, **view.graph.note_tags},
            resolved={**self.graph.resolved, **view.graph.resolved},
            property_links={**self.graph.property_links, **view.graph.property_links},
        )

    def link(self, parsed: ParsedNote) -> None:
        """Resolve the note's links into the graph, and list it under its tags."""
        deep = parsed.env.get("too_deep")
        if deep:
            self.diagnostics.warn(
                str(parsed.note.path), min(deep) + 1, "nesting",
                "lists, quotes or callouts nested too deep; the deepest lines are shown as "
                "plain text",
            )  # fmt: skip
        self.graph.resolved[parsed.note.path] = [
            self._resolve_token(parsed, token, parent)
            for token, parent in link_tokens(parsed.tokens)
        ]
        # `related: "[[Note]]"` links, and is a backlink, as a link in the text is.
        self.graph.property_links[parsed.note.path] = [
            self.resolve(parsed, link.target, link.heading, link.block, link.line)
            for link in property_links(parsed.note.frontmatter, parsed.note.source)
        ]
        for token, _ in walk_tokens(parsed.tokens):
            if token.type == "tag":
                self.graph.tags.setdefault(token.meta["tag"], [])
        self._tags(parsed)

    def _resolve_token(
        self, parsed: ParsedNote, token: Token, parent: Token | None
    ) -> ResolvedLink:
        meta = token.meta
        line = token_line(token, parent)
        if token.type in ("wikilink", "embed"):
            found = self.resolve(
                parsed, meta.get("target", ""), meta.get("heading"), meta.get("block"), line
            )
            return found._replace(embed=True) if token.type == "embed" else found
        if token.type == "link_open":
            info = meta["internal"]
            if "line" in info:
                line = int(info["line"]) + 1
            return self.resolve(
                parsed, info.get("target", ""), info.get("heading"), info.get("block"), line
            )
        if not (token.attrGet("src") or "").strip():  # an image with no URL
            self.diagnostics.warn(
                str(parsed.note.path), line, "broken-link", "image with an empty URL"
            )
            return ResolvedLink("missing")
        return self.resolve(parsed, meta.get("path", ""), None, None, line)

    def _tags(self, parsed: ParsedNote) -> None:
        if not parsed.note.page:
            return
        # `gardenEntry` marks the home page; it is a setting, not a topic to list.
        tags = {t for t in parsed.note.tags if t.casefold() != HOME_TAG}
        for token, _ in walk_tokens(parsed.tokens):
            if token.type == "tag":
                tags.add(token.meta["tag"])
        self.graph.note_tags[parsed.note.path] = sorted(tags, key=str.casefold)
        for tag in tags:
            # A nested tag `a/b` also lists the note under `a`, as Obsidian's tag pane does.
            parts = tag.split("/")
            for depth in range(1, len(parts) + 1):
                name = "/".join(parts[:depth])
                notes = self.graph.tags.setdefault(name, [])
                if (name, parsed.note.path) not in self._listed:
                    self._listed.add((name, parsed.note.path))
                    notes.append(parsed.note)


def output_file(url: str) -> str:
    """The output file of a site URL, compared as a case-insensitive file system would."""
    path = url.strip("/")
    return (path if "." in path.rpartition("/")[2] else f"{path}/index.html").casefold()


def link_notes(vault: Vault, parsed: list[ParsedNote], diagnostics: Diagnostics) -> LinkGraph:
    """Resolve the links of every parsed note; report embed cycles."""
    linker = Linker(vault, parsed, diagnostics)
    for p in parsed:
        linker.link(p)
    report_embed_cycles(linker.parsed, linker.graph.resolved, diagnostics)
    for notes in (*linker.graph.backlinks.values(), *linker.graph.tags.values()):
        notes.sort(key=lambda n: (n.title.casefold(), str(n.path)))
    linker.graph.tags = {t: n for t, n in linker.graph.tags.items() if n}
    linker.graph.linker = linker
    return linker.graph
