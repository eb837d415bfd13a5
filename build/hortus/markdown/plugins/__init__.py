"""The markdown-it plugins for Obsidian's syntax, one module per syntax.

Each module registers its rules with `md.use(<name>_plugin)` and documents the tokens it
makes (its token contract); `common` holds what the link plugins share (reading a link's
target, and the core rule that makes their recorded lines absolute).

- admonitions: the Admonition plugin's ```` ```ad-type ```` blocks, as callouts
- anchors: heading ids, never empty
- blockids: `^block-id` at the end of a block
- callouts: `> [!type] Title`, foldable with `-` or `+`
- canvascards: a canvas card's problems reported on its line of the `.canvas` file
- cjk: emphasis next to Chinese and Japanese punctuation
- comments: `%%hidden%%`, dropped
- crossrefs: `@fig-label`, Quarto's reference to a cell's figure
- embeds: `![[file.png|300]]`, `![[Note#Heading]]`, sizes of Markdown images
- inlinefields: Dataview's `key:: value`, `[key:: value]`, `(key:: value)`, `` `= expr` ``
- mark: `==highlight==`
- math: `$...$` and `$$...$$`
- mdlinks: `[text](Note.md#Heading)` into the vault
- plaindataview: Dataview's blocks as code, in a vault where Dataview is off
- nesting: blocks nested past markdown-it's limit keep their text
- tags: `#tag`, `#nested/tag`
- wikilinks: `[[Note]]`, `[[Note|text]]`, `[[Note#Heading]]`, `[[#^id]]`
"""

from hortus.markdown.plugins.admonitions import admonitions_plugin
from hortus.markdown.plugins.anchors import anchors_plugin
from hortus.markdown.plugins.blockids import blockids_plugin
from hortus.markdown.plugins.callouts import callouts_plugin, default_title
from hortus.markdown.plugins.canvascards import canvascards_plugin
from hortus.markdown.plugins.cjk import cjk_plugin, is_cjk
from hortus.markdown.plugins.comments import comments_plugin, strip_comments
from hortus.markdown.plugins.common import display_label
from hortus.markdown.plugins.crossrefs import crossrefs_plugin
from hortus.markdown.plugins.embeds import embeds_plugin
from hortus.markdown.plugins.inlinefields import FIELDS, InlineField, inlinefields_plugin
from hortus.markdown.plugins.mark import mark_plugin
from hortus.markdown.plugins.math import math_plugin
from hortus.markdown.plugins.mdlinks import mdlinks_plugin
from hortus.markdown.plugins.nesting import nesting_plugin
from hortus.markdown.plugins.plaindataview import CODE_ONLY, plaindataview_plugin
from hortus.markdown.plugins.tags import is_tag_char, tags_plugin
from hortus.markdown.plugins.wikilinks import wikilink_label, wikilinks_plugin

__all__ = [
    "CODE_ONLY",
    "FIELDS",
    "InlineField",
    "admonitions_plugin",
    "anchors_plugin",
    "blockids_plugin",
    "callouts_plugin",
    "canvascards_plugin",
    "cjk_plugin",
    "comments_plugin",
    "crossrefs_plugin",
    "default_title",
    "display_label",
    "embeds_plugin",
    "inlinefields_plugin",
    "is_cjk",
    "is_tag_char",
    "mark_plugin",
    "math_plugin",
    "mdlinks_plugin",
    "nesting_plugin",
    "plaindataview_plugin",
    "strip_comments",
    "tags_plugin",
    "wikilink_label",
    "wikilinks_plugin",
]
