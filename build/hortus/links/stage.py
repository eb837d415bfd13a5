"""The link stage over per-note summaries, remembered from one build to the next: a note whose
text, whose vault (the names, titles and URLs links find) and whose links' targets' headings
and block ids are unchanged keeps where its links went, and is neither walked nor resolved
again; an edit relinks the edited note and the notes whose links reach into it."""

from __future__ import annotations

from pathlib import PurePosixPath

from hortus.cache import LinkStore, digest
from hortus.diagnostics import Diagnostics
from hortus.links.codec import Plain, Summaries, said_from, said_plain, summary_plain
from hortus.links.records import LinkGraph
from hortus.links.resolve import Linker, TagListing, backlink_targets, tag_listing
from hortus.links.summary import NoteSummary, summarize
from hortus.links.table import KeptLinks, encode
from hortus.links.transclusion import report_embed_cycles
from hortus.markdown import ParsedNote
from hortus.vault import Note, Vault

# A note as the link stage last saw it, as kept (plain tuples, see codec): content_key of
# the note, its summary and its tag_listing, index_key of the vault it was
# resolved in, the notes its links reached (paths as text) and their content_key then, its
# resolved links and property links (see table.encode), the attachments they reached with
# their URLs, what resolving said, its backlink_targets, the notes it embeds.
Entry = tuple[
    str,
    bytes,
    TagListing,
    str,
    tuple[str, ...],
    tuple[str, ...],
    bytes,
    tuple[tuple[str, str], ...],
    Plain,
    tuple[str, ...],
    tuple[str, ...],
]


def content_key(note: Note) -> str:
    """What a note's summary and its own part in resolving are made from (besides its
    path, which its entry is kept under)."""
    return f"{note.drawing:d}{note.page:d}{note.published:d}{note.source_digest}"


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
    # By path as text: a Path's hash is made anew at each ask.
    keys = {str(p.note.path): content_key(p.note) for p in parsed}
    summaries = _summaries(parsed, kept, keys, made or {})
    index = index_key(vault)
    # A note's links into another find what that one declares: kept while its text is.
    paths = {str(n.path): n.path for n in vault.notes}
    by_name = {name: keys.get(name, "") for name in paths}
    paths.update((str(path), path) for path in vault.attachments)
    linker = Linker(vault, summaries, diagnostics, paths)
    entries: dict[str, Entry] = {}
    for p in parsed:
        note, name = p.note, str(p.note.path)
        entry = kept.get(name)
        if (
            entry is not None
            and entry[3] == index
            and _agree(entry[4], entry[5], by_name)
            and _keep(linker, note, entry, paths)
        ):
            entries[name] = entry
            continue
        entry = _link_one(linker, note, summaries[note.path], keys, index)
        if not any(said[2] == "attachment" for said in entry[8]):  # order-dependent: redone
            entries[name] = entry
    report_embed_cycles(summaries, linker.graph.resolved, linker.graph.embeds, diagnostics)
    # Backlinks and tag listings list pages by title, each page ranked once.
    pages = {str(p.note.path): p.note for p in parsed if p.note.page}
    by_title = sorted(pages, key=lambda name: (pages[name].title.casefold(), name))
    rank = {name: i for i, name in enumerate(by_title)}
    linker.graph.backlinks = linker.backlinks(pages, rank, paths)
    linker.graph.backlink_paths = linker.backlink_paths()
    note_rank = {pages[name]: i for name, i in rank.items()}
    for notes in linker.graph.tags.values():
        notes.sort(key=note_rank.__getitem__)
    linker.graph.tags = {t: n for t, n in linker.graph.tags.items() if n}
    linker.graph.linker = linker
    linker.graph.index = index
    linker.graph.structure = linker.structure()
    if store is not None and (entries != kept or store.stale(len(entries))):
        store.save(entries)
    return linker.graph


def _summaries(
    parsed: list[ParsedNote],
    kept: dict[str, Entry],
    keys: dict[str, str],
    made: dict[PurePosixPath, NoteSummary],
) -> Summaries:
    """Every note's summary: kept while its text is (entries kept for other text are
    dropped from `kept`), else made by the parse stage or now."""
    found: dict[str, NoteSummary | bytes] = {}
    for p in parsed:
        name = str(p.note.path)
        entry = kept.get(name)
        if entry is not None and entry[0] == keys[name]:
            found[name] = entry[1]
        else:
            kept.pop(name, None)
            summary = made.get(p.note.path)
            found[name] = summary if summary is not None else summarize(p)
    return Summaries(found, [p.note.path for p in parsed])


def _agree(names: tuple[str, ...], then: tuple[str, ...], keys: dict[str, str]) -> bool:
    """Whether the notes a kept entry's links reached are as they were (their headings and
    block ids are part of their text)."""
    return tuple(map(keys.get, names)) == then


def _keep(
    linker: Linker,
    note: Note,
    entry: Entry,
    paths: dict[str, PurePosixPath],
) -> bool:
    """Place a kept entry's links in the graph as they were (decoded only when asked
    for), unless an attachment they reached is published elsewhere now; then nothing is
    placed."""
    _, _, tags, _, reaching, _, links, attachments, said, targets, embeds = entry
    reached = [(paths.get(file) or PurePosixPath(file), url) for file, url in attachments]
    if not linker.reached_alike(reached):
        return False
    if said:
        linker.diagnostics.items.extend(said_from(said))
    linker.take_attachments(reached)
    kept = KeptLinks(links)
    linker.place(note, tags, kept, kept, reaching, embeds, targets)
    return True


def _link_one(
    linker: Linker,
    note: Note,
    summary: NoteSummary,
    keys: dict[str, str],
    index: str,
) -> Entry:
    """Resolve one note's links now, into the graph; what it took, for the next build."""
    said_before = len(linker.diagnostics.items)
    linker.link(note, summary)
    name = str(note.path)
    resolved = linker.graph.resolved[note.path]
    properties = linker.graph.property_links[note.path]
    both = (*resolved, *properties)
    names = linker.graph.reaching[name]
    return (
        keys[name],
        summary_plain(summary),
        tag_listing(note, summary.tags),
        index,
        names,
        tuple(keys.get(name, "") for name in names),
        encode(resolved, properties),
        tuple((str(ln.file), ln.url) for ln in both if ln.file is not None and ln.url is not None),
        said_plain(linker.diagnostics.items[said_before:]),
        backlink_targets(note.path, both),
        linker.graph.embeds.get(name, ()),
    )
