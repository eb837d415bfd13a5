"""Math typeset at build time: every formula of the published notes in one KaTeX batch
(typeset), formulas written for Obsidian's MathJax adapted first (mathjax), KaTeX (or Temml,
for `math-output = "mathml"`) run by one node process (katex), the stylesheet and fonts each
output needs (assets), and the render rules that put the results in a page (rules)."""

from hortus.render.math.assets import math_stylesheet, write_math_stylesheet
from hortus.render.math.katex import (
    KatexError,
    KatexRenderer,
    MathResult,
    katex_dist_dir,
    katex_package_dir,
    load_preamble,
    temml_package_dir,
)
from hortus.render.math.preamble import parse_preamble
from hortus.render.math.rules import install_math_rules, math_html
from hortus.render.math.typeset import (
    launch_typesetter,
    math_macros,
    record_math_keys,
    typeset_math,
)

__all__ = [
    "KatexError",
    "KatexRenderer",
    "MathResult",
    "install_math_rules",
    "katex_dist_dir",
    "katex_package_dir",
    "launch_typesetter",
    "load_preamble",
    "math_html",
    "math_macros",
    "math_stylesheet",
    "parse_preamble",
    "record_math_keys",
    "temml_package_dir",
    "typeset_math",
    "write_math_stylesheet",
]
