"""The files around the pages: Atom feeds (the site's, and one per tag and per folder beside
its page), sitemap.xml, robots.txt."""

from __future__ import annotations

import datetime as dt
import heapq
from html import escape as html_escape

from hortus.render import Entry
from hortus.site.extras import feed_url
from hortus.site.state import SiteState
from hortus.site.writer import SiteWriter
from hortus.vault import Note, NoteDates, tag_url

FEED_ENTRIES = 20


def emit_feed(site: SiteState, writer: SiteWriter) -> None:
    """`feed.xml`: the pages, most recently changed first; a page whose date is not known
    (a shallow clone's) is left out rather than given a date it may not have."""
    entries = _entries(site.pages, site.dates)
    write_feed(writer, site.settings.title, site.settings.base_url, entries)


def emit_sitemap(site: SiteState, writer: SiteWriter) -> None:
    """`sitemap.xml` (with a base URL) and `robots.txt`: every page written, with its date."""
    write_sitemap(writer, site.settings.base_url, _sitemap_pages(writer, site.pages, site.dates))


def _sitemap_pages(
    writer: SiteWriter, pages: list[Note], dates: dict[Note, NoteDates]
) -> list[tuple[str, dt.date | None]]:
    """The note pages written (a note whose URL another took is not), and `/`, dated by the
    newest page when no note is the home page; a page of unknown date has none."""
    listed = [(n.url, dates[n].updated) for n in pages if writer.has_page(n.url)]
    newest = max((d for _, d in listed if d is not None), default=None)
    return listed + [(u, newest) for u in ("/",) if u not in {x for x, _ in listed}]


def emit_section_feeds(site: SiteState, writer: SiteWriter) -> None:
    """`feed.xml` beside each tag's and folder's page: the notes it lists, most recently
    changed first (a folder's feed holds the notes of its sub-folders too)."""
    by_url = {n.url: n for n in site.pages}
    sections = [(f"#{tag}", tag_url(tag), notes) for tag, notes in site.graph.tags.items()]
    for url, folder in site.tree.folders.items():
        inside = [by_url[u] for u in _entry_urls(folder) if u in by_url]
        sections.append((folder.name, url, inside))
    # Each note's entry made once, and its place among all, newest first (as write_feed
    # orders them): a note is in the feed of every folder above it and of each of its tags,
    # and a section's newest are then its lowest places, found with no key to compute.
    entry_of = {n: e for n in site.pages if (e := _entry(n, site.dates)) is not None}
    ranked = sorted(entry_of, key=lambda n: (entry_of[n][2], entry_of[n][1]), reverse=True)
    place_of = {n: i for i, n in enumerate(ranked)}
    for name, url, notes in sorted(sections, key=lambda s: s[1]):
        path = feed_url(url).lstrip("/")
        if path in writer.written:
            continue  # an attachment of that name: it was there first
        places = [i for i in map(place_of.get, notes) if i is not None]
        entries = [entry_of[ranked[i]] for i in heapq.nsmallest(FEED_ENTRIES, places)]
        title = f"{name} · {site.settings.title}"
        write_feed(writer, title, site.settings.base_url, entries, path=path, home=url)


def _entry_urls(entry: Entry) -> list[str]:
    urls = []
    for child in entry.children or []:
        urls.extend(_entry_urls(child) if child.children is not None else [child.url])
    return urls


def _entries(
    notes: list[Note], dates: dict[Note, NoteDates]
) -> list[tuple[str, str, dt.date, str]]:
    """The feed entries of the `notes` whose last change is known."""
    return [entry for n in notes if (entry := _entry(n, dates)) is not None]


def _entry(note: Note, dates: dict[Note, NoteDates]) -> tuple[str, str, dt.date, str] | None:
    """A note's feed entry; None when it has no known last change (or is not a page)."""
    known = dates.get(note)
    if known is None or known.updated is None:
        return None
    return note.title, note.url, known.updated, note.frontmatter.get("description") or ""


def write_feed(
    writer: SiteWriter,
    title: str,
    base_url: str,
    entries: list[tuple[str, str, dt.date, str]],  # (title, url, updated, summary)
    *,
    path: str = "feed.xml",
    home: str = "/",
) -> None:
    """Recently changed notes, newest first, written at `path`, as the feed of the page at
    `home`; without a base URL links stay site-absolute."""
    # The newest few, as sorted() would give them, without sorting a large section whole.
    recent = heapq.nlargest(FEED_ENTRIES, entries, key=lambda e: (e[2], e[1]))
    newest = recent[0][2].isoformat() if recent else "1970-01-01"
    items = "".join(
        f"<entry><title>{escape(t)}</title><link href={_attr(base_url + u)}/>"
        f"<id>{escape(base_url + u)}</id><updated>{d.isoformat()}T00:00:00Z</updated>"
        f"<summary>{escape(s)}</summary></entry>\n"
        for t, u, d, s in recent
    )
    feed = (
        '<?xml version="1.0" encoding="utf-8"?>\n'
        '<feed xmlns="http://www.w3.org/2005/Atom">\n'
        f"<title>{escape(title)}</title><link href={_attr(base_url + home)}/>"
        f"<id>{escape(base_url + home)}</id><updated>{newest}T00:00:00Z</updated>\n"
        f"{items}</feed>\n"
    )
    writer.write(path, feed)


SITEMAP_MAX_URLS = 50_000  # the sitemap protocol's limit per file
_XML = '<?xml version="1.0" encoding="utf-8"?>\n'
_SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"


def write_sitemap(
    writer: SiteWriter,
    base_url: str,
    pages: list[tuple[str, dt.date | None]],
    per_file: int = SITEMAP_MAX_URLS,
) -> None:
    """sitemap.xml needs absolute URLs, so it is written only when `base-url` is set. A garden
    of more pages than one sitemap may list gets numbered sitemaps and an index of them."""
    if base_url:
        listed = sorted(pages, key=lambda page: page[0])
        parts = [listed[i : i + per_file] for i in range(0, len(listed), per_file)] or [[]]
        if len(parts) == 1:
            writer.write("sitemap.xml", _urlset(base_url, parts[0]))
        else:
            entries = []
            for number, part in enumerate(parts, start=1):
                name = f"sitemap-{number}.xml"
                writer.write(name, _urlset(base_url, part))
                loc = escape(f"{base_url}/{name}")
                entries.append(f"<sitemap><loc>{loc}</loc>{_lastmod(part)}</sitemap>\n")
            index = (
                f'{_XML}<sitemapindex xmlns="{_SITEMAP_NS}">\n{"".join(entries)}</sitemapindex>\n'
            )
            writer.write("sitemap.xml", index)
    sitemap = f"Sitemap: {base_url}/sitemap.xml\n" if base_url else ""
    writer.write("robots.txt", f"User-agent: *\nAllow: /\n{sitemap}")


def _lastmod(pages: list[tuple[str, dt.date | None]]) -> str:
    """`<lastmod>` of the newest known date among `pages`; none when no date is known (the
    element is optional, and a guessed one would mislead crawlers)."""
    newest = max((d for _, d in pages if d is not None), default=None)
    return f"<lastmod>{newest.isoformat()}</lastmod>" if newest is not None else ""


def _urlset(base_url: str, pages: list[tuple[str, dt.date | None]]) -> str:
    urls = "".join(
        f"<url><loc>{escape(base_url + u)}</loc>{_lastmod([(u, d)])}</url>\n" for u, d in pages
    )
    return f'{_XML}<urlset xmlns="{_SITEMAP_NS}">\n{urls}</urlset>\n'


def escape(text: str) -> str:
    """XML text: `&`, `<` and `>` escaped, as xml.sax.saxutils does (whose import pulls in
    urllib and http, some 30 ms of every build's start)."""
    return html_escape(text, quote=False)


def _attr(value: str) -> str:
    return '"' + escape(value).replace('"', "&quot;") + '"'
