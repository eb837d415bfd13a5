"""Theme assets, code colours and the math stylesheet and fonts, with content-hashed names."""

from __future__ import annotations

from pathlib import Path

from hortus.markdown import pygments_css
from hortus.render import write_math_stylesheet
from hortus.site.writer import SiteWriter


def emit_assets(writer: SiteWriter, theme_dir: Path, math_output: str = "html") -> dict[str, str]:
    """Write every asset once; returns logical name -> site URL for the templates. The math
    stylesheet is the one `math_output` (the `math-output` setting) needs, with its fonts."""
    math_css = write_math_stylesheet(writer.write_asset, math_output)
    urls: dict[str, str] = {
        "math.css": math_css,
        "katex.css": math_css,  # the name themes written before `math-output` link
        "code.css": writer.write_asset("code.css", pygments_css()),
    }
    static = theme_dir / "static"
    if static.is_dir():
        for path in sorted(p for p in static.rglob("*") if p.is_file()):
            name = path.relative_to(static).as_posix()
            urls[name] = writer.write_asset(name, path.read_bytes())
    return urls
