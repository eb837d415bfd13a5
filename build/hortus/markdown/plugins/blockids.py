"""Obsidian block ids: a block ending with ` ^block-id` can be linked as `[[Note#^block-id]]`.

The `^block-id` (letters, digits, `-`) is removed from the text before inline parsing and
the block gets `id="^block-id"`, so `#^block-id` in a URL finds it:

- a paragraph: its `paragraph_open`;
- a list item's own paragraph: the `list_item_open` (`- item ^id` names the item);
- a quote or callout whose last paragraph ends with the id: the quote (`blockquote_open`
  or `callout_open`), as Obsidian treats the whole quote as the block;
- `^block-id` alone in a paragraph after a table, quote, callout, list, code block, math
  block or rule names that previous block (Obsidian asks for it on its own line there);
  a leaf block with no opening tag of its own (code, math, HTML, rule) is wrapped in
  `block_id_open` / `block_id_close` (`<div id="^block-id">`), because a code
  highlighter renders its own `<pre>` and would drop an attribute;
- `^block-id` as a table's last row, alone in its first cell, names the table (a line right
  after a table is read as a row).

A `^id` line after a heading is left as text (a heading has its own id). The first block
with a given id keeps it; a repeated id is still removed from the text.
Tokens carrying an id have `meta["block_id"]`; `env["block_ids"]` lists `(id, index of that
token in the final token list)` in document order.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore
from markdown_it.token import Token

# ` ^id` at the end of the text, or `^id` starting its last line.
# After whitespace, or straight after an embed or link (`![[img.png]]^id`, which Obsidian's
# own help vault uses).
# Lookbehinds, not a `[ \t]+` to match: that would be retried from every space of a long run
# of spaces (quadratic); the text before the id is `rstrip`ped where the id is cut off.
_TRAILING_ID = re.compile(r"(?:^|(?<=[\n \t])|(?<=\]\]))\^([A-Za-z0-9-]+)[ \t]*$")
_ALONE_ID = re.compile(r"\^([A-Za-z0-9-]+)")
_QUOTES = ("blockquote_open", "callout_open")
_CONTENT_CLOSE = ("blockquote_close", "callout_content_close")
# No id from a following `^id` line: headings have their own id, and footnote definitions
# and front matter are moved or dropped by other rules.
_NOT_TARGETS = ("heading_close", "front_matter", "footnote_reference_close")


def blockids_plugin(md: MarkdownIt) -> None:
    """Register block ids: a core rule before inline parsing, and the final index list."""
    md.core.ruler.before("inline", "block_ids", _assign_ids)
    md.core.ruler.push("block_ids_index", _index_ids)


def _partners(tokens: Sequence[Token]) -> dict[int, int]:
    pairs: dict[int, int] = {}
    stack: list[int] = []
    for i, token in enumerate(tokens):
        if token.nesting == 1:
            stack.append(i)
        elif token.nesting == -1 and stack:
            j = stack.pop()
            pairs[i], pairs[j] = j, i
    return pairs


def _parent(tokens: Sequence[Token], pairs: dict[int, int], i: int) -> int | None:
    """Index of the opening token that directly contains the block starting at `i`."""
    j = i - 1
    while j >= 0:
        token = tokens[j]
        if token.nesting == 1:
            return j
        j = pairs.get(j, j) - 1 if token.nesting == -1 else j - 1
    return None


def _paragraph_target(tokens: Sequence[Token], pairs: dict[int, int], open_idx: int) -> int:
    """The token named by an id at the end of the paragraph opened at `open_idx`."""
    if open_idx > 0 and tokens[open_idx - 1].type == "list_item_open":
        return open_idx - 1  # the item's own text: the id names the item
    close_idx = pairs.get(open_idx, open_idx)
    after = tokens[close_idx + 1] if close_idx + 1 < len(tokens) else None
    parent = _parent(tokens, pairs, open_idx)
    if parent is not None and after is not None and after.type in _CONTENT_CLOSE:
        if tokens[parent].type == "callout_content_open":
            parent = _parent(tokens, pairs, parent)
        if parent is not None and tokens[parent].type in _QUOTES:
            return parent  # the quote's last words: Obsidian's block is the whole quote
    return open_idx


def _previous_block(tokens: Sequence[Token], pairs: dict[int, int], open_idx: int) -> int | None:
    """Opening index of the sibling block just before the paragraph at `open_idx`."""
    before = open_idx - 1
    if before < 0:
        return None
    token = tokens[before]
    if token.nesting == 1 or token.type in _NOT_TARGETS:
        return None
    return pairs.get(before) if token.nesting == -1 else before


def _assign_ids(state: StateCore) -> None:
    if "^" not in state.src:
        return  # no id anywhere: most notes, and every block would be walked for none
    tokens = state.tokens
    partners: dict[int, int] = {}  # made when the first candidate needs it

    def pairs() -> dict[int, int]:
        if not partners:
            partners.update(_partners(tokens))
        return partners

    targets: dict[int, str] = {}  # token index -> id
    seen: set[str] = set()
    remove: set[int] = set()

    def claim(index: int, block_id: str) -> None:
        if block_id not in seen and index not in targets:
            seen.add(block_id)
            targets[index] = block_id

    for i, token in enumerate(tokens):
        if token.type == "table_close":
            if _last_row_has_caret(tokens, i):
                _claim_table_row(tokens, pairs(), i, claim, remove)
            continue
        if token.type != "inline" or "^" not in token.content or i == 0:
            continue  # a `^` in math or code, mostly: no id in this block
        if tokens[i - 1].type != "paragraph_open":
            continue
        open_idx = i - 1
        alone = _ALONE_ID.fullmatch(token.content.strip())
        if alone:
            previous = _previous_block(tokens, pairs(), open_idx)
            if previous is None or previous in remove:
                previous = _paragraph_target(tokens, pairs(), open_idx)
                if previous == open_idx:
                    continue  # names nothing: left as text
            claim(previous, alone.group(1))
            remove |= {open_idx, i, pairs().get(open_idx, i + 1)}
            continue
        match = _TRAILING_ID.search(token.content)
        if match is None:
            continue
        token.content = token.content[: match.start()].rstrip()
        claim(_paragraph_target(tokens, pairs(), open_idx), match.group(1))
    if not targets and not remove:
        return

    rebuilt: list[Token] = []
    for i, token in enumerate(tokens):
        if i in remove:
            continue
        block_id = targets.get(i)
        if block_id is None:
            rebuilt.append(token)
        elif token.nesting == 0:
            # A leaf (code, math, HTML, rule) renders as one piece, and a highlighter's
            # `<pre>` would not carry the attribute: wrap it.
            wrap = Token("block_id_open", "div", 1, block=True, level=token.level)
            wrap.attrs = {"id": "^" + block_id}
            wrap.meta = {"block_id": block_id}
            wrap.map = token.map
            close = Token("block_id_close", "div", -1, block=True, level=token.level)
            token.level += 1
            rebuilt += [wrap, token, close]
        else:
            token.attrSet("id", "^" + block_id)
            token.meta = {**(token.meta or {}), "block_id": block_id}
            rebuilt.append(token)
    state.tokens = rebuilt


def _last_row_has_caret(tokens: Sequence[Token], table_close: int) -> bool:
    """Whether a `^` is in the last row of the table closed at `table_close`: a cheap look
    before _claim_table_row."""
    for j in range(table_close - 1, -1, -1):
        token = tokens[j]
        if token.type == "tr_open":
            return False
        if token.type == "inline" and "^" in token.content:
            return True
    return False


def _claim_table_row(
    tokens: Sequence[Token],
    pairs: dict[int, int],
    table_close: int,
    claim: Callable[[int, str], None],
    remove: set[int],
) -> None:
    """A `^id` line right after a table is parsed as its last row: it names the table."""
    # The stream ends `... tr_close, tbody_close, table_close`.
    tbody_close = table_close - 1
    tr_close = tbody_close - 1
    if tokens[tbody_close].type != "tbody_close" or tokens[tr_close].type != "tr_close":
        return
    tr_open = pairs.get(tr_close)
    if tr_open is None:
        return
    cells = [t for t in tokens[tr_open:tr_close] if t.type == "inline"]
    if not cells:
        return
    alone = _ALONE_ID.fullmatch(cells[0].content.strip())
    if alone is None or any(c.content.strip() for c in cells[1:]):
        return
    table_open = pairs.get(table_close)
    if table_open is None:
        return
    claim(table_open, alone.group(1))
    row = set(range(tr_open, tr_close + 1))
    tbody_open = pairs.get(tbody_close)
    if tbody_open is not None and tbody_open + 1 == tr_open:
        row |= {tbody_open, tbody_close}  # the id was the only body row
    remove |= row


def _index_ids(state: StateCore) -> None:
    """Record `(id, token index)` after every other rule has moved tokens around."""
    found = [
        (token.meta["block_id"], i)
        for i, token in enumerate(state.tokens)
        if token.meta and "block_id" in token.meta and token.nesting != -1
    ]
    if isinstance(state.env, dict):
        state.env["block_ids"] = found
