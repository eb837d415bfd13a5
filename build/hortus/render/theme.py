"""The theme: Jinja2 templates of theme/templates, and the few words they say themselves."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup

from hortus.config import Settings
from hortus.diagnostics import BuildError
from hortus.render.navigation import FolderTree
from hortus.vault import relative_url

# The few words the theme itself says, in the site's language.
LABELS = {
    "en": {
        "contents": "Contents",
        "backlinks": "Backlinks",
        "tags": "Tags",
        "all_tags": "All tags",
        "claims": "Claims",
        "claims_checked": "claims checked at build time",
        "claim": "Claim",
        "value": "Value",
        "expected": "Expected",
        "note": "Note",
        "explorer": "Notes",
        "updated": "Updated",
        "graph": "Graph",
        "garden_graph": "Whole garden",
        "graph_hint": "Point at a note to see its links; click to open it.",
    },
    "zh": {
        "contents": "目录",
        "backlinks": "反向链接",
        "tags": "标签",
        "all_tags": "全部标签",
        "claims": "断言",
        "claims_checked": "条断言在构建时检验",
        "claim": "断言",
        "value": "计算值",
        "expected": "期望值",
        "note": "笔记",
        "explorer": "笔记",
        "updated": "更新于",
        "graph": "关系图",
        "garden_graph": "全部笔记的关系图",
        "graph_hint": "悬停查看链接，点击打开笔记。",
    },
}


class Theme:
    """The Jinja2 templates of theme/templates; everything a note supplies is autoescaped."""

    def __init__(
        self,
        theme_dir: Path,
        settings: Settings,
        tree: FolderTree | None = None,
        has_claims: bool = False,
    ) -> None:
        self.tree = tree
        self.has_claims = has_claims
        templates = theme_dir / "templates"
        if not templates.is_dir():
            raise BuildError(f"theme not found: {templates} is not a folder")
        self.env = jinja2.Environment(
            loader=jinja2.FileSystemLoader(str(templates), encoding="utf-8"),
            autoescape=True,
            undefined=jinja2.StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=True,
        )
        self.env.filters["rel"] = lambda target, page_url: relative_url(page_url, target)
        self.settings = settings

    def label(self, key: str) -> str:
        return self._labels[key]

    @property
    def _labels(self) -> dict[str, str]:
        return LABELS["zh" if self.settings.language.lower().startswith("zh") else "en"]

    def render(self, template: str, **context: Any) -> str:
        site = {
            "title": self.settings.title,
            "language": self.settings.language,
            "base_url": self.settings.base_url,
            "labels": self._labels,
            "explorer": Markup(self.tree.html(context["page"]["url"])) if self.tree else "",
            "claims_url": self.has_claims,
        }
        return self.env.get_template(template).render(site=site, **context)
