"""Values as each plugin shows them: as text (`"a" + x`, `string(x)`, `toString()`) and as
the `Shown` records of a result (a date as Obsidian writes it, a link as a link)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from urllib.parse import quote, unquote

from hortus.markdown import PropertyLink, text_parts
from hortus.queries.dates import bases_date_text, dataview_date_text, duration_text
from hortus.queries.results import (
    Check,
    Empty,
    Image,
    Items,
    LinkTo,
    Markdown,
    Shown,
    Text,
)
from hortus.queries.values import Duration, FileRef, Link, Pattern, Value, number_text
from hortus.vault import heading_slug

# A `[[link]]` or `![[embed]]` as a property's text writes one; the renderer finds them in a
# text value with this same pattern, so what it looks up is what was resolved here.
WIKILINK = re.compile(r"!?\[\[([^\[\]\n]+)\]\]")
# `![alt](path)`, `![alt](<a path>)`: the destination of a Markdown image.
_MARKDOWN_IMAGE = re.compile(r"!\[(?:[^\[\]\\]|\\.)*\]\(\s*(<[^<>\n]*>|[^\s()]+)")
_SCHEME = re.compile(r"[a-zA-Z][a-zA-Z0-9+.-]*:|//")  # a web address, not a vault path


def off_site(url: str) -> bool:
    """Whether `url` leaves the site (has a scheme, or is `//host/...`): not a vault path."""
    return bool(_SCHEME.match(url))


def image_key(destination: str) -> str:
    """The vault path a Markdown image names, as Markdown.links keys it: without its `#` or
    `?` part, percent-decoded (markdown-it hands the renderer the destination encoded)."""
    return unquote(destination.split("#", 1)[0].split("?", 1)[0])


class Picture(Link):
    """Bases' `image()`: a link shown as the image it points to."""


class Icon(str):
    """Bases' `icon()`: shown as its name (the icon set is not part of the site)."""


def value_text(value: Value, dialect: str, language: str = "en") -> str:
    """A value as text: Dataview's `Values.toString`, JavaScript's `String()` for Bases.
    `language`, the site's, is how Dataview writes a date."""
    bases = dialect == "bases"
    if value is None:
        return "null" if bases else "-"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return number_text(value)
    if isinstance(value, str):
        return value
    if isinstance(value, dt.datetime):
        return bases_date_text(value) if bases else dataview_date_text(value, language)
    if isinstance(value, Duration):
        return duration_text(value)
    if isinstance(value, Link):
        return value.label if bases else _link_markdown(value)
    if isinstance(value, FileRef):
        return value.path
    if isinstance(value, Pattern):
        return f"/{value.regex.pattern}/"
    if isinstance(value, list | tuple):
        return ", ".join(value_text(v, dialect, language) for v in value)
    if isinstance(value, dict):
        inner = ", ".join(f"{k}: {value_text(v, dialect, language)}" for k, v in value.items())
        return f"{{ {inner} }}"
    if hasattr(value, "keys") and hasattr(value, "get"):
        return "{ " + ", ".join(value.keys()) + " }"
    return "<function>" if callable(value) else str(value)


def _link_markdown(link: Link) -> str:
    target = link.path.removesuffix(".md")
    if link.subpath:
        target += "#" + link.subpath
    return f"[[{target}|{link.display}]]" if link.display else f"[[{target}]]"


def with_links(
    value: Shown,
    link_to: Callable[[str], Link],
    attachment_url: Callable[[str], str | None] | None = None,
) -> Shown:
    """A value with the wikilinks in its text (a list's too) resolved by `link_to`, and the
    images it shows (`![[a.jpg]]`, `![alt](Assets/a.jpg)`) by `attachment_url`: the site URL
    of a file a published note publishes, else None."""
    if isinstance(value, Items):
        return Items(tuple(with_links(v, link_to, attachment_url) for v in value.items))
    if isinstance(value, Markdown) and ("[[" in value.text or "](" in value.text):
        links = _text_links(value.text, link_to)
        if attachment_url is not None:
            links += _image_links(value.text, attachment_url)
        return value._replace(links=links) if links else value
    return value


def link_url(link: Link) -> str | None:
    """Where a link goes: its page, into the heading or block it names, as the page's own
    links write the anchor (the heading's id is the slug of its text)."""
    if link.url is None or not link.subpath:
        return link.url
    part = link.subpath.rsplit("#", 1)[-1].strip()  # `A#B`: the last heading of the chain
    if part.startswith("^"):
        return f"{link.url}#^{quote(part[1:])}"
    slug = heading_slug(part)
    return f"{link.url}#{quote(slug)}" if slug else link.url


def _text_links(text: str, link_to: Callable[[str], Link]) -> tuple[tuple[str, LinkTo], ...]:
    """Each wikilink written in `text` (an embed is not a link), labelled as a link in a
    property is: its alias, else what it names."""
    found: dict[str, LinkTo] = {}
    for match in WIKILINK.finditer(text):
        written = match.group()
        parts = [p for p in text_parts(written) if isinstance(p, PropertyLink)]
        if written.startswith("!") or written in found or not parts:
            continue
        part = parts[0]
        subpath = f"^{part.block}" if part.block else part.heading
        link = link_to(part.target)._replace(subpath=subpath)
        found[written] = LinkTo(part.label, link_url(link))
    return tuple(found.items())


def _image_links(
    text: str, attachment_url: Callable[[str], str | None]
) -> tuple[tuple[str, LinkTo], ...]:
    """The published files `text` shows as images: an embed keyed as written (`![[a.jpg|60]]`),
    a Markdown image by its path percent-decoded (as the renderer reads markdown-it's
    encoded `src`). A file not published is left out: its name shows instead."""
    found: dict[str, LinkTo] = {}
    for match in WIKILINK.finditer(text):
        name = match.group(1).partition("|")[0].split("#", 1)[0].strip()
        if match.group().startswith("!") and name:
            url = attachment_url(name)
            if url:
                found[match.group()] = LinkTo(name, url)
    for match in _MARKDOWN_IMAGE.finditer(text):
        destination = match.group(1).removeprefix("<").removesuffix(">")
        path = image_key(destination)
        if path and not off_site(path):
            url = attachment_url(path)
            if url:
                found[path] = LinkTo(path, url)
    return tuple(found.items())


def shown(value: Value, dialect: str, resolve_file: object = None, language: str = "en") -> Shown:
    """How a result cell shows `value` on a site in `language`."""
    bases = dialect == "bases"
    if value is None or (value == [] and bases):
        return Empty(not bases)
    if isinstance(value, Picture):
        return Image(value.url, value.label) if value.url else Text(value.label)
    if isinstance(value, Link):
        return LinkTo(value.label, link_url(value))
    if isinstance(value, bool) and bases:
        return Check(value)
    if isinstance(value, Icon):
        return Text(str(value))
    if isinstance(value, str):
        return Text(value) if bases else Markdown(value)
    if isinstance(value, FileRef) and callable(resolve_file):
        return resolve_file(value)
    if isinstance(value, list):
        return Items(tuple(shown(v, dialect, resolve_file, language) for v in value))
    if hasattr(value, "page") and hasattr(value, "get") and callable(resolve_file):
        return resolve_file(FileRef(value.page.path))  # a page row: its link
    return Text(value_text(value, dialect, language))
