"""Theme assets, code colours and KaTeX's stylesheet and fonts, with content-hashed names."""

from __future__ import annotations

import re
from pathlib import Path

from hortus.markdown import pygments_css
from hortus.render import katex_dist_dir
from hortus.site.writer import SiteWriter

_CSS_URL = re.compile(r"url\((['\"]?)(fonts/[^)'\"]+)\1\)")


def emit_assets(writer: SiteWriter, theme_dir: Path) -> dict[str, str]:
    """Write every asset once; returns logical name -> site URL for the templates."""
    urls: dict[str, str] = {
        "katex.css": _emit_katex(writer),
        "code.css": writer.write_asset("code.css", pygments_css()),
    }
    static = theme_dir / "static"
    if static.is_dir():
        for path in sorted(p for p in static.rglob("*") if p.is_file()):
            name = path.relative_to(static).as_posix()
            urls[name] = writer.write_asset(name, path.read_bytes())
    return urls


def _emit_katex(writer: SiteWriter) -> str:
    """KaTeX's CSS from the installed package, its font URLs pointed at the hashed font files."""
    dist = katex_dist_dir()
    css = (dist / "katex.min.css").read_text(encoding="utf-8")

    def hashed_font(match: re.Match[str]) -> str:
        font = dist / match.group(2)
        url = writer.write_asset(font.name, font.read_bytes())
        return f"url({url.rsplit('/', 1)[1]})"  # fonts sit beside the CSS in assets/

    return writer.write_asset("katex.css", _CSS_URL.sub(hashed_font, css))
