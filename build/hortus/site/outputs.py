"""What cells produced, written out: figures as content-hashed SVG files, and every claim of
the garden on `/claims/` and in `claims.json`."""

from __future__ import annotations

import json
from typing import Any

from hortus.cells import FigureOutput, NoteClaim, note_result
from hortus.markdown import ParsedNote
from hortus.render import Theme
from hortus.site.writer import SiteWriter
from hortus.vault import slugify


def emit_figures(writer: SiteWriter, parsed: list[ParsedNote]) -> None:
    """Each figure becomes `/assets/<note>-cell<N>-<n>.HASH.svg`; its URL is put on the output."""
    for p in parsed:
        result = note_result(p.env)
        if result is None:
            continue
        for cell in result.cells:
            figures = [o for o in cell.outputs if isinstance(o, FigureOutput)]
            for number, figure in enumerate(figures, start=1):
                name = f"{slugify(p.note.path.stem)}-cell{cell.index + 1}-{number}.svg"
                figure.url = writer.write_asset(name, figure.svg)


def claim_row(claim: NoteClaim) -> dict[str, Any]:
    """A claim as `claims.json` lists it."""
    return {
        "note": claim.note,
        "line": claim.line,
        "text": claim.text,
        "actual": claim.actual,
        "expected": claim.expected,
        "tolerance": {"rel": claim.rel, "abs": claim.abs},
        "passed": claim.passed,
    }


def emit_claims(
    writer: SiteWriter, theme: Theme, claims: list[NoteClaim], assets: dict[str, str]
) -> None:
    ordered = sorted(claims, key=lambda c: (c.note, c.line or 0))
    rows = [claim_row(claim) for claim in ordered]
    writer.write("claims.json", json.dumps(rows, ensure_ascii=False, indent=1) + "\n")
    if writer.has_page("/claims/"):
        return  # a note owns /claims/
    page = {"url": "/claims/", "title": "Claims"}
    html = theme.render("claims.html", page=page, claims=ordered, assets=assets)
    writer.write_page("/claims/", html)
