"""The folder explorer and breadcrumbs, built from published pages only."""

from __future__ import annotations

import posixpath
from dataclasses import dataclass, field
from html import escape

from hortus.vault import Note, relative_url, slugify

# Above this many pages the explorer lists only the folders on the way to the current page
# (and folder pages list the rest), so a page's size does not grow with the garden.
FULL_EXPLORER_LIMIT = 400


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

    _html: dict[tuple[str, tuple[str, ...]], str] = field(default_factory=dict)

    def for_page(self, page_url: str) -> list[Entry]:
        if self.total <= FULL_EXPLORER_LIMIT:
            return self.root
        return _pruned(self.root, page_url)

    def html(self, page_url: str) -> str:
        """The explorer's list for one page. Pages in one folder share it but for the mark on
        the current page, so it is built once per folder and the mark is put in after."""
        if not page_url:  # the 404 page: site-absolute links, no current page
            return _list(self.for_page(page_url), "", ())
        base = posixpath.dirname(page_url.rstrip("/")) or "/"
        # Links are made relative to a stand-in page in the same folder, so they are right
        # for every page there (`../note/`, never a page-specific `./`); `/` has no folder.
        stand_in = "/" if page_url == "/" else posixpath.join(base, "\0/")
        opened = tuple(url for url in self.folders if page_url.startswith(url))
        key = (stand_in, opened)
        if key not in self._html:
            self._html[key] = _list(self.for_page(page_url), stand_in, opened)
        here = f' href="{escape(relative_url(stand_in, page_url))}"'
        return self._html[key].replace(here, here + ' aria-current="page"', 1)


def folder_url(parts: tuple[str, ...]) -> str:
    return "/" + "/".join(slugify(p) for p in parts) + "/"


def build_tree(notes: list[Note]) -> FolderTree:
    tree = FolderTree(total=len(notes))
    for note in sorted(notes, key=lambda n: [p.casefold() for p in n.path.parts]):
        level = tree.root
        folder_parts = note.path.parent.parts
        for depth in range(len(folder_parts)):
            parts = folder_parts[: depth + 1]
            url = folder_url(parts)
            entry = tree.folders.get(url)
            if entry is None:
                entry = Entry(parts[-1], url, [])
                tree.folders[url] = entry
                level.append(entry)
            entry.notes += 1
            assert entry.children is not None
            level = entry.children
        level.append(Entry(note.title, note.url))
    for entries in (tree.root, *(f.children or [] for f in tree.folders.values())):
        # Folders first, then notes, each alphabetically, as Obsidian's file explorer.
        entries.sort(key=lambda e: (e.children is None, e.name.casefold()))
    return tree


def _pruned(entries: list[Entry], page_url: str) -> list[Entry]:
    kept: list[Entry] = []
    for entry in entries:
        if entry.children is None:
            kept.append(entry)
        elif page_url.startswith(entry.url):
            kept.append(
                Entry(entry.name, entry.url, _pruned(entry.children, page_url), entry.notes)
            )
        else:
            kept.append(Entry(entry.name, entry.url, [], entry.notes))
    return kept


def breadcrumbs(note: Note, tree: FolderTree) -> list[tuple[str, str | None]]:
    parts = note.path.parent.parts
    crumbs: list[tuple[str, str | None]] = []
    for depth in range(len(parts)):
        url = folder_url(parts[: depth + 1])
        crumbs.append((parts[depth], url if url in tree.folders else None))
    return crumbs


def _list(entries: list[Entry], page_url: str, opened: tuple[str, ...]) -> str:
    items: list[str] = []
    for entry in entries:
        href = escape(relative_url(page_url, entry.url))
        name = escape(entry.name)
        if entry.children is None:
            items.append(f'<li class="explorer-note"><a href="{href}">{name}</a></li>')
        else:
            is_open = " open" if entry.url in opened else ""
            inner = _list(entry.children, page_url, opened)
            items.append(
                f'<li class="explorer-folder"><details{is_open}><summary>'
                f'<a href="{href}">{name}</a></summary>{inner}</details></li>'
            )
    return "<ul>" + "".join(items) + "</ul>"
