"""The language of the pages when the settings name none, chosen from the published notes'
prose: mostly Chinese, Japanese or Korean script gives that language's tag, anything else
English (the theme's other language). Only published notes are read: a private note must not
decide what the site says it is written in."""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import NamedTuple

from hortus.vault.notes import Note, SiteLanguage

SETTING = "set in [tool.hortus]"
GUESSED = "from the notes' text; set language in [tool.hortus] to choose"
# Enough to tell, cheap in a large vault: the opening of each note, and of a large vault's
# notes every n-th in path order (the same ones in every build).
PROSE_SAMPLE = 2000  # characters of a note
NOTES_SAMPLE = 250  # notes

# The BMP's Han (the rare astral extensions would make every search slow, and tell nothing).
_HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_KANA = "\u3040-\u30ff\u31f0-\u31ff\uff66-\uff9d"
_HANGUL = "\u1100-\u11ff\u3130-\u318f\ua960-\ua97f\uac00-\ud7ff"

_FRONTMATTER = re.compile(r"---[ \t]*\n.*?\n(?:---|\.\.\.)[ \t]*(?:\n|\Z)", re.S)
# What is not prose, whatever language the notes are in: code, math, URLs, HTML tags.
_NOT_PROSE = re.compile(
    r"^(`{3,}|~{3,}).*?(?:^\1|\Z)|`[^`\n]*`|\$\$.*?\$\$|\$[^$\n]+\$|https?://\S+|<[^>\n]*>",
    re.M | re.S,
)

# Among the most common characters of Chinese text, those whose simplified and traditional
# forms differ, in the same order: which set a garden uses more tells its script.
_SIMPLIFIED = (
    "这个们说时会来对过还没为学发经数与关问题国么样现开见长动实点进种机"
    "义处应当从两间体无东书电话记设计论级线图认让网写习气马车门头万业术"
)
_TRADITIONAL = (
    "這個們說時會來對過還沒為學發經數與關問題國麼樣現開見長動實點進種機"
    "義處應當從兩間體無東書電話記設計論級線圖認讓網寫習氣馬車門頭萬業術"
)


class _Scripts(NamedTuple):
    """The patterns prose_counts counts with."""

    cjk: re.Pattern[str]
    han_runs: re.Pattern[str]
    kana_runs: re.Pattern[str]
    hangul_runs: re.Pattern[str]
    words: re.Pattern[str]  # a word of any other script: a run of letters (not digits, `_`)
    simplified: re.Pattern[str]
    traditional: re.Pattern[str]


@functools.cache  # compiled when a language is first guessed: most builds after an edit keep it
def _scripts() -> _Scripts:
    return _Scripts(
        re.compile(f"[{_HAN}{_KANA}{_HANGUL}]"),
        re.compile(f"[{_HAN}]+"),
        re.compile(f"[{_KANA}]+"),
        re.compile(f"[{_HANGUL}]+"),
        re.compile(f"[^\\W\\d_{_HAN}{_KANA}{_HANGUL}]+"),
        re.compile(f"[{_SIMPLIFIED}]"),
        re.compile(f"[{_TRADITIONAL}]"),
    )


class ProseCounts(NamedTuple):
    """What language_of counts in one text."""

    words: int  # words of scripts other than those below
    han: int  # characters of each script
    kana: int
    hangul: int
    simplified: int  # of the Han characters whose simplified and traditional forms differ
    traditional: int


@dataclass
class ProseMemo:
    """The counts of notes' prose by their text's digest: those of the last build (`known`),
    and those the language was chosen from in this one (`used`, to be kept for the next)."""

    known: dict[str, ProseCounts]
    used: dict[str, ProseCounts] = field(default_factory=dict)

    def counts(self, note: Note) -> ProseCounts:
        digest = note.source_digest
        found = self.known.get(digest)
        if not isinstance(found, ProseCounts):  # none kept, or kept by other code
            found = prose_counts(_prose(note.source))
        self.used[digest] = found
        return found


def site_language(
    setting: str | None, notes: Iterable[Note], memo: ProseMemo | None = None
) -> SiteLanguage:
    """The settings' language, else the one the published pages among `notes` are written in.
    With `memo`, a note's prose whose counts it knows is not counted again."""
    if setting:
        return SiteLanguage(setting, SETTING)
    return sample_language(sampled_pages(notes), memo)


def sampled_pages(notes: Iterable[Note]) -> list[Note]:
    """The published pages among `notes` whose prose tells the language (see above)."""
    pages = [n for n in notes if n.published and n.page and not n.drawing]
    return pages[:: max(1, len(pages) // NOTES_SAMPLE)]


def sample_language(sample: list[Note], memo: ProseMemo | None = None) -> SiteLanguage:
    """The language the notes of `sample` are written in (see site_language)."""
    if memo is None:
        counts = [prose_counts(_prose(n.source)) for n in sample]
    else:
        counts = [memo.counts(n) for n in sample]
    return SiteLanguage(_language(counts), GUESSED)


def language_of(texts: list[str]) -> str:
    """`zh-CN`, `zh-TW`, `ja` or `ko` when the texts have more characters of those scripts
    than words of others; else `en`."""
    return _language([prose_counts(text) for text in texts])


def prose_counts(text: str) -> ProseCounts:
    """The words and the characters of each script in `text`."""
    scripts = _scripts()
    words = len(scripts.words.findall(text))
    if not scripts.cjk.search(text):
        return ProseCounts(words, 0, 0, 0, 0, 0)
    return ProseCounts(
        words,
        _count(scripts.han_runs, text),
        _count(scripts.kana_runs, text),
        _count(scripts.hangul_runs, text),
        len(scripts.simplified.findall(text)),
        len(scripts.traditional.findall(text)),
    )


def _language(counts: list[ProseCounts]) -> str:
    """The language of texts with these counts (see language_of)."""
    han = sum(c.han for c in counts)
    kana = sum(c.kana for c in counts)
    hangul = sum(c.hangul for c in counts)
    if han + kana + hangul <= sum(c.words for c in counts):
        return "en"
    if hangul >= kana and hangul * 2 >= han:
        return "ko"
    if kana * 4 >= han:  # Japanese is written with kana between its kanji; Chinese has none
        return "ja"
    simplified = sum(c.simplified for c in counts)
    traditional = sum(c.traditional for c in counts)
    return "zh-TW" if traditional > simplified else "zh-CN"


def _count(runs: re.Pattern[str], text: str) -> int:
    return sum(map(len, runs.findall(text)))


def _prose(source: str) -> str:
    """The opening of a note's body without what is not prose."""
    front = _FRONTMATTER.match(source)
    body = source[front.end() if front else 0 :][:PROSE_SAMPLE]
    return _NOT_PROSE.sub(" ", body)


def written_date(year: int, month: int, day: int, language: str) -> str | None:
    """A day as a page in `language` writes it, for the languages that do not write it the
    English way: `2024年3月5日` (Chinese, Japanese), `2024년 3월 5일` (Korean); else None."""
    primary = language.lower().split("-")[0]
    if primary in ("zh", "ja"):
        return f"{year}年{month}月{day}日"
    if primary == "ko":
        return f"{year}년 {month}월 {day}일"
    return None
