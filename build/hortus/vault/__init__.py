"""Stage 1, the vault: find the notes and attachments under the notes folder, read each
note's frontmatter, decide what is published, give each note its URL and its date, choose
the home page and the language of the pages.

load_vault reads the whole folder into a Vault of Note records (with its SiteLanguage and
HomeChoice); read_note reads one note again (the live preview's answer to a save). The URL
helpers (relative_url, tag_url, attachment_url) and slugs (slugify, heading_slug, path_slug)
are how every later stage names a page.

Names are loaded on first use, so that a build that finds nothing changed, which needs
only a file name's suffix from here, does not load the frontmatter and language readers.
"""

from __future__ import annotations

from hortus.facade import lazy_names

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing
if TYPE_CHECKING:
    from hortus.vault.bases import BASE_SUFFIX
    from hortus.vault.canvas import (
        CanvasEdge,
        CanvasError,
        CanvasLayout,
        CanvasNode,
        canvas_layout,
        canvas_markdown,
    )
    from hortus.vault.dates import NoteDates, note_dates
    from hortus.vault.files import stem_and_suffix
    from hortus.vault.frontmatter import ParsedFrontmatter, is_published, parse_frontmatter
    from hortus.vault.language import language_of, written_date
    from hortus.vault.notes import (
        CANVAS_SUFFIX,
        HOME_TAG,
        NOTE_SUFFIXES,
        HomeChoice,
        Note,
        SiteLanguage,
        Vault,
    )
    from hortus.vault.plugins import runs_plugin
    from hortus.vault.reading import decode_note, load_vault, read_note
    from hortus.vault.slugs import heading_slug, path_slug, slugify
    from hortus.vault.templates import in_template_folder, template_folders
    from hortus.vault.urls import attachment_url, relative_url, tag_url

_MODULES = {
    "BASE_SUFFIX": "bases",
    "CanvasEdge": "canvas",
    "CanvasError": "canvas",
    "CanvasLayout": "canvas",
    "CanvasNode": "canvas",
    "canvas_layout": "canvas",
    "canvas_markdown": "canvas",
    "NoteDates": "dates",
    "note_dates": "dates",
    "stem_and_suffix": "files",
    "ParsedFrontmatter": "frontmatter",
    "is_published": "frontmatter",
    "parse_frontmatter": "frontmatter",
    "language_of": "language",
    "written_date": "language",
    "CANVAS_SUFFIX": "notes",
    "HOME_TAG": "notes",
    "NOTE_SUFFIXES": "notes",
    "HomeChoice": "notes",
    "Note": "notes",
    "SiteLanguage": "notes",
    "Vault": "notes",
    "runs_plugin": "plugins",
    "decode_note": "reading",
    "load_vault": "reading",
    "read_note": "reading",
    "heading_slug": "slugs",
    "path_slug": "slugs",
    "slugify": "slugs",
    "in_template_folder": "templates",
    "template_folders": "templates",
    "attachment_url": "urls",
    "relative_url": "urls",
    "tag_url": "urls",
}

__all__ = [
    "BASE_SUFFIX",
    "CANVAS_SUFFIX",
    "HOME_TAG",
    "NOTE_SUFFIXES",
    "CanvasEdge",
    "CanvasError",
    "CanvasLayout",
    "CanvasNode",
    "HomeChoice",
    "Note",
    "NoteDates",
    "ParsedFrontmatter",
    "SiteLanguage",
    "Vault",
    "attachment_url",
    "canvas_layout",
    "canvas_markdown",
    "decode_note",
    "heading_slug",
    "in_template_folder",
    "is_published",
    "language_of",
    "load_vault",
    "note_dates",
    "parse_frontmatter",
    "path_slug",
    "read_note",
    "relative_url",
    "runs_plugin",
    "slugify",
    "stem_and_suffix",
    "tag_url",
    "template_folders",
    "written_date",
]


__getattr__, __dir__ = lazy_names(__name__, _MODULES, __all__)
