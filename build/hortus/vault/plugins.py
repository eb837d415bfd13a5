"""Which community plugins the vault's Obsidian runs, as its settings list them
(`.obsidian/community-plugins.json`: the ids of the plugins switched on)."""

from __future__ import annotations

import json
from pathlib import Path

COMMUNITY_PLUGINS = ".obsidian/community-plugins.json"


def runs_plugin(root: Path, plugin_id: str) -> bool | None:
    """Whether the vault at `root` has the community plugin `plugin_id` switched on; None
    when it keeps no readable list (its `.obsidian` folder left out of the repository, or
    written by other software)."""
    try:
        enabled = json.loads((root / COMMUNITY_PLUGINS).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(enabled, list):
        return None
    return plugin_id in enabled
