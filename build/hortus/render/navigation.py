"""The folder explorer and breadcrumbs, built from published pages only."""

from __future__ import annotations

import pickle
import posixpath
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from html import escape
from pathlib import Path

from hortus.cache import ExplorerStore, bytes_digest
from hortus.render.listing import listing_url
from hortus.vault import Note, relative_url, slugify

# Above this many pages the explorer lists only the folders on the way to the current page,
# and of each folder on that way at most EXPLORER_WINDOW entries around the one the page is
# in, with a link to the folder's page (which lists all of it) for the rest: so a page of a
# 50,000-note garden carries no more explorer than one of a few hundred notes.
FULL_EXPLORER_LIMIT = 400
EXPLORER_WINDOW = 12


@dataclass
class Entry:
    """A note or a folder of the explorer."""

    name: str  # the note's title, or the folder's name
    url: str  # its page
    children: list[Entry] | None = None  # None for a note, a list for a folder
    notes: int = 0  # for a folder: the pages inside it, however deep


@dataclass
class FolderTree:
    """The published pages by folder, as the explorer and the folder pages list them."""

    root: list[Entry] = field(default_factory=list)  # the top level, folders first
    folders: dict[str, Entry] = field(default_factory=dict)  # folder URL -> entry
    total: int = 0  # pages in the tree
    # Folder URLs a note's page has (a folder note), and `/`: their listing is one page.
    whole: set[str] = field(default_factory=lambda: {"/"})

    _html: dict[tuple[str, tuple[str, ...]], str] = field(default_factory=dict)

    def html(self, page_url: str) -> str:
        """The explorer's list for one page. Pages in one folder share it but for the mark on
        the current page, so it is built once per folder and the mark is put in after."""
        if self.total > FULL_EXPLORER_LIMIT:
            return _bounded(self.root, "/", page_url, page_url, self.whole)
        if not page_url:  # the 404 page: site-absolute links, no current page
            return _list(self.root, "", ())
        base = posixpath.dirname(page_url.rstrip("/")) or "/"
        # Links are made relative to a stand-in page in the same folder, so they are right
        # for every page there (`../note/`, never a page-specific `./`); `/` has no folder.
        stand_in = "/" if page_url == "/" else posixpath.join(base, "\0/")
        opened = tuple(url for url in self.folders if page_url.startswith(url))
        key = (stand_in, opened)
        if key not in self._html:
            self._html[key] = _list(self.root, stand_in, opened)
        here = f' href="{escape(relative_url(stand_in, page_url))}"'
        return self._html[key].replace(here, here + ' aria-current="page"', 1)


@lru_cache(maxsize=65536)  # every note in a folder asks for it, and its breadcrumbs again
def folder_url(parts: tuple[str, ...]) -> str:
    return "/" + "/".join(slugify(p) for p in parts) + "/"


def build_tree(notes: list[Note]) -> FolderTree:
    tree = FolderTree(total=len(notes))
    # Folder path -> its entries, outermost first: found once per folder, not once per note.
    chains: dict[str, list[Entry]] = {"": []}
    for note, path in sorted(((n, str(n.path)) for n in notes), key=_obsidian_order):
        folder = path.rpartition("/")[0]
        chain = chains.get(folder)
        if chain is None:
            chain = chains[folder] = _folder_chain(tree, folder.split("/"))
        for entry in chain:
            entry.notes += 1
        level = chain[-1].children if chain else tree.root
        assert level is not None
        level.append(Entry(note.title, note.url))
    for note in notes:
        tree.whole.update(u for u in (note.url, *note.extra_urls) if u in tree.folders)
    for entries in (tree.root, *(f.children or [] for f in tree.folders.values())):
        # Folders first, then notes, each alphabetically, as Obsidian's file explorer.
        entries.sort(key=lambda e: (e.children is None, e.name.casefold()))
    return tree


def kept_tree(notes: list[Note], cache_folder: Path | None) -> FolderTree:
    """build_tree's tree of `notes`: as the last build kept it in `cache_folder` when the
    pages (paths, titles, URLs, in order) are those it was built from, else built (and
    kept). An edit that renames or retitles no page does not sort the garden again."""
    if cache_folder is None:
        return build_tree(notes)
    pages = [(str(n.path), n.title, n.url, n.extra_urls) for n in notes]
    store = ExplorerStore(cache_folder, bytes_digest(pickle.dumps(pages, protocol=5)))
    kept = store.load().get("tree")
    if kept is not None:
        try:
            return _tree_from_plain(kept)
        except (ValueError, TypeError, KeyError, StopIteration):
            pass  # cut short or damaged: built again below
    tree = build_tree(notes)
    store.save({"tree": _plain_tree(tree)})
    return tree


# A tree as plain values: its page count, how many entries its top level has, every entry in
# depth-first order as (name, URL, pages inside, entries inside or -1 for a note), the folder
# URLs in the order they were found, and the URLs a note's page has among them.
PlainTree = tuple[int, int, list[tuple[str, str, int, int]], list[str], list[str]]


def _plain_tree(tree: FolderTree) -> PlainTree:
    rows: list[tuple[str, str, int, int]] = []

    def add(entries: list[Entry]) -> None:
        for entry in entries:
            inside = -1 if entry.children is None else len(entry.children)
            rows.append((entry.name, entry.url, entry.notes, inside))
            if entry.children is not None:
                add(entry.children)

    add(tree.root)
    return (tree.total, len(tree.root), rows, list(tree.folders), sorted(tree.whole))


def _tree_from_plain(plain: PlainTree) -> FolderTree:
    total, top, rows, folder_urls, whole = plain
    folders: dict[str, Entry] = {}

    def level(count: int, read: Iterator[tuple[str, str, int, int]]) -> list[Entry]:
        made = []
        for _ in range(count):
            name, url, inside, entries = next(read)
            if entries < 0:
                made.append(Entry(name, url))
            else:
                folders[url] = Entry(name, url, level(entries, read), inside)
                made.append(folders[url])
        return made

    root = level(top, iter(rows))
    return FolderTree(root, {url: folders[url] for url in folder_urls}, total, set(whole))


def _obsidian_order(item: tuple[Note, str]) -> list[str]:
    """Path order, each folder and name compared without case."""
    return item[1].casefold().split("/")


def _folder_chain(tree: FolderTree, parts: list[str]) -> list[Entry]:
    """The entries of a folder and of those around it, outermost first; those not in the
    tree yet are added (two folders whose names slug alike are one entry, by URL)."""
    chain: list[Entry] = []
    level = tree.root
    for depth in range(len(parts)):
        url = folder_url(tuple(parts[: depth + 1]))
        entry = tree.folders.get(url)
        if entry is None:
            entry = Entry(parts[depth], url, [])
            tree.folders[url] = entry
            level.append(entry)
        chain.append(entry)
        assert entry.children is not None
        level = entry.children
    return chain


def _bounded(
    entries: list[Entry], level_url: str, page_url: str, base: str, whole: set[str]
) -> str:
    """One level of a large garden's explorer: a window of entries around the one on the way
    to the page, the folder on that way opened, every other folder a link to its page."""
    on_way = next(
        (i for i, e in enumerate(entries) if e.url == page_url or _contains(e, page_url)), 0
    )
    start = max(0, min(on_way - EXPLORER_WINDOW // 2, len(entries) - EXPLORER_WINDOW))
    stop = start + EXPLORER_WINDOW

    # The folder's page of the entries left out, when its listing has several.
    def more(count: int, nearest: int) -> str:
        url = level_url if level_url in whole else listing_url(level_url, nearest)
        return _more(count, url, base)

    items = [more(start, start - 1)] if start > 0 else []
    for entry in entries[start:stop]:
        href = escape(relative_url(base, entry.url))
        name = escape(entry.name)
        if entry.children is None:
            current = ' aria-current="page"' if entry.url == page_url else ""
            items.append(f'<li><a href="{href}"{current}>{name}</a></li>')
        elif _contains(entry, page_url):
            inner = _bounded(entry.children, entry.url, page_url, base, whole)
            items.append(_folder(href, name, inner, opened=True))
        else:
            # A closed folder would open onto nothing here: a link to its page, drawn closed.
            items.append(f'<li class="explorer-shut"><a href="{href}">{name}</a></li>')
    if stop < len(entries):
        items.append(more(len(entries) - stop, stop))
    return "<ul>" + "".join(items) + "</ul>"


def _contains(entry: Entry, page_url: str) -> bool:
    return entry.children is not None and bool(page_url) and page_url.startswith(entry.url)


def _more(count: int, url: str, base: str) -> str:
    """The entries a bounded listing leaves out: how many, and the page that lists them."""
    href = escape(relative_url(base, url))
    return f'<li class="explorer-more"><a href="{href}">… {count:,}</a></li>'


def breadcrumbs(note: Note, tree: FolderTree) -> list[tuple[str, str | None]]:
    parts = note.path.parent.parts
    crumbs: list[tuple[str, str | None]] = []
    for depth in range(len(parts)):
        url = folder_url(parts[: depth + 1])
        crumbs.append((parts[depth], url if url in tree.folders else None))
    return crumbs


def _list(entries: list[Entry], page_url: str, opened: tuple[str, ...]) -> str:
    """Every entry, folders folded but for those on the way to the page."""
    items: list[str] = []
    for entry in entries:
        href = escape(relative_url(page_url, entry.url))
        name = escape(entry.name)
        if entry.children is None:
            items.append(f'<li><a href="{href}">{name}</a></li>')
        else:
            inner = _list(entry.children, page_url, opened)
            items.append(_folder(href, name, inner, opened=entry.url in opened))
    return "<ul>" + "".join(items) + "</ul>"


def _folder(href: str, name: str, inner: str, *, opened: bool) -> str:
    """A folder that unfolds in place; a note's entry is a bare `li`, the markup repeated on
    every page kept short."""
    return (
        f'<li class="explorer-folder"><details{" open" if opened else ""}><summary>'
        f'<a href="{href}">{name}</a></summary>{inner}</details></li>'
    )
