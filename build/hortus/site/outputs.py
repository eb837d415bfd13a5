"""What cells produced, written out: figures as content-hashed SVG files, and every claim of
the garden on `/claims/` and in `claims.json`."""

from __future__ import annotations

import json
from typing import Any

from hortus.markdown.parser import ParsedNote
from hortus.render.body import Theme
from hortus.site.writer import SiteWriter
from hortus.vault.slugs import slugify


def emit_figures(writer: SiteWriter, parsed: list[ParsedNote]) -> None:
    """Each figure becomes `/assets/<note>-<cell>-<n>.HASH.svg`; its URL is put on the output."""
    for p in parsed:
        execution = p.env.get("execution") or {}
        for cell in execution.get("cells", []):
            figures = [o for o in cell.get("outputs", []) if o.get("type") == "figure"]
            for number, figure in enumerate(figures, start=1):
                name = f"{slugify(p.note.path.stem)}-cell{cell.get('index', 0) + 1}-{number}.svg"
                figure["url"] = writer.write_asset(name, figure.get("svg", ""))


def claim_row(claim: dict[str, Any]) -> dict[str, Any]:
    return {
        "note": claim["note"],
        "line": claim.get("line"),
        "text": claim.get("text"),
        "actual": claim.get("actual"),
        "expected": claim.get("expected"),
        "tolerance": {"rel": claim.get("rel"), "abs": claim.get("abs")},
        "passed": bool(claim.get("passed")),
    }


def emit_claims(
    writer: SiteWriter, theme: Theme, claims: list[dict[str, Any]], assets: dict[str, str]
) -> None:
    ordered = sorted(claims, key=lambda c: (c["note"], c.get("line") or 0))
    rows = [claim_row(claim) for claim in ordered]
    writer.write("claims.json", json.dumps(rows, ensure_ascii=False, indent=1) + "\n")
    if writer.has_page("/claims/"):
        return  # a note owns /claims/
    page = {"url": "/claims/", "title": "Claims"}
    html = theme.render("claims.html", page=page, claims=ordered, assets=assets)
    writer.write_page("/claims/", html)
