"""The live preview's first answer to a save: the edited note's page, rendered alone.

`hortus serve` keeps the last build's state in memory. When a save changes only the text of
published notes (not their title, frontmatter or URL), their pages are rendered against that
state in a fraction of a second and served at once; the full incremental build follows and
brings every other page (backlinks, embeds, tags) up to date."""

from __future__ import annotations

import dataclasses
from pathlib import Path, PurePosixPath

from hortus.cells import note_steps
from hortus.diagnostics import Diagnostics
from hortus.markdown import ParsedNote, parse_note
from hortus.pipeline import LiveSite
from hortus.render import typeset_math
from hortus.vault import Note, read_note


def edited_pages(site: LiveSite, changed: list[Path]) -> list[tuple[str, str]] | None:
    """(URL, HTML) of the pages of the edited notes, or None when the save changed more than
    note text (a new, moved or deleted file, frontmatter, the theme): then only a full build
    will do. The pages are rendered against a view of `site` with the edits in it; `site`
    itself is not changed."""
    linker = site.graph.linker
    if linker is None:
        return None
    scratch = Diagnostics()  # the full build that follows reports the problems
    dates = dict(site.pages.dates)
    edited: list[ParsedNote] = []
    for path in changed:
        versions = _versions(site, path, scratch)
        if versions is None:
            return None
        old, note = versions
        dates[note] = site.pages.dates[old]  # the full build dates it afresh
        parsed = parse_note(site.md, note)
        if note_steps(parsed.tokens)[0]:
            return None  # cells run, and their figures are written, by the full build
        edited.append(parsed)
    math = dict(site.pages.math)
    new_math = [p for p in edited if any((m.tex, m.display) not in math for m in p.math)]
    if new_math:
        output = site.settings.math_output
        math.update(typeset_math(new_math, site.macros, scratch, output=output))
    pages = site.pages.edited(edited, linker.relinked(edited, scratch), math, dates)
    return [
        (url, pages.render(parsed, url, scratch))
        for parsed in edited
        for url in (parsed.note.url, *parsed.note.extra_urls)
    ]


def _versions(site: LiveSite, path: Path, scratch: Diagnostics) -> tuple[Note, Note] | None:
    """The last build's and the new version of a published page's note, or None when more
    than its text changed."""
    try:
        rel = PurePosixPath(path.resolve().relative_to(site.vault.root.resolve()).as_posix())
    except ValueError:
        return None
    old = next((note for note in site.vault.notes if note.path == rel), None)
    if old is None or not old.published or not old.page or old.drawing:
        return None
    fresh = read_note(site.vault.root, rel, site.settings, scratch)
    if fresh is None:
        return None
    if (fresh.frontmatter, fresh.title, fresh.published) != (
        old.frontmatter,
        old.title,
        old.published,
    ):
        return None
    return old, dataclasses.replace(old, source=fresh.source, mtime=fresh.mtime)
