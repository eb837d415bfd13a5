"""The stylesheet and fonts a math output needs in the site, never from a CDN: KaTeX's CSS
and fonts for "html"; Temml's CSS with Latin Modern Math for "mathml". Each file is written
with a content-hashed name, the fonts beside the stylesheet in assets/."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

from hortus.render.math.katex import (
    TEMML_NOT_FOUND,
    KatexError,
    katex_dist_dir,
    temml_package_dir,
)

FONTS = Path(__file__).with_name("fonts")
MATH_FONT = FONTS / "latinmodern-math.woff2"
TEMML_CSS = "Temml-Latin-Modern.css"
_CSS_URL = re.compile(r"url\((['\"]?)([^)'\"]+)\1\)")

# The theme sets KaTeX's formulas at 1.08em (style.css, `.katex`); Latin Modern Math at that
# size matches them, and the line's text, as KaTeX does.
MATHML_EXTRA = "\n/* hortus */\nmath { font-size: 1.08em; }\n"

WriteAsset = Callable[[str, bytes | str], str]  # (name, data) -> the hashed file's site URL


def math_stylesheet(
    output: str, search_from: Path | None = None
) -> tuple[str, str, dict[str, Path]]:
    """(file name, CSS text, {url in the CSS: font file}) of the stylesheet `output` needs."""
    if output == "mathml":
        dist = temml_package_dir(search_from) / "dist"
        if not (dist / TEMML_CSS).is_file() or not (dist / "Temml.woff2").is_file():
            raise KatexError(f"{TEMML_NOT_FOUND} ({dist} has no {TEMML_CSS} or Temml.woff2)")
        css = (dist / TEMML_CSS).read_text(encoding="utf-8") + MATHML_EXTRA
        # Temml.woff2 draws \mathscr; the npm package leaves the math font itself out.
        fonts = {"Temml.woff2": dist / "Temml.woff2", "./latinmodernmath.woff2": MATH_FONT}
        return "temml.css", css, fonts
    dist = katex_dist_dir(search_from)
    css = (dist / "katex.min.css").read_text(encoding="utf-8")
    fonts = {m.group(2): dist / m.group(2) for m in _CSS_URL.finditer(css)}
    return "katex.css", css, {url: path for url, path in fonts.items() if url.startswith("fonts/")}


def write_math_stylesheet(
    write_asset: WriteAsset, output: str = "html", search_from: Path | None = None
) -> str:
    """Write the stylesheet `output` needs and the fonts it names; returns its site URL."""
    name, css, fonts = math_stylesheet(output, search_from)

    def hashed_font(match: re.Match[str]) -> str:
        font = fonts.get(match.group(2))
        if font is None:  # an inline data: image, not a file
            return match.group(0)
        url = write_asset(font.name, font.read_bytes())
        return f"url({url.rsplit('/', 1)[1]})"  # fonts sit beside the CSS in assets/

    return write_asset(name, _CSS_URL.sub(hashed_font, css))
