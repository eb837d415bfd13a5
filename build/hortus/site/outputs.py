"""What cells produced, written out: figures and images as content-hashed files, and every
claim of the garden on `/claims/` and in `claims.json`, with what its note's results were
computed with (when, Python, the distributions imported, and whether they are frozen)."""

from __future__ import annotations

import base64
import json
from typing import Any

from hortus.cells import FigureOutput, ImageOutput, NoteClaim, Provenance, note_result
from hortus.markdown import ParsedNote
from hortus.render import Theme
from hortus.site.writer import SiteWriter
from hortus.vault import slugify

# The file suffix of each kind of image a cell shows.
IMAGE_SUFFIXES = {"image/svg+xml": ".svg", "image/png": ".png", "image/jpeg": ".jpg"}


def emit_figures(writer: SiteWriter, parsed: list[ParsedNote]) -> None:
    """Each figure or image a cell shows becomes `/assets/<note>-cell<N>-<n>.HASH.<ext>` (its
    n-th, counted from 1); its URL is put on the output."""
    for p in parsed:
        result = note_result(p.env)
        if result is None:
            continue
        for cell in result.cells:
            images = [o for o in cell.outputs if isinstance(o, FigureOutput | ImageOutput)]
            for number, image in enumerate(images, start=1):
                stem = f"{slugify(p.note.path.stem)}-cell{cell.index + 1}-{number}"
                if isinstance(image, FigureOutput):
                    image.url = writer.write_asset(f"{stem}.svg", image.svg)
                    continue
                data = image.data if image.mime == "image/svg+xml" else _decoded(image.data)
                image.url = writer.write_asset(stem + IMAGE_SUFFIXES[image.mime], data)


def _decoded(data: str) -> bytes:
    try:
        return base64.b64decode(data, validate=False)
    except ValueError:  # not base64 after all: an empty image rather than a failed build
        return b""


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
        "computed": provenance_row(claim.provenance),
    }


def provenance_row(provenance: Provenance | None) -> dict[str, Any] | None:
    """What a note's results were computed with, as `claims.json` gives it: `at` is null for
    results of this build when no SOURCE_DATE_EPOCH gives its moment."""
    if provenance is None:
        return None
    return {
        "at": provenance.computed_at,
        "python": provenance.python,
        "distributions": dict(sorted(provenance.distributions.items())),
        "frozen": provenance.frozen,
    }


def claim_notes(claims: list[NoteClaim]) -> list[NoteClaim]:
    """One claim of each note, in order, for the table of what each note's results were
    computed with."""
    seen: dict[str, NoteClaim] = {}
    for claim in claims:
        seen.setdefault(claim.note, claim)
    return [claim for claim in seen.values() if claim.provenance is not None]


def emit_claims(
    writer: SiteWriter, theme: Theme, claims: list[NoteClaim], assets: dict[str, str]
) -> None:
    ordered = sorted(claims, key=lambda c: (c.note, c.line or 0))
    rows = [claim_row(claim) for claim in ordered]
    writer.write("claims.json", json.dumps(rows, ensure_ascii=False, indent=1) + "\n")
    if writer.has_page("/claims/"):
        return  # a note owns /claims/
    page = {"url": "/claims/", "title": "Claims"}
    notes = claim_notes(ordered)
    html = theme.render("claims.html", page=page, claims=ordered, notes=notes, assets=assets)
    writer.write_page("/claims/", html)
