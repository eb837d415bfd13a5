"""Stage 1, the vault: find the notes and attachments under the notes folder, read each
note's frontmatter, decide what is published, give each note its URL and its date, choose
the home page and the language of the pages.

load_vault reads the whole folder into a Vault of Note records (with its SiteLanguage and
HomeChoice); read_note reads one note again (the live preview's answer to a save). The URL
helpers (relative_url, tag_url, attachment_url) and slugs (slugify, heading_slug, path_slug)
are how every later stage names a page."""

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
from hortus.vault.language import language_of
from hortus.vault.notes import (
    CANVAS_SUFFIX,
    HOME_TAG,
    NOTE_SUFFIXES,
    HomeChoice,
    Note,
    SiteLanguage,
    Vault,
)
from hortus.vault.reading import decode_note, load_vault, read_note
from hortus.vault.slugs import heading_slug, path_slug, slugify
from hortus.vault.urls import attachment_url, relative_url, tag_url

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
    "is_published",
    "language_of",
    "load_vault",
    "note_dates",
    "parse_frontmatter",
    "path_slug",
    "read_note",
    "relative_url",
    "slugify",
    "stem_and_suffix",
    "tag_url",
]
