"""The link stage over per-note summaries, remembered from one build to the next: a note whose
text, whose vault (the names, titles and URLs links find) and whose links' targets' headings
and block ids are unchanged keeps where its links went, and is neither walked nor resolved
again; an edit relinks the edited note and the notes whose links reach into it."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import PurePosixPath
from typing import cast

from hortus.cache import LinkStore, plain_digest, text_digest
from hortus.diagnostics import Diagnostics
from hortus.links.codec import Plain, Summaries, said_from, said_plain, summary_plain
from hortus.links.index import Tables, index_tables
from hortus.links.listing import Backlinks, Listing, TagPages, make_listing
from hortus.links.records import LinkGraph
from hortus.links.resolve import Linker, TagListing, backlink_targets, tag_listing
from hortus.links.summary import NoteSummary, summarize
from hortus.links.table import KeptLinks, encode
from hortus.links.transclusion import report_embed_cycles
from hortus.markdown import ParsedNote
from hortus.parallel import ForkedWork, can_fork
from hortus.vault import Note, Vault

# A note as the link stage last saw it, as kept (plain tuples, see codec): content_key of
# the note, its summary and its tag_listing, index_key of the vault it was resolved in, the
# notes its links reached (paths as text), its resolved links and property links (see
# table.encode), the attachments they reached with their URLs, what resolving said, its
# backlink_targets, the notes it embeds. The paths of one entry are the same text objects,
# so each is stored once.
Entry = tuple[
    str,
    bytes,
    TagListing,
    str,
    tuple[str, ...],
    bytes,
    tuple[tuple[str, str], ...],
    Plain,
    tuple[str, ...],
    tuple[str, ...],
]


# Beside the entries: the key of the vault and notes it was made for, and the Listing.
LISTING = "listing"
# Beside the entries: the index_key and index_tables of the vault they were made for.
INDEX = "index"


def content_key(note: Note) -> str:
    """What a note's summary and its own part in resolving are made from (besides its
    path, which its entry is kept under)."""
    return f"{note.drawing:d}{note.page:d}{note.published:d}{note.source_digest}"


def index_key(vault: Vault) -> str:
    """Everything of the vault a link may find, and what a resolved link says of it: every
    note's path, name, aliases, whether it is published, its title and its URLs; every file."""
    # Tuples made sure of: plain_digest tells a tuple from a list.
    return plain_digest(
        [
            (
                str(n.path),
                n.published,
                n.page,
                n.drawing,
                n.url,
                tuple(n.extra_urls),
                n.title,
                tuple(n.aliases),
            )
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
    jobs: int = 1,
) -> LinkGraph:
    """Resolve the links of every parsed note (those `store` kept from the last build are
    taken as they were, when still valid); report embed cycles. `made` holds summaries the
    parse stage's workers made, so their notes' tokens need not be read here. With `jobs`
    of 2 or more, many notes to link are linked by two processes (see _link_beside)."""
    # Entries written by a build cut short may say other headings of the notes they reach
    # than those notes' own entries (see LinkStore.agreed): then none is kept.
    kept: dict[str, Entry] = store.load() if store is not None and store.agreed() else {}
    dropped: dict[str, Entry] = {}
    # A note's links into another find what that one declares: kept while its text is. The
    # entries of the notes whose text `changed` are dropped here; a kept entry is good
    # unless its links reach one of those.
    summaries, changed = _summaries(parsed, kept, made or {}, dropped)
    index = index_key(vault)
    vault_notes = {str(n.path): n for n in vault.notes}
    paths = {name: n.path for name, n in vault_notes.items()}
    paths.update((str(path), path) for path in vault.attachments)
    linker = Linker(vault, summaries, diagnostics, paths, vault_notes, _tables(store, vault, index))
    stale = _stale(kept, index, changed)
    beside = _link_beside(linker, parsed, stale, index, jobs)
    try:
        entries, linked, notes = _link_each(linker, parsed, kept, stale, index, paths, beside)
    finally:
        if beside is not None:
            beside.close()
    report_embed_cycles(summaries, linker.graph.resolved, linker.graph.embeds, diagnostics)
    before = {name: kept.get(name) or dropped.get(name) for name in linked}
    listing = _listing(store, index, notes, entries, linked, before)
    linker.graph.backlinks = Backlinks(listing, notes, paths)
    linker.graph.backlink_paths = listing.backlink_paths
    linker.graph.tags = TagPages(listing, notes)
    linker.graph.linker = linker
    linker.graph.index = index
    linker.graph.structure = listing.structure
    if store is not None and (entries != kept or store.stale(len(entries))):
        store.save(entries)
    return linker.graph


def _link_each(
    linker: Linker,
    parsed: list[ParsedNote],
    kept: dict[str, Entry],
    stale: set[str],
    index: str,
    paths: dict[str, PurePosixPath],
    beside: _Beside | None,
) -> tuple[dict[str, Entry], dict[str, Entry], dict[str, Note]]:
    """Each note's entry, in order: kept unless `stale` (see _stale), else the child's
    (see _Beside) or made now. Returns the entries to keep, those made now, and the notes
    by path."""
    entries: dict[str, Entry] = {}
    linked: dict[str, Entry] = {}  # the entries made now, also those not kept
    notes: dict[str, Note] = {}
    for p in parsed:
        note = p.note
        name = str(note.path)
        notes[name] = note
        entry = kept.get(name)
        if name not in stale and entry is not None and _keep(linker, note, name, entry, paths):
            entries[name] = entry
            continue
        entry = beside.take(name) if beside is not None else None
        # Placed as a kept entry is, unless its place depends on the notes before it.
        if entry is None or _order_dependent(entry) or not _keep(linker, note, name, entry, paths):
            entry = _link_one(linker, note, linker.summaries[note.path], index)
        linked[name] = entry
        if not _order_dependent(entry):  # else made again by every build
            entries[name] = entry
    return entries, linked, notes


def _stale(kept: dict[str, Entry], index: str, changed: set[str]) -> set[str]:
    """The notes whose kept entry cannot be taken: none kept (`changed`: after _summaries,
    `kept` holds an entry for every other note parsed), or made in another vault, or its
    links reach a note whose text changed. Asked once of every entry, in one expression (a
    garden of 50,000 notes asks it 50,000 times)."""
    isdisjoint = changed.isdisjoint
    return changed.union(
        name for name, entry in kept.items() if entry[3] != index or not isdisjoint(entry[4])
    )


def _order_dependent(entry: Entry) -> bool:
    """Whether what an entry says depends on the notes linked before it: which of two
    attachments of one output file gets it."""
    return any(said[2] == "attachment" for said in entry[7])


PARALLEL_LINK_MIN = 2000  # notes to link before a second process pays for itself


class _Beside:
    """The second half of the notes to link, linked in a forked child while this process
    links the first: each there as if it came first, which only an attachment's place can
    tell (see _order_dependent, _keep), so the parent places the child's entries as it
    places kept ones, and links again the few it cannot."""

    def __init__(self, work: ForkedWork[dict[str, Entry]], names: set[str]) -> None:
        self.work, self.names = work, names
        self.made: dict[str, Entry] | None = None

    def take(self, name: str) -> Entry | None:
        if name not in self.names:
            return None
        if self.made is None:
            self.made = self.work.result()
        return self.made.pop(name, None)

    def close(self) -> None:
        """Stop the child if its entries were never taken (the stage failed first)."""
        if self.made is None:
            self.work.cancel()


def _link_beside(
    linker: Linker, parsed: list[ParsedNote], stale: set[str], index: str, jobs: int
) -> _Beside | None:
    """The second half of the notes to link now (the `stale`: no kept entry is good for
    them) linked beside this process (see _Beside), when there are many (a cold build's,
    or a rename's) and a core to spare."""
    if jobs < 2 or len(stale) < PARALLEL_LINK_MIN or not can_fork():
        return None
    todo = [p for p in parsed if str(p.note.path) in stale]
    linker.index  # noqa: B018 (the vault's look-ups, made once for both processes)
    half = todo[len(todo) // 2 :]

    def link_half() -> dict[str, Entry]:
        summaries = linker.summaries
        return {
            str(p.note.path): _link_one(linker, p.note, summaries[p.note.path], index) for p in half
        }

    return _Beside(ForkedWork(link_half), {str(p.note.path) for p in half})


def _listing(
    store: LinkStore | None,
    index: str,
    notes: dict[str, Note],
    entries: dict[str, Entry],
    linked: dict[str, Entry],
    before: dict[str, Entry | None],
) -> Listing:
    """What the pages list of each other: as the last build kept it when the vault and
    the tags and backlink targets of every note linked now are as they were `before` (so
    are every other note's), else made and kept for the next build (before the entries are
    saved: a build cut short in between keeps no entry, see LinkStore.agreed)."""
    key = text_digest("\0".join((index, *notes)))
    alike = all(
        (then := before[name]) is not None and then[2] == entry[2] and then[8] == entry[8]
        for name, entry in linked.items()
    )
    kept = store.load_beside(LISTING) if store is not None and alike else None
    if isinstance(kept, tuple) and len(kept) == 2 and kept[0] == key:
        return Listing(*kept[1])
    listing = make_listing(
        (name, note, entry[2], entry[8])
        for name, note in notes.items()
        if note.page
        for entry in (linked.get(name) or entries[name],)
    )
    if store is not None:
        store.save_beside(LISTING, (key, tuple(listing)))
    return listing


def _tables(store: LinkStore | None, vault: Vault, index: str) -> Callable[[], Tables]:
    """What gives the vault's index_tables: kept from the last build while the vault's
    names are as they were (its index_key), else made now and kept."""

    def tables() -> Tables:
        kept = store.load_beside(INDEX) if store is not None else None
        if isinstance(kept, tuple) and len(kept) == 2 and kept[0] == index:
            return cast(Tables, kept[1])
        made = index_tables(vault)
        if store is not None:
            store.save_beside(INDEX, (index, made))
        return made

    return tables


def _summaries(
    parsed: list[ParsedNote],
    kept: dict[str, Entry],
    made: dict[PurePosixPath, NoteSummary],
    dropped: dict[str, Entry],
) -> tuple[Summaries, set[str]]:
    """Every note's summary: kept while its text is (entries kept for other text are
    moved from `kept` to `dropped`, those of notes not parsed now are dropped), else made
    by the parse stage or now; and the notes (paths as text) whose summaries are made."""
    found: dict[str, NoteSummary | bytes] = {}
    for p in parsed:
        note = p.note
        name = str(note.path)  # by path as text: a Path's hash is made anew at each ask
        entry = kept.get(name)
        if entry is None or entry[0] != content_key(note):
            if entry is not None:
                dropped[name] = kept.pop(name)
            summary = made.get(note.path)
            found[name] = summary if summary is not None else summarize(p)
    if len(kept) != len(parsed) - len(found):  # entries of notes gone or unpublished since
        for name in kept.keys() - {str(p.note.path) for p in parsed}:
            del kept[name]
    return Summaries(found, parsed, kept), set(found)


def _keep(
    linker: Linker,
    note: Note,
    name: str,
    entry: Entry,
    paths: dict[str, PurePosixPath],
) -> bool:
    """Place a kept entry's links in the graph as they were (decoded only when asked
    for), unless an attachment they reached is published elsewhere now; then nothing is
    placed."""
    _, _, tags, _, reaching, links, attachments, said, _, embeds = entry
    if attachments:
        reached = [(paths.get(file) or PurePosixPath(file), url) for file, url in attachments]
        if not linker.reached_alike(reached):
            return False
        linker.take_attachments(reached)
    if said:
        linker.diagnostics.items.extend(said_from(said))
    linker.place_kept(note, name, tags, KeptLinks(links), reaching, embeds)
    return True


def _link_one(
    linker: Linker,
    note: Note,
    summary: NoteSummary,
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
    # Each path once (see Entry): the pickle of the entry then holds it once.
    same = {reached: reached for reached in names}
    return (
        content_key(note),
        summary_plain(summary),
        tag_listing(note, summary.tags),
        index,
        names,
        encode(resolved, properties),
        tuple((str(ln.file), ln.url) for ln in both if ln.file is not None and ln.url is not None),
        said_plain(linker.diagnostics.items[said_before:]),
        tuple(same.get(target, target) for target in backlink_targets(note.path, both)),
        tuple(same.get(target, target) for target in linker.graph.embeds.get(name, ())),
    )
