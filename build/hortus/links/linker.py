"""Stage 3: resolve every link and embed against the vault the way Obsidian does.

Resolution looks at every note, published or not, so that a link to a private note is known
to be private; what is private is then rendered as plain text and never followed."""

from __future__ import annotations

import hashlib
import posixpath
import unicodedata
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from urllib.parse import quote

from markdown_it.token import Token

from hortus.diagnostics import Diagnostics
from hortus.markdown.parser import ParsedNote, headings, token_line
from hortus.vault.reader import CANVAS_SUFFIX, HOME_TAG, Note, Vault
from hortus.vault.urls import attachment_url

DRAWING_SUFFIXES = (".excalidraw", ".md")  # `X.excalidraw` files and `X.excalidraw.md` notes


@dataclass(frozen=True)
class Resolution:
    """Where a link goes. `url` is a site URL (with `#anchor`), or None when it must not link."""

    status: str  # "ok", "missing", "private", "outside"
    note: Note | None = None
    file: PurePosixPath | None = None
    url: str | None = None
    heading_id: str | None = None
    block_id: str | None = None


@dataclass
class LinkGraph:
    backlinks: dict[PurePosixPath, list[Note]] = field(default_factory=dict)
    attachments: dict[PurePosixPath, str] = field(default_factory=dict)  # vault path -> site URL
    tags: dict[str, list[Note]] = field(default_factory=dict)
    # Per note, where each of its links went, in order: what its page's links are made from.
    resolved: dict[PurePosixPath, list[tuple]] = field(default_factory=dict)
    linker: Linker | None = field(default=None, repr=False, compare=False)  # for the preview


def _key(text: str) -> str:
    return unicodedata.normalize("NFC", text).casefold()


def heading_key(text: str) -> str:
    """Obsidian matches headings loosely: case, spacing, punctuation and Markdown markers do
    not count, since a link cannot hold some of them (`# | ^ : [ ]`) and writers drop others."""
    text = unicodedata.normalize("NFC", text).casefold()
    kept = "".join(c if unicodedata.category(c)[0] in "LMN" else " " for c in text)
    return " ".join(kept.split())


class VaultIndex:
    """Look-ups by path, by file name and by alias, all case-insensitive as in Obsidian."""

    def __init__(self, vault: Vault) -> None:
        self.vault = vault
        self.note_by_path: dict[str, Note] = {}
        self.notes_by_name: dict[str, list[Note]] = defaultdict(list)
        self.notes_by_alias: dict[str, list[Note]] = defaultdict(list)
        self.file_by_path: dict[str, PurePosixPath] = {}
        self._found: dict[tuple[str, str], tuple[Note | PurePosixPath | None, int, bool]] = {}
        self.files_by_name: dict[str, list[PurePosixPath]] = defaultdict(list)
        for note in vault.notes:
            self.note_by_path[_key(_note_key(note))] = note
            name = PurePosixPath(_note_key(note)).name
            self.notes_by_name[_key(name)].append(note)
            if name.strip() != name:  # `Draft .md`: a link's target is read stripped
                self.notes_by_name[_key(name.strip())].append(note)
            for alias in note.aliases:
                self.notes_by_alias[_key(alias)].append(note)
        for path in vault.attachments:
            self.file_by_path[_key(str(path))] = path
            self.files_by_name[_key(path.name)].append(path)

    def find(
        self, target: str, source: PurePosixPath
    ) -> tuple[Note | PurePosixPath | None, int, bool]:
        """(the note or file, how many candidates matched, whether the path left the vault).
        The answer depends only on the target and the linking note's folder: a garden links
        to the same notes from the same folders many times, so answers are remembered."""
        key = (target, posixpath.dirname(str(source)))
        found = self._found.get(key)
        if found is None:
            found = self._found[key] = self._find(target, source)
        return found

    def _find(
        self, target: str, source: PurePosixPath
    ) -> tuple[Note | PurePosixPath | None, int, bool]:
        target = unicodedata.normalize("NFC", target.strip().replace("\\", "/"))
        if not target:
            return None, 0, False
        if target.startswith("/"):
            relative = posixpath.normpath(target.lstrip("/"))
        else:
            relative = posixpath.normpath(posixpath.join(str(source.parent), target))
        if relative == ".." or relative.startswith("../"):
            return None, 0, True
        # An explicit path (relative to the note, or from the vault root) wins over a name
        # match; a bare name is matched by name below, so the note beside the link wins.
        if "/" in target:
            for candidate in (relative, posixpath.normpath(target.lstrip("/"))):
                for key in (_key(_strip_md(candidate)), _key(candidate)):
                    if key in self.note_by_path:
                        return self.note_by_path[key], 1, False
                if _key(candidate) in self.file_by_path:
                    return self.file_by_path[_key(candidate)], 1, False
        note_name = _strip_md(target)
        suffix = _key("/" + note_name) if "/" in note_name else ""
        pool: list[Note] | list[PurePosixPath] = [
            n
            for n in self.notes_by_name.get(_key(PurePosixPath(note_name).name), [])
            if not suffix or _key("/" + _note_key(n)).endswith(suffix)
        ]
        if not pool:  # aliases may hold a slash: `Obsidian Web Clipper/Templates`
            pool = self.notes_by_alias.get(_key(note_name), [])
        if not pool:
            file_suffix = _key("/" + target) if "/" in target else ""
            pool = [
                f
                for f in self.files_by_name.get(_key(PurePosixPath(target).name), [])
                if not file_suffix or _key("/" + str(f)).endswith(file_suffix)
            ]
        if not pool:
            return None, 0, False
        chosen = _closest(pool, source)
        beside = (chosen.path if isinstance(chosen, Note) else chosen).parent == source.parent
        # Several matches are only ambiguous when none sits beside the linking note.
        return chosen, 1 if beside else len(pool), False


def _strip_md(name: str) -> str:
    return name[:-3] if name.lower().endswith(".md") else name


def _note_key(note: Note) -> str:
    """A note is found by its path without `.md`; a canvas keeps `.canvas`, so `[[board]]`
    and `[[board.canvas]]` can be two things, as in Obsidian."""
    path = str(note.path)
    return path if note.path.suffix.lower() == CANVAS_SUFFIX else _strip_md(path)


def _closest(pool: list, source: PurePosixPath):
    """Obsidian prefers the file beside the linking note, then the shortest path."""

    def path_of(item: Note | PurePosixPath) -> PurePosixPath:
        return item.path if isinstance(item, Note) else item

    return min(
        pool,
        key=lambda item: (
            path_of(item).parent != source.parent,
            len(path_of(item).parts),
            str(path_of(item)),
        ),
    )


def iter_link_tokens(tokens: list[Token]) -> Iterator[tuple[Token, Token | None]]:
    for token in tokens:
        yield token, None
        for child in token.children or ():
            yield child, token


class Linker:
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
            _file_of(url): None for n in vault.published if n.page for url in (n.url, *n.extra_urls)
        }

    def heading_ids(self, note: Note) -> dict[str, str]:
        if note.path not in self._heading_ids:
            parsed = self.parsed.get(note.path)
            found: dict[str, str] = {}
            for heading in headings(parsed) if parsed else []:
                found.setdefault(heading_key(heading.text), heading.id)
            self._heading_ids[note.path] = found
        return self._heading_ids[note.path]

    def drawing_image(self, drawing: PurePosixPath) -> PurePosixPath | None:
        """The SVG or PNG that Excalidraw exports beside a drawing (`X.excalidraw.svg` or
        `X.svg` for `X.excalidraw.md`); the drawing's JSON is never published."""
        stem = _strip_md(str(drawing))
        bases = [stem, str(PurePosixPath(stem).with_suffix(""))]
        for base in bases:
            for suffix in (".svg", ".png"):
                file = self.index.file_by_path.get(_key(f"{base}{suffix}"))
                if file is not None:
                    return file
        return None

    def attachment_url(self, file: PurePosixPath, where: str, line: int) -> str:
        url = self.graph.attachments.get(file)
        if url is not None:
            return url
        url = attachment_url(file)
        other = self._files.get(_file_of(url), file)
        if other != file:
            taken = url
            stem, dot, suffix = url.rpartition(".")
            digest = hashlib.sha256(str(file).encode("utf-8")).hexdigest()[:8]
            url = f"{stem}-{digest}.{suffix}" if dot and "/" not in suffix else f"{url}-{digest}"
            owner = f"the attachment {other}" if other is not None else "a page"
            self.diagnostics.warn(
                where, line, "attachment",
                f"{file} would be published at {taken}, like {owner}; published at {url}",
            )  # fmt: skip
        self._files[_file_of(url)] = file
        self.graph.attachments[file] = url
        return url

    def block_ids(self, note: Note) -> set[str]:
        parsed = self.parsed.get(note.path)
        return {str(b[0]) for b in parsed.env.get("block_ids", [])} if parsed else set()

    def resolve(
        self, source: ParsedNote, target: str, heading: str | None, block: str | None, line: int
    ) -> Resolution:
        where = str(source.note.path)
        if not target:
            found: Note | PurePosixPath | None = source.note
            count, outside = 1, False
        else:
            found, count, outside = self.index.find(target, source.note.path)
        if outside:
            self.diagnostics.warn(where, line, "outside", f"link to {target!r} leaves the vault")
            return Resolution("outside")
        if found is None:
            self.diagnostics.warn(where, line, "broken-link", f"no note or file named {target!r}")
            return Resolution("missing")
        if count > 1:
            chosen = found.path if isinstance(found, Note) else found
            self.diagnostics.warn(
                where,
                line,
                "ambiguous",
                f"{target!r} matches {count} files; linking to {chosen}",
            )
        drawing = found.path if isinstance(found, Note) and found.drawing else found
        if isinstance(drawing, PurePosixPath) and drawing.suffix.lower() in DRAWING_SUFFIXES:
            image = self.drawing_image(drawing)
            if image is None:
                self.diagnostics.warn(
                    where,
                    line,
                    "drawing",
                    f"{drawing} has no exported SVG or PNG beside it; a placeholder is shown",
                )
                return Resolution("drawing")
            found = image
        if isinstance(found, PurePosixPath):
            url = self.attachment_url(found, where, line)
            return Resolution("ok", file=found, url=url)
        if not found.published:
            self.diagnostics.warn(
                where, line, "private-link", "link to an unpublished note shown as plain text"
            )
            return Resolution("private")
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
            return Resolution("ok", note=found)
        # Membership kept in a set: a list scan per link is quadratic in a large garden.
        backlink = (found.path, source.note.path)
        if found is not source.note and source.note.page and backlink not in self._listed:
            self._listed.add(backlink)
            self.graph.backlinks.setdefault(found.path, []).append(source.note)
        return Resolution(
            "ok", note=found, url=found.url + anchor, heading_id=heading_id, block_id=block_id
        )

    def relink(self, parsed: ParsedNote) -> None:
        """Link a new version of a note already linked (the live preview's edited note)."""
        path = parsed.note.path
        self.parsed[path] = parsed
        self._heading_ids.pop(path, None)
        self.graph.resolved[path] = []
        self.link(parsed)
        unwrap_transclusions(parsed.tokens)

    def link(self, parsed: ParsedNote) -> None:
        resolved = self.graph.resolved.setdefault(parsed.note.path, [])
        for token, _ in self._link(parsed):
            found = token.meta["resolved"]
            target = found.note
            resolved.append((
                token.type == "embed", found.status, found.url,
                str(found.file) if found.file else None, found.heading_id, found.block_id,
                (str(target.path), target.title, target.page) if target else None,
            ))  # fmt: skip
        self._tags(parsed)

    def _link(self, parsed: ParsedNote) -> Iterator[tuple[Token, Token | None]]:
        """Resolve every link of the note, yielding each link token once it is resolved."""
        tokens = parsed.tokens
        deep = parsed.env.get("too_deep")
        if deep:
            self.diagnostics.warn(
                str(parsed.note.path), min(deep) + 1, "nesting",
                "lists, quotes or callouts nested too deep; the deepest lines are shown as "
                "plain text",
            )  # fmt: skip
        for token, parent in iter_link_tokens(tokens):
            meta = token.meta
            if token.type in ("wikilink", "embed"):
                meta["resolved"] = self.resolve(
                    parsed,
                    meta.get("target", ""),
                    meta.get("heading"),
                    meta.get("block"),
                    token_line(token, parent),
                )
                yield token, parent
            elif token.type == "link_open" and "internal" in meta:
                info = meta["internal"]
                meta["resolved"] = self.resolve(
                    parsed,
                    info.get("target", ""),
                    info.get("heading"),
                    info.get("block"),
                    int(info.get("line", 0)) + 1 if "line" in info else token_line(token, parent),
                )
                yield token, parent
            elif token.type == "image" and not (token.attrGet("src") or "").strip():
                self.diagnostics.warn(
                    str(parsed.note.path),
                    token_line(token, parent),
                    "broken-link",
                    "image with an empty URL",
                )
                meta["local"], meta["resolved"] = True, Resolution("missing")
                yield token, parent
            elif token.type == "image" and meta.get("local"):
                meta["resolved"] = self.resolve(
                    parsed, meta.get("path", ""), None, None, token_line(token, parent)
                )
                yield token, parent
            elif token.type == "tag":
                self.graph.tags.setdefault(meta["tag"], [])

    def _tags(self, parsed: ParsedNote) -> None:
        if not parsed.note.page:
            return
        # `gardenEntry` marks the home page; it is a setting, not a topic to list.
        tags = {t for t in parsed.note.tags if t.casefold() != HOME_TAG}
        for token, _ in iter_link_tokens(parsed.tokens):
            if token.type == "tag":
                tags.add(token.meta["tag"])
        parsed.env["tags"] = sorted(tags, key=str.casefold)
        for tag in tags:
            # A nested tag `a/b` also lists the note under `a`, as Obsidian's tag pane does.
            parts = tag.split("/")
            for depth in range(1, len(parts) + 1):
                name = "/".join(parts[:depth])
                notes = self.graph.tags.setdefault(name, [])
                if (name, parsed.note.path) not in self._listed:
                    self._listed.add((name, parsed.note.path))
                    notes.append(parsed.note)


def _file_of(url: str) -> str:
    """The output file of a site URL, compared as a case-insensitive file system would."""
    path = url.strip("/")
    return (path if "." in path.rpartition("/")[2] else f"{path}/index.html").casefold()


def _transclusion(token: Token) -> bool:
    found = token.meta.get("resolved")
    return token.type == "embed" and found is not None and found.note is not None


def _note_embeds(tokens: list[Token]) -> Iterator[tuple[Token, Resolution, int]]:
    for token, parent in iter_link_tokens(tokens):
        if _transclusion(token):
            yield token, token.meta["resolved"], token_line(token, parent)


def report_embed_cycles(parsed: dict[PurePosixPath, ParsedNote], diagnostics: Diagnostics) -> None:
    """A note that embeds itself, directly or through others, is shown once and then as a
    notice; say so, at the embed that closes the loop."""
    from hortus.render.links import section_tokens  # the part of a note an embed shows

    Node = tuple[PurePosixPath, str | None, str | None]
    done: set[Node] = set()
    reported: set[tuple[str, int, PurePosixPath]] = set()

    def edges(node: Node) -> list[tuple[Node, int]]:
        tokens = section_tokens(parsed[node[0]].tokens, node[1], node[2])
        return [
            ((found.note.path, found.heading_id, found.block_id), line)
            for _, found, line in _note_embeds(tokens)
            if found.note is not None and found.note.path in parsed
        ]

    for start in sorted(parsed):
        root: Node = (start, None, None)
        if root in done:
            continue
        stack = [(root, iter(edges(root)))]
        path = [start]
        while stack:
            node, pending = stack[-1]
            step = next(pending, None)
            if step is None:
                done.add(node)
                stack.pop()
                path.pop()
                continue
            target, line = step
            if target[0] in path:
                loop = [*path[path.index(target[0]) :], target[0]]
                key = (str(node[0]), line, target[0])
                if key not in reported:
                    reported.add(key)
                    shown = (
                        f"{node[0]} embeds itself"
                        if len(loop) == 2
                        else " → ".join(str(p) for p in loop)
                    )
                    diagnostics.warn(
                        str(node[0]), line, "embed-cycle",
                        f"embed cycle: {shown}; the repeat is shown as a notice",
                    )  # fmt: skip
            elif target not in done:
                stack.append((target, iter(edges(target))))
                path.append(target[0])


def unwrap_transclusions(tokens: list[Token]) -> None:
    """An embedded note is a block (`<div>`), which a `<p>` cannot hold: the paragraph the
    embed was written in is dropped when it holds only embeds, and is a `<div>` otherwise."""
    for i, token in enumerate(tokens[:-2]):
        if token.type != "paragraph_open" or token.hidden:
            continue
        inline = tokens[i + 1]
        children = inline.children or []
        if inline.type != "inline" or not any(_transclusion(c) for c in children):
            continue
        # Paragraphs do not nest; a footnote's last one has its back-link before the close.
        end = i + 2
        while end < len(tokens) and tokens[end].type != "paragraph_close":
            end += 1
        if end == len(tokens):
            continue
        close = tokens[end]
        if all(_blank_or_embed(c) for c in children) and not token.attrs and end == i + 2:
            token.hidden = close.hidden = True
        else:
            token.tag = close.tag = "div"


def _blank_or_embed(token: Token) -> bool:
    return token.type in ("embed", "softbreak", "hardbreak") or (
        token.type == "text" and not token.content.strip()
    )


def link_notes(vault: Vault, parsed: list[ParsedNote], diagnostics: Diagnostics) -> LinkGraph:
    linker = Linker(vault, parsed, diagnostics)
    for p in parsed:
        linker.link(p)
    report_embed_cycles(linker.parsed, diagnostics)
    for p in parsed:
        unwrap_transclusions(p.tokens)
    for notes in (*linker.graph.backlinks.values(), *linker.graph.tags.values()):
        notes.sort(key=lambda n: (n.title.casefold(), str(n.path)))
    linker.graph.tags = {t: n for t, n in linker.graph.tags.items() if n}
    linker.graph.linker = linker
    return linker.graph
