"""The outputs around the note pages, each an Emitter, and the order they are written in."""

from __future__ import annotations

import dataclasses
import operator
from pathlib import Path

from markupsafe import Markup

from hortus.cache import digest
from hortus.render import Entry, garden_graph_svg, listing_pages
from hortus.site.extras import feed_url
from hortus.site.feeds import emit_feed, emit_section_feeds, emit_sitemap
from hortus.site.outputs import emit_claims
from hortus.site.redirects import _alias_line, alias_url, emit_alias_redirects
from hortus.site.search import BUNDLE_DIR
from hortus.site.state import Emitter, SiteState
from hortus.site.writer import SiteWriter, url_to_file
from hortus.vault import Note, tag_url


def emit_note_pages(site: SiteState, writer: SiteWriter) -> None:
    """Every published note's page, at its URL and any other it is published at."""
    previous = site.previous_warnings
    site.note_pages.emit(writer, site.parsed, site.jobs, site.diagnostics, previous)


def emit_home(site: SiteState, writer: SiteWriter) -> None:
    """`/`, unless a note is the home page: the top level of the garden, its folders and the
    notes at its root, as the explorer lists them (not every note of a large garden)."""
    if writer.has_page("/"):
        return
    page = {"url": "/", "title": site.settings.title}
    html = site.theme.render("index.html", page=page, entries=site.tree.root, assets=site.assets)
    writer.write_page("/", html)


def emit_garden_graph(site: SiteState, writer: SiteWriter) -> None:
    """`/graph/`: the whole garden's layout, the slowest page of a large garden, kept from the
    last build while no note, title or link changed."""
    key = digest(site.note_pages.site_key, "graph", site.garden.digest())
    if writer.has_page("/graph/") or writer.reuse(url_to_file("/graph/"), key):
        return
    label = site.theme.label("garden_graph")
    page = {"url": "/graph/", "title": label}
    svg = Markup(garden_graph_svg(site.garden, "/graph/", label=label))
    html = site.theme.render("graph.html", page=page, garden_svg=svg, assets=site.assets)
    writer.write_page("/graph/", html, key)


def emit_tags(site: SiteState, writer: SiteWriter) -> None:
    """`/tags/` lists every tag; `/tags/a/b/` lists the notes tagged `a/b` or below it."""
    graph, theme, assets = site.graph, site.theme, site.assets
    if not graph.tags:
        return
    tags = sorted(graph.tags, key=str.casefold)
    index = {"url": "/tags/", "title": theme.label("tags")}
    listing = [(tag, tag_url(tag), len(graph.tags[tag])) for tag in tags]
    if not writer.has_page("/tags/"):  # a note may own /tags/ (its permalink says so)
        html = theme.render("tags.html", page=index, tags=listing, assets=assets)
        writer.write_page("/tags/", html)
    site_key = site.note_pages.site_key
    for tag in tags:  # a tag of many notes lists them on several pages
        parts = listing_pages(tag_url(tag), graph.tags[tag])
        links = digest(parts[0].urls)  # each part links to all: a large tag has a thousand
        for part in parts:
            if writer.has_page(part.url):  # a note's permalink, or `#Tag` and `#tag`
                continue
            # The notes by URL alone: the site key holds each note's title beside its URL.
            shown = "\n".join(map(_URL, part.entries))
            key = digest(site_key, "tag", tag, part.url, links, shown)
            if writer.reuse(url_to_file(part.url), key):
                continue
            page = {"url": part.url, "title": f"#{tag}", "feed": feed_url(tag_url(tag))}
            # `notes` as well: a theme's own tag.html from before listings had pages
            context = {"page": page, "tag": tag, "listing": part, "notes": part.entries}
            writer.write_page(part.url, theme.render("tag.html", assets=assets, **context), key)


_URL = operator.attrgetter("url")


def emit_folders(site: SiteState, writer: SiteWriter) -> None:
    """A page per folder listing what it holds, unless a note owns that URL."""
    theme, assets = site.theme, site.assets
    for url, folder in sorted(_listed_folders(site).items()):
        if writer.has_page(url):
            continue  # a folder note, listing the folder under its text
        parts = listing_pages(url, folder.children or [])  # a large folder: several
        links = digest(parts[0].urls)  # each part links to all
        for part in parts:
            if writer.has_page(part.url):
                continue
            shown = [(e.name, e.url, e.children is None, e.notes) for e in part.entries]
            key = digest(site.note_pages.site_key, "folder", folder.name, links, shown)
            if writer.reuse(url_to_file(part.url), key):
                continue
            page = {"url": part.url, "title": folder.name, "feed": feed_url(url)}
            context = {"page": page, "folder": folder, "listing": part, "assets": assets}
            writer.write_page(part.url, theme.render("folder.html", **context), key)


def emit_folder_feeds(site: SiteState, writer: SiteWriter) -> None:
    """The tags' and folders' feeds (`emit_section_feeds`), of the folders that are listed."""
    folders = _listed_folders(site)
    if len(folders) < len(site.tree.folders):
        site = dataclasses.replace(site, tree=dataclasses.replace(site.tree, folders=folders))
    emit_section_feeds(site, writer)


def _listed_folders(site: SiteState) -> dict[str, Entry]:
    """The folders that get a page and a feed: not a vault folder named like the search
    index's (`pagefind/`), which must hold Pagefind's files alone. Its notes are published
    at a variant of its URL (the vault stage moved them, and said so)."""
    return {url: f for url, f in site.tree.folders.items() if not _in_search_index(url)}


def _in_search_index(url: str) -> bool:
    return url.startswith(f"/{BUNDLE_DIR}/")


def emit_redirects(site: SiteState, writer: SiteWriter) -> None:
    """The aliases' redirects (`emit_alias_redirects`), but none inside the search index's
    folder, with a warning on the alias's line."""
    pages = [_without_index_aliases(site, note) for note in site.pages]
    if any(a is not b for a, b in zip(pages, site.pages, strict=True)):
        site = dataclasses.replace(site, pages=pages)
    emit_alias_redirects(site, writer)


def _without_index_aliases(site: SiteState, note: Note) -> Note:
    inside = [a for a in note.aliases if _in_search_index(alias_url(a))]
    if not inside:
        return note
    for alias in inside:
        site.diagnostics.warn(
            str(note.path), _alias_line(note, alias), "alias",
            f"alias {alias!r} would redirect from {alias_url(alias)}, inside the site's "
            "search index; no redirect made",
        )  # fmt: skip
    return dataclasses.replace(note, aliases=tuple(a for a in note.aliases if a not in inside))


def emit_not_found(site: SiteState, writer: SiteWriter) -> None:
    """`404.html`, served at any missing URL, so its links are site-absolute (an empty page
    URL)."""
    page = {"url": "", "title": "404"}
    writer.write("404.html", site.theme.render("404.html", page=page, assets=site.assets))


def emit_claims_page(site: SiteState, writer: SiteWriter) -> None:
    """Every claim of the garden, on `/claims/` and in `claims.json`."""
    emit_claims(writer, site.theme, site.claims, site.assets)


def emit_attachments(site: SiteState, writer: SiteWriter) -> None:
    """Each file a published note links to or embeds, at its URL."""
    for source, url in sorted(site.graph.attachments.items()):
        _emit_attachment(writer, site.vault.root / source, url)


def _emit_attachment(writer: SiteWriter, source: Path, url: str) -> None:
    rel = url.lstrip("/")
    try:
        stat = source.stat()
    except OSError:
        stat = None
    # An attachment is keyed on its name, size and time: reading every image of a large
    # vault to find it unchanged would cost as much as copying it.
    key = f"file:{source}:{stat.st_size}:{stat.st_mtime_ns}" if stat else ""
    if key and writer.reuse(rel, key):
        return
    writer.write(rel, source.read_bytes(), key)


# Every output but the note pages, in the order written after them: the sitemap lists the
# note pages written, and each page here yields its URL to a note that has it.
EMITTERS: list[Emitter] = [
    emit_home,
    emit_garden_graph,
    emit_tags,
    emit_claims_page,  # before the folders: a vault folder `Claims/` must not take /claims/
    emit_folders,
    emit_feed,
    emit_folder_feeds,
    emit_sitemap,
    emit_not_found,
    emit_attachments,
    emit_redirects,
]
