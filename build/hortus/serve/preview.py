"""The live preview's first answer to a save: the edited note's page, rendered alone.

`hortus serve` keeps the last build's state in memory. When a save changes only the text of
published notes (not their title, frontmatter or URL), their pages are rendered against that
state in a fraction of a second and served at once; the full incremental build follows and
brings every other page (backlinks, embeds, tags) up to date."""

from __future__ import annotations

import dataclasses
from pathlib import Path, PurePosixPath

from hortus.cells.steps import note_steps
from hortus.diagnostics import Diagnostics
from hortus.markdown.parser import ParsedNote, parse_note
from hortus.pipeline.build import LiveSite
from hortus.render.math.typeset import typeset_math
from hortus.vault.reader import _read_note


def edited_pages(site: LiveSite, changed: list[Path]) -> list[tuple[str, str]] | None:
    """(URL, HTML) of the pages of the edited notes, or None when the save changed more than
    note text (a new, moved or deleted file, frontmatter, the theme): then only a full build
    will do."""
    root = site.vault.root.resolve()
    by_path = {note.path: note for note in site.vault.notes}
    linker = site.graph.linker
    if linker is None:
        return None
    edited: list[ParsedNote] = []
    scratch = Diagnostics()  # the full build that follows reports the problems
    for path in changed:
        try:
            rel = PurePosixPath(path.resolve().relative_to(root).as_posix())
        except ValueError:
            return None
        old = by_path.get(rel)
        if old is None or not old.published or not old.page or old.drawing:
            return None
        fresh = _read_note(site.vault.root, rel, site.settings, scratch)
        if fresh is None or (fresh.frontmatter, fresh.title, fresh.published) != (
            old.frontmatter,
            old.title,
            old.published,
        ):
            return None
        note = dataclasses.replace(old, source=fresh.source, mtime=fresh.mtime)
        site.pages.dates[note] = site.pages.dates[old]  # the full build dates it afresh
        parsed = parse_note(site.md, note)
        if note_steps(parsed.tokens)[0]:
            return None  # cells run, and their figures are written, by the full build
        edited.append(parsed)
    for parsed in edited:
        linker.relink(parsed)
        site.pages.body.parsed[parsed.note.path] = parsed
    new_math = [p for p in edited if any((m.tex, m.display) not in site.pages.math for m in p.math)]
    if new_math:
        site.pages.math.update(typeset_math(new_math, site.macros, scratch))
    return [
        (url, site.pages.render(parsed, url, scratch))
        for parsed in edited
        for url in (parsed.note.url, *parsed.note.extra_urls)
    ]
