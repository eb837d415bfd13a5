"""The files around the pages: Atom feed, sitemap.xml, robots.txt."""

from __future__ import annotations

import datetime as dt
from xml.sax.saxutils import escape

from hortus.emit import SiteWriter

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


def emit_sitemap(writer: SiteWriter, base_url: str, pages: list[tuple[str, dt.date]]) -> None:
    """sitemap.xml needs absolute URLs, so it is written only when `base-url` is set."""
    if base_url:
        urls = "".join(
            f"<url><loc>{escape(base_url + u)}</loc><lastmod>{d.isoformat()}</lastmod></url>\n"
            for u, d in sorted(pages)
        )
        writer.write(
            "sitemap.xml",
            '<?xml version="1.0" encoding="utf-8"?>\n'
            f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n{urls}</urlset>\n',
        )
    sitemap = f"Sitemap: {base_url}/sitemap.xml\n" if base_url else ""
    writer.write("robots.txt", f"User-agent: *\nAllow: /\n{sitemap}")


def _attr(value: str) -> str:
    return '"' + escape(value, {'"': "&quot;"}) + '"'
