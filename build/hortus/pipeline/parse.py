"""The parse stage: every published note parsed, or taken from the cache when unchanged.

An unchanged note is taken as a `CachedNote`: what the later stages read of every note (the
parser's env, the formulas) comes from a small per-note record, and its tokens are loaded
from the parsed-note store only when something reads them (its page is rendered, its cells
are read, a note embeds it). So a one-note edit loads the tokens of the pages it re-renders,
not of the whole garden."""

from __future__ import annotations

import copyreg
import dataclasses
import io
import operator
import pickle
from collections.abc import Callable
from pathlib import PurePosixPath
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.token import Token

from hortus.cache import ParsedMeta, ParsedStore, parse_key
from hortus.cells import record_cell_facts
from hortus.links import NoteSummary, summarize
from hortus.markdown import MathRef, ParsedNote, note_from_tokens, parse_note
from hortus.parallel import chunked, fork_imap
from hortus.queries import record_query_facts
from hortus.render import record_math_keys
from hortus.vault import Note

PARALLEL_PARSE_MIN = 200  # notes to parse before forked workers pay for themselves

# What a stored blob may fail with: cut short, or written by other code.
_UNREADABLE = (pickle.UnpicklingError, EOFError, ValueError, TypeError, AttributeError)

# What a note's parse key is made from besides its path and the code (which key the table):
# its text's digest, how it is shown and the parser's variant (see parse_notes). Compared as
# they are, an unchanged note is told without hashing anything.
Inputs = tuple[str, bool, bool, str]
# A formula as a row of plain values (tex, display, line): a table of them loads several
# times faster than one of MathRefs, and a note's MathRefs are made only when read.
MathRow = tuple[str, bool, int]
# A note's record in ParsedMeta: its parse key, what the key was made from, the parser's env
# (without the note) and its formulas, as parsing gave them.
Meta = tuple[str, Inputs, dict[str, Any], tuple[MathRow, ...]]


class CachedNote(ParsedNote):
    """A ParsedNote whose tokens are read from the store on first use (see the module), and
    whose formulas are made from their rows on first use."""

    # The parser, the store, the note's key, its formulas' rows.
    _source: tuple[MarkdownIt, ParsedStore, str, tuple[MathRow, ...]]

    @classmethod
    def of(cls, note: Note, meta: Meta, md: MarkdownIt, store: ParsedStore) -> CachedNote:
        key, _inputs, env, rows = meta
        made = cls.__new__(cls)
        made.note, made.env = note, {**env, "note": note}
        made._source = (md, store, key, rows)
        return made

    @property
    def key(self) -> str:
        """The key of the note's tokens in the store."""
        return self._source[2]

    def __getattr__(self, name: str) -> Any:
        if name == "tokens":
            self.tokens = self._load()
            return self.tokens
        if name == "math":
            self.math = [MathRef(*row) for row in self._source[3]]
            return self.math
        raise AttributeError(name)

    def release(self) -> None:
        self.__dict__.pop("tokens", None)  # read from the store again when next asked for

    def _load(self) -> list[Token]:
        """The tokens as the store kept them; parsed again when the entry is gone."""
        md, store, key, _rows = self._source
        blob = store.load(key)
        if blob is not None:
            try:
                tokens, _env = pickle.loads(blob)
                return tokens
            except _UNREADABLE:
                pass
        return parse_note(md, self.note).tokens


def parse_notes(
    md: MarkdownIt,
    notes: list[Note],
    store: ParsedStore | None,
    jobs: int,
    meta: ParsedMeta | None = None,
    summaries: dict[PurePosixPath, NoteSummary] | None = None,
    variant: str = "",
) -> list[ParsedNote]:
    """Each of `notes` parsed, in order; with `store` and `meta`, the unchanged ones taken as
    CachedNotes. Notes parsed by workers are summarised there for the link stage (into
    `summaries`) and, with a store, handed on as CachedNotes too: a large garden's tokens
    are not all held at once. `variant` names what the parser was made with (a vault
    without Dataview): a note parsed by another is parsed again."""
    kept: dict[str, Meta] = meta.load() if meta is not None and store is not None else {}
    found: dict[int, ParsedNote] = {}
    missing: list[int] = []
    for i, note in enumerate(notes):
        entry = kept.get(str(note.path))
        # _inputs(note), written out: asked of every note at every build.
        if entry is not None and entry[1] == (note.source_digest, note.drawing, note.page, variant):
            found[i] = CachedNote.of(note, entry, md, store)  # type: ignore[arg-type]
        else:
            missing.append(i)
    made = _parse_missing(md, notes, missing, found, store, jobs, summaries, variant)
    if meta is not None and store is not None:
        _keep_meta(meta, store, kept, {str(notes[i].path): made[i] for i in missing}, notes)
        if store.replaced is None:  # the store looks through its entries: those read are kept
            store.used.update(p.key for p in found.values() if isinstance(p, CachedNote))
    return [found[i] for i in range(len(notes))]


def _keep_meta(
    meta: ParsedMeta,
    store: ParsedStore,
    kept: dict[str, Meta],
    fresh: dict[str, Meta],
    notes: list[Note],
) -> None:
    """The records of the notes parsed now (`fresh`) kept in place of their old ones. When
    the table held the notes (and no others), only the shards of the fresh records are
    written, and the store is told which of its entries they replace; else the table is
    written whole, and the store looks through its entries for those no note used."""
    added = sum(path not in kept for path in fresh)
    if kept and len(kept) + added == len(notes):
        if fresh:
            meta.update(fresh)
        others = (entry[0] for path, entry in kept.items() if path not in fresh)
        store.replace({kept[path][0] for path in fresh if path in kept}, others)
        return
    store.replaced = None
    meta.save({str(n.path): fresh.get(str(n.path)) or kept[str(n.path)] for n in notes})


def _parse_missing(
    md: MarkdownIt,
    notes: list[Note],
    missing: list[int],
    found: dict[int, ParsedNote],
    store: ParsedStore | None,
    jobs: int,
    summaries: dict[PurePosixPath, NoteSummary] | None = None,
    variant: str = "",
) -> dict[int, Meta]:
    """The notes at `missing` parsed into `found` (and kept in `store`); returns their
    records, each naming its tokens' entry in the store."""
    made: dict[int, Meta] = {}
    if len(missing) < PARALLEL_PARSE_MIN:
        for i in missing:
            found[i] = _parse(md, notes[i])
            made[i] = _meta(found[i], variant)
            if store is not None:
                store.store(made[i][0], parsed_blob(found[i]))
        return made

    def parse_chunk(chunk: list[int]) -> list[tuple[bytes | None, Meta, NoteSummary]]:
        if store is None:
            return [_parsed_for_parent(md, notes[i], variant) for i in chunk]
        # Kept here, in one pack for the chunk: the tokens need not travel to the parent.
        with store.packing([note_key(notes[i], variant) for i in chunk]) as keep:
            return [_parsed_for_parent(md, notes[i], variant, keep) for i in chunk]

    chunks = chunked(missing, jobs)
    for chunk, results in zip(chunks, fork_imap(parse_chunk, chunks, jobs), strict=True):
        for i, (blob, meta, summary) in zip(chunk, results, strict=True):
            made[i] = meta
            if blob is None:
                assert store is not None
                found[i] = CachedNote.of(notes[i], meta, md, store)
                store.keep(meta[0])
            else:
                found[i] = parsed_from_blob(notes[i], blob)
            if summaries is not None:
                summaries[notes[i].path] = summary
    return made


def _parsed_for_parent(
    md: MarkdownIt, note: Note, variant: str, keep: Callable[[bytes], str] | None = None
) -> tuple[bytes | None, Meta, NoteSummary]:
    """A note parsed by a worker, as the parent takes it: its tokens' blob (None when
    `keep` kept it, the record then naming the stored blob), its record, its summary."""
    parsed = _parse(md, note)
    blob, meta = parsed_blob(parsed), _meta(parsed, variant)
    if keep is not None:
        meta = (keep(blob), *meta[1:])
        blob = None
    return blob, meta, summarize(parsed)


def _parse(md: MarkdownIt, note: Note) -> ParsedNote:
    """The note parsed, with what the later stages need to know of its text (kept in its
    env, so with its parse: an unchanged note's text is not searched again)."""
    parsed = parse_note(md, note)
    record_cell_facts(parsed.env, note.source)
    record_query_facts(parsed.env, note.source)
    record_math_keys(parsed.env, parsed.math)
    return parsed


def note_key(note: Note, variant: str = "") -> str:
    """The key of a note's tokens in the parsed-note store."""
    return parse_key(str(note.path), note.source_digest, note.drawing, note.page, variant)


def _inputs(note: Note, variant: str) -> Inputs:
    return (note.source_digest, note.drawing, note.page, variant)


def _meta(parsed: ParsedNote, variant: str) -> Meta:
    """A freshly parsed note's record, before any later stage adds to its env or formulas."""
    env = {k: v for k, v in parsed.env.items() if k != "note"}
    rows = tuple((ref.tex, ref.display, ref.line) for ref in parsed.math)
    return (note_key(parsed.note, variant), _inputs(parsed.note, variant), env, rows)


def parsed_blob(parsed: ParsedNote) -> bytes:
    """A parsed note as the cache keeps it: its tokens and what the parser noted (the note
    itself is not kept; it is read afresh)."""
    env = {k: v for k, v in parsed.env.items() if k != "note"}
    blob = io.BytesIO()
    pickler = pickle.Pickler(blob, protocol=pickle.HIGHEST_PROTOCOL)
    pickler.dispatch_table = _TOKEN_PICKLING
    pickler.dump((parsed.tokens, env))
    return blob.getvalue()


def _token_args(token: Token) -> tuple[Callable[..., Token], tuple[Any, ...]]:
    """A token as its class and the values of its fields: a slotted dataclass otherwise
    pickles through Python-level state methods, at twice the time for every token."""
    return Token, _token_values(token)


_token_values = operator.attrgetter(*(f.name for f in dataclasses.fields(Token) if f.init))
_TOKEN_PICKLING = {**copyreg.dispatch_table, Token: _token_args}


def parsed_from_blob(note: Note, blob: bytes) -> ParsedNote:
    """A parsed note back from parsed_blob, for `note` (which the blob does not hold)."""
    tokens, env = pickle.loads(blob)
    env["note"] = note
    return note_from_tokens(note, tokens, env)
