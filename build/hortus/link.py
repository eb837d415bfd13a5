"""Stage 3: resolve links against the vault index (wikilinks, embeds, backlinks, tags).

Notes are published without cross-note links for now; this stage is where resolution goes,
between parse and execute, so later stages see resolved targets only."""

from __future__ import annotations

from hortus.diagnostics import Diagnostics
from hortus.parse import ParsedNote
from hortus.vault import Vault


def link_notes(vault: Vault, parsed: list[ParsedNote], diagnostics: Diagnostics) -> None:
    """Resolve every outgoing link of the published notes in place."""
    del vault, parsed, diagnostics
