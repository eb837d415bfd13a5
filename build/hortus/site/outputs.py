"""What cells produced, written out: figures and images as content-hashed files, and every
claim of the garden on `/claims/` and in `claims.json`."""

from __future__ import annotations

import base64
import json
from typing import Any

from hortus.cells import FigureOutput, ImageOutput, NoteClaim, note_result
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
