"""Aliases as redirects: each alias of a published note gets a URL (the alias slugged, as a
note's path is) whose page sends the reader on to the note: a canonical link, an immediate
meta refresh, and a plain link for whatever follows neither. A static page works on any host,
Vercel included, and needs no server configuration. A URL something else already has (a
note, a tag or folder page, another alias) is left to it, with a warning: never overwritten."""

from __future__ import annotations

from hortus.site.state import SiteState
from hortus.site.writer import SiteWriter, url_to_name
from hortus.vault import Note, path_slug


def alias_url(alias: str) -> str:
    """`/my-alias/`; an alias with slashes nests as a path would (`a/b` -> `/a/b/`)."""
    parts = [part for part in alias.replace("\\", "/").split("/") if part.strip(" .")]
    return path_slug(parts) if parts else ""


def emit_alias_redirects(site: SiteState, writer: SiteWriter) -> None:
    """A redirect page at each published note's aliases' URLs, where nothing else is."""
    notes = sorted(site.pages, key=lambda n: str(n.path))
    redirected: dict[str, Note] = {}  # URL -> the note an alias there redirects to
    for note in notes:
        for alias in dict.fromkeys(note.aliases):  # each once, in the order written
            url = alias_url(alias)
            # `Linux` and `linux` are one URL: the note's own, or the redirect already made.
            if not url or url in (note.url, *note.extra_urls) or redirected.get(url) is note:
                continue
            if url in redirected or writer.has_page(url) or url_to_name(url) in writer.written:
                other = redirected.get(url)
                taken = (
                    f"where an alias of {other.path} already redirects"
                    if other
                    else "which is already a page"
                )
                site.diagnostics.warn(
                    str(note.path), _alias_line(note, alias), "alias",
                    f"alias {alias!r} would redirect from {url}, {taken}; no redirect made",
                )  # fmt: skip
                continue
            writer.write_page(url, _redirect_page(site, note, url))
            redirected[url] = note


def _redirect_page(site: SiteState, note: Note, url: str) -> str:
    page = {
        "url": url,
        "title": note.title,
        "target": note.url,
        "canonical": site.settings.base_url + note.url,
    }
    return site.theme.render("redirect.html", page=page, assets=site.assets)


def _alias_line(note: Note, alias: str) -> int | None:
    """The frontmatter line the alias is written on (its item of the `aliases` list), else
    the line of the `aliases` key."""
    key_line = None
    for number, line in enumerate(note.source.split("\n")[1:], start=2):
        if line.rstrip() in ("---", "..."):
            break
        if key_line is None:
            if line.split(":", 1)[0].strip().strip("'\"").lower() in ("aliases", "alias"):
                key_line = number
            else:
                continue
        if alias in line:
            return number
        if number > key_line and line[:1] not in (" ", "\t", "-"):
            break  # the next key: the alias was not found on a line of its own
    return key_line
