"""The parse stage: every published note's tokens, loaded from the cache when the note is
unchanged, else parsed, in forked workers when there are many."""

from __future__ import annotations

import pickle

from markdown_it import MarkdownIt

from hortus.cache import ParsedStore, parse_key
from hortus.markdown import ParsedNote, note_from_tokens, parse_note
from hortus.parallel import chunked, fork_imap
from hortus.vault import Note

PARALLEL_PARSE_MIN = 200  # notes to parse before forked workers pay for themselves

# What a stored blob may fail with: cut short, or written by other code.
_UNREADABLE = (pickle.UnpicklingError, EOFError, ValueError, TypeError, AttributeError)


def parse_notes(
    md: MarkdownIt, notes: list[Note], store: ParsedStore | None, jobs: int
) -> list[ParsedNote]:
    """Each of `notes` parsed, in order."""
    found: dict[int, ParsedNote] = {}
    missing: list[int] = []
    for i, note in enumerate(notes):
        loaded = _load(store, note) if store is not None else None
        if loaded is None:
            missing.append(i)
        else:
            found[i] = loaded
    if len(missing) < PARALLEL_PARSE_MIN:
        for i in missing:
            found[i] = parse_note(md, notes[i])
            if store is not None:
                store.store(note_key(notes[i]), parsed_blob(found[i]))
    else:

        def parse_chunk(chunk: list[int]) -> list[bytes]:
            return [parsed_blob(parse_note(md, notes[i])) for i in chunk]

        chunks = chunked(missing, jobs)
        for chunk, blobs in zip(chunks, fork_imap(parse_chunk, chunks, jobs), strict=True):
            for i, blob in zip(chunk, blobs, strict=True):
                found[i] = parsed_from_blob(notes[i], blob)
                if store is not None:
                    store.store(note_key(notes[i]), blob)
    return [found[i] for i in range(len(notes))]


def note_key(note: Note) -> str:
    """The key of a note's tokens in the parsed-note store."""
    return parse_key(str(note.path), note.source, note.drawing, note.page)


def _load(store: ParsedStore, note: Note) -> ParsedNote | None:
    blob = store.load(note_key(note))
    if blob is None:
        return None
    try:
        return parsed_from_blob(note, blob)
    except _UNREADABLE:
        return None


def parsed_blob(parsed: ParsedNote) -> bytes:
    """A parsed note as the cache keeps it: its tokens and what the parser noted (the note
    itself is not kept; it is read afresh)."""
    env = {k: v for k, v in parsed.env.items() if k != "note"}
    return pickle.dumps((parsed.tokens, env), protocol=pickle.HIGHEST_PROTOCOL)


def parsed_from_blob(note: Note, blob: bytes) -> ParsedNote:
    """A parsed note back from parsed_blob, for `note` (which the blob does not hold)."""
    tokens, env = pickle.loads(blob)
    env["note"] = note
    return note_from_tokens(note, tokens, env)
