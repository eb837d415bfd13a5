"""The link stage over per-note summaries, remembered from one build to the next: a note whose
text, whose vault (the names, titles and URLs links find) and whose links' targets' headings
and block ids are unchanged keeps where its links went, and is neither walked nor resolved
again; an edit relinks the edited note and the notes whose links reach into it."""

from __future__ import annotations

from pathlib import PurePosixPath

from hortus.cache import LinkStore, digest, text_digest
from hortus.diagnostics import Diagnostics
from hortus.links.codec import (
    Plain,
    links_from,
    links_plain,
    said_from,
    said_plain,
    summary_from,
    summary_plain,
)
from hortus.links.records import LinkGraph
from hortus.links.resolve import Linker
from hortus.links.summary import NoteSummary, summarize
from hortus.links.transclusion import report_embed_cycles
from hortus.markdown import ParsedNote
from hortus.vault import Note, Vault

# A note as the link stage last saw it, as kept (plain tuples, see codec): content_key of
# the note, its summary, index_key of the vault it was resolved in, the notes its links
# reached with their content_key, its resolved links and property links, what resolving said.
Entry = tuple[str, Plain, str, tuple[tuple[str, str], ...], Plain, Plain, Plain]


def content_key(note: Note) -> str:
    """What a note's summary and its own part in resolving are made from."""
    flags = f"{note.drawing:d}{note.page:d}{note.published:d}"
    return text_digest(f"{flags}\0{note.path}\0{note.source_digest}")


def index_key(vault: Vault) -> str:
    """Everything of the vault a link may find, and what a resolved link says of it: every
    note's path, name, aliases, whether it is published, its title and its URLs; every file."""
    return digest(
        [
            (str(n.path), n.published, n.page, n.drawing, n.url, n.extra_urls, n.title, n.aliases)
            for n in vault.notes
        ],
        [str(path) for path in vault.attachments],
    )


def link_notes(
    vault: Vault,
    parsed: list[ParsedNote],
    diagnostics: Diagnostics,
    store: LinkStore | None = None,
    made: dict[PurePosixPath, NoteSummary] | None = None,
) -> LinkGraph:
    """Resolve the links of every parsed note (those `store` kept from the last build are
    taken as they were, when still valid); report embed cycles. `made` holds summaries the
    parse stage's workers made, so their notes' tokens need not be read here."""
    kept: dict[str, Entry] = store.load() if store is not None else {}
    keys = {p.note.path: content_key(p.note) for p in parsed}
    summaries: dict[PurePosixPath, NoteSummary] = {}
    for p in parsed:
        entry = kept.get(str(p.note.path))
        if entry is None or entry[0] != keys[p.note.path]:
            kept.pop(str(p.note.path), None)
            found = made.get(p.note.path) if made is not None else None
            summaries[p.note.path] = found if found is not None else summarize(p)
        else:
            summaries[p.note.path] = summary_from(entry[1])
    linker = Linker(vault, summaries, diagnostics)
    index = index_key(vault)
    # A note's links into another find what that one declares: kept while its text is.
    paths = {str(n.path): n.path for n in vault.notes}
    by_name = {name: keys.get(path, "") for name, path in paths.items()}
    paths.update((str(path), path) for path in vault.attachments)
    entries: dict[str, Entry] = {}
    for p in parsed:
        note, name = p.note, str(p.note.path)
        entry = kept.get(name)
        if entry is not None and entry[2] == index and _agree(entry[3], by_name):
            resolved, properties = links_from(entry[4], paths), links_from(entry[5], paths)
            if linker.reached_alike([*resolved, *properties]):
                diagnostics.items.extend(said_from(entry[6]))
                linker.take_attachments([*resolved, *properties])
                linker.place(note, summaries[note.path], resolved, properties)
                entries[name] = entry
                continue
        entry = _link_one(linker, note, summaries[note.path], keys, index)
        if not any(said[2] == "attachment" for said in entry[6]):  # order-dependent: redone
            entries[name] = entry
    report_embed_cycles(summaries, linker.graph.resolved, diagnostics)
    order = {p.note: (p.note.title.casefold(), str(p.note.path)) for p in parsed}
    for notes in (*linker.graph.backlinks.values(), *linker.graph.tags.values()):
        notes.sort(key=order.__getitem__)
    linker.graph.tags = {t: n for t, n in linker.graph.tags.items() if n}
    linker.graph.linker = linker
    linker.graph.index = index
    if store is not None and (entries != kept or store.stale(len(entries))):
        store.save(entries)
    return linker.graph


def _agree(reached: tuple[tuple[str, str], ...], keys: dict[str, str]) -> bool:
    """Whether the notes a kept entry's links reached are as they were (their headings and
    block ids are part of their text)."""
    return all(keys.get(name) == key for name, key in reached)


def _link_one(
    linker: Linker,
    note: Note,
    summary: NoteSummary,
    keys: dict[PurePosixPath, str],
    index: str,
) -> Entry:
    """Resolve one note's links now, into the graph; what it took, for the next build."""
    said_before = len(linker.diagnostics.items)
    linker.link(note, summary)
    resolved = linker.graph.resolved[note.path]
    properties = linker.graph.property_links[note.path]
    reached = sorted({link.note for link in (*resolved, *properties) if link.note is not None})
    return (
        keys[note.path],
        summary_plain(summary),
        index,
        tuple((str(path), keys.get(path, "")) for path in reached),
        links_plain(resolved),
        links_plain(properties),
        said_plain(linker.diagnostics.items[said_before:]),
    )
