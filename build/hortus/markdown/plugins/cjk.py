"""CJK-friendly emphasis for markdown-it-py.

CommonMark decides whether a run of ``*``, ``_``, ``~`` or ``=`` can open or
close emphasis from the characters on either side, and treats punctuation as
a word boundary only when whitespace or other punctuation sits on the far
side. Chinese and Japanese have no spaces between words, so a bold run that
starts or ends with full-width punctuation or brackets,
``**均方误差 (Mean Squared Error, MSE)**还是``, stays literal.

This module implements the "CJK-friendly amendments to CommonMark"
(https://github.com/tats-u/markdown-cjk-friendly, specification.md): when
the character on the other side of a delimiter run is a CJK character, the
punctuation condition of left- and right-flanking is dropped. Text without
CJK characters next to a delimiter run parses exactly as before.

The rule is applied by replacing ``scanDelims`` on every inline state, so it
covers every rule that scans delimiters through it: emphasis, strikethrough,
and plugins such as ``==highlight==``.
"""

from __future__ import annotations

from bisect import bisect_right
from types import MethodType

from markdown_it import MarkdownIt
from markdown_it.common.utils import isMdAsciiPunct, isPunctChar, isWhiteSpace
from markdown_it.rules_inline import StateInline
from markdown_it.rules_inline.state_inline import Scanned

__all__ = ["cjk_plugin", "is_cjk"]

# CJK characters (Unicode 17), from ranges.md of the specification: East Asian
# Width W, F or H and not a default-emoji-presentation character, or Hangul.
# A fixed table, rather than `unicodedata`, keeps the result independent of the
# Unicode version of the running Python (3.11 ships Unicode 14).
_CJK_RANGES: tuple[tuple[int, int], ...] = (
    (0x1100, 0x11FF),
    (0x20A9, 0x20A9),
    (0x2329, 0x232A),
    (0x2630, 0x2637),
    (0x268A, 0x268F),
    (0x2E80, 0x2E99),
    (0x2E9B, 0x2EF3),
    (0x2F00, 0x2FD5),
    (0x2FF0, 0x303E),
    (0x3041, 0x3096),
    (0x3099, 0x30FF),
    (0x3105, 0x312F),
    (0x3131, 0x318E),
    (0x3190, 0x31E5),
    (0x31EF, 0x321E),
    (0x3220, 0x3247),
    (0x3250, 0xA48C),
    (0xA490, 0xA4C6),
    (0xA960, 0xA97C),
    (0xAC00, 0xD7A3),
    (0xD7B0, 0xD7C6),
    (0xD7CB, 0xD7FB),
    (0xF900, 0xFAFF),
    (0xFE10, 0xFE19),
    (0xFE30, 0xFE52),
    (0xFE54, 0xFE66),
    (0xFE68, 0xFE6B),
    (0xFF01, 0xFFBE),
    (0xFFC2, 0xFFC7),
    (0xFFCA, 0xFFCF),
    (0xFFD2, 0xFFD7),
    (0xFFDA, 0xFFDC),
    (0xFFE0, 0xFFE6),
    (0xFFE8, 0xFFEE),
    (0x16FE0, 0x16FE4),
    (0x16FF0, 0x16FF6),
    (0x17000, 0x18CD5),
    (0x18CFF, 0x18D1E),
    (0x18D80, 0x18DF2),
    (0x1AFF0, 0x1AFF3),
    (0x1AFF5, 0x1AFFB),
    (0x1AFFD, 0x1AFFE),
    (0x1B000, 0x1B122),
    (0x1B132, 0x1B132),
    (0x1B150, 0x1B152),
    (0x1B155, 0x1B155),
    (0x1B164, 0x1B167),
    (0x1B170, 0x1B2FB),
    (0x1D300, 0x1D356),
    (0x1D360, 0x1D376),
    (0x1F200, 0x1F200),
    (0x1F202, 0x1F202),
    (0x1F210, 0x1F219),
    (0x1F21B, 0x1F22E),
    (0x1F230, 0x1F231),
    (0x1F237, 0x1F237),
    (0x1F23B, 0x1F23B),
    (0x1F240, 0x1F248),
    (0x1F260, 0x1F265),
    (0x20000, 0x3FFFD),
)
_STARTS = tuple(lo for lo, _ in _CJK_RANGES)
_ENDS = tuple(hi for _, hi in _CJK_RANGES)

# Variation selectors U+FE00..U+FE0E (not the emoji selector U+FE0F) and
# ideographic variation selectors U+E0100..U+E01EF modify the character
# before them, so the delimiter must look through them.
_VS_FIRST, _VS_LAST = "\ufe00", "\ufe0e"
_IVS_FIRST, _IVS_LAST = 0xE0100, 0xE01EF
# Quotation marks are East Asian Width "A"; followed by U+FE01 they ask for
# the full-width (CJK) form.
_FULLWIDTH_QUOTES = frozenset("\u2018\u2019\u201c\u201d")

_RULE_NAME = "cjk_friendly"


def is_cjk(char: str) -> bool:
    """Whether the single character ``char`` is a CJK character."""
    code = ord(char)
    if code < 0x1100:  # fast path: Latin, Greek, Cyrillic and ASCII punctuation
        return False
    index = bisect_right(_STARTS, code) - 1
    return index >= 0 and code <= _ENDS[index]


def _is_punct(char: str) -> bool:
    return isMdAsciiPunct(ord(char)) or isPunctChar(char)


def _scan_delims(self: StateInline, start: int, canSplitWord: bool) -> Scanned:
    """``StateInline.scanDelims`` with the CJK-friendly flanking rules."""
    src = self.src
    maximum = self.posMax
    marker = src[start]

    pos = start
    while pos < maximum and src[pos] == marker:
        pos += 1
    count = pos - start

    # The beginning and the end of the line count as whitespace.
    last = src[start - 1] if start > 0 else " "
    nxt = src[pos] if pos < maximum else " "

    # `base` is the character a variation selector belongs to; `before_vs` is
    # set only when `last` is a selector.
    base = last
    before_vs: str | None = None
    if _VS_FIRST <= last <= _VS_LAST:
        before_vs = src[start - 2] if start > 1 else " "
        if not isWhiteSpace(ord(before_vs)):
            base = before_vs

    last_space = isWhiteSpace(ord(base))
    next_space = isWhiteSpace(ord(nxt))
    last_punct = _is_punct(base)
    next_punct = _is_punct(nxt)

    # CJK only matters when neither side is whitespace (a whitespace neighbour
    # decides flanking on its own), so skip the lookup otherwise.
    cjk = False
    if not (last_space or next_space):
        if before_vs is not None:
            last_cjk = is_cjk(before_vs) or (last == "\ufe01" and before_vs in _FULLWIDTH_QUOTES)
        else:
            last_cjk = is_cjk(last) or _IVS_FIRST <= ord(last) <= _IVS_LAST
        cjk = last_cjk or is_cjk(nxt)

    # CommonMark's definitions, with "or a CJK character on either side" added
    # to the punctuation escape clause; identical to CommonMark when cjk=False.
    left_flanking = not next_space and (not next_punct or last_space or last_punct or cjk)
    right_flanking = not last_space and (not last_punct or next_space or next_punct or cjk)

    can_open = left_flanking and (canSplitWord or not right_flanking or last_punct)
    can_close = right_flanking and (canSplitWord or not left_flanking or next_punct)
    return Scanned(can_open, can_close, count)


def _install_scanner(state: StateInline, silent: bool) -> bool:
    """First inline rule: give this state the CJK-friendly ``scanDelims``.

    markdown-it-py builds a fresh ``StateInline`` for every inline block and
    offers no hook to choose its class, so the method is bound on the instance
    the first time the rule chain runs, before any delimiter rule can scan.
    The rule never consumes input.
    """
    if "scanDelims" not in vars(state):
        state.scanDelims = MethodType(_scan_delims, state)  # type: ignore[method-assign]
    return False


def cjk_plugin(md: MarkdownIt) -> None:
    """Make emphasis-like delimiters work next to CJK text and punctuation."""
    names = md.inline.ruler.get_all_rules()
    if _RULE_NAME in names:
        return
    if names:
        md.inline.ruler.before(names[0], _RULE_NAME, _install_scanner)
    else:
        md.inline.ruler.push(_RULE_NAME, _install_scanner)
