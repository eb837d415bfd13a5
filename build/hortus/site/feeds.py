"""The files around the pages: Atom feed, sitemap.xml, robots.txt."""

from __future__ import annotations

import datetime as dt
from xml.sax.saxutils import escape

from hortus.site.writer import SiteWriter

FEED_ENTRIES = 20


def emit_feed(
    writer: SiteWriter,
    title: str,
    base_url: str,
    entries: list[tuple[str, str, dt.date, str]],  # (title, url, updated, summary)
) -> None:
    """Recently changed notes, newest first; without a base URL links stay site-absolute."""
    recent = sorted(entries, key=lambda e: (e[2], e[1]), reverse=True)[:FEED_ENTRIES]
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
        f"<title>{escape(title)}</title><link href={_attr(base_url + '/')}/>"
        f"<id>{escape(base_url + '/')}</id><updated>{newest}T00:00:00Z</updated>\n"
        f"{items}</feed>\n"
    )
    writer.write("feed.xml", feed)


SITEMAP_MAX_URLS = 50_000  # the sitemap protocol's limit per file
_XML = '<?xml version="1.0" encoding="utf-8"?>\n'
_SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"


def emit_sitemap(
    writer: SiteWriter,
    base_url: str,
    pages: list[tuple[str, dt.date]],
    per_file: int = SITEMAP_MAX_URLS,
) -> None:
    """sitemap.xml needs absolute URLs, so it is written only when `base-url` is set. A garden
    of more pages than one sitemap may list gets numbered sitemaps and an index of them."""
    if base_url:
        listed = sorted(pages)
        parts = [listed[i : i + per_file] for i in range(0, len(listed), per_file)] or [[]]
        if len(parts) == 1:
            writer.write("sitemap.xml", _urlset(base_url, parts[0]))
        else:
            entries = []
            for number, part in enumerate(parts, start=1):
                name = f"sitemap-{number}.xml"
                writer.write(name, _urlset(base_url, part))
                newest = max(d for _, d in part).isoformat()
                loc = escape(f"{base_url}/{name}")
                entries.append(f"<sitemap><loc>{loc}</loc><lastmod>{newest}</lastmod></sitemap>\n")
            index = (
                f'{_XML}<sitemapindex xmlns="{_SITEMAP_NS}">\n{"".join(entries)}</sitemapindex>\n'
            )
            writer.write("sitemap.xml", index)
    sitemap = f"Sitemap: {base_url}/sitemap.xml\n" if base_url else ""
    writer.write("robots.txt", f"User-agent: *\nAllow: /\n{sitemap}")


def _urlset(base_url: str, pages: list[tuple[str, dt.date]]) -> str:
    urls = "".join(
        f"<url><loc>{escape(base_url + u)}</loc><lastmod>{d.isoformat()}</lastmod></url>\n"
        for u, d in pages
    )
    return f'{_XML}<urlset xmlns="{_SITEMAP_NS}">\n{urls}</urlset>\n'


def _attr(value: str) -> str:
    return '"' + escape(value, {'"': "&quot;"}) + '"'
