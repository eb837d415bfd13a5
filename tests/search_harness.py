"""What a search of a built site can find, read from its Pagefind files as search.js reads
them: every shard listed in `hortus-shards.json`, less the records it says to hide."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

ZWSP = "\u200b".encode()  # Pagefind stores text with a zero-width space between words


def decoded(path: Path) -> bytes:
    """A Pagefind file as text: gunzipped when compressed, word separators removed."""
    data = path.read_bytes()
    if data[:2] == b"\x1f\x8b":
        data = gzip.decompress(data)
    return data.replace(ZWSP, b"")


def shard_folders(out: Path) -> list[Path]:
    """The folders of every index search.js merges."""
    root = out / "pagefind"
    listed = json.loads((root / "hortus-shards.json").read_text(encoding="utf-8"))
    return [root, *(root / name for name in listed["shards"])]


def searchable(out: Path) -> dict[str, dict]:
    """Page URL -> its record (title, text, headings) as a search in the browser sees it.
    A page found in two records, neither hidden, fails: a search would show it twice."""
    hidden = json.loads((out / "pagefind" / "hortus-shards.json").read_text("utf-8"))["hidden"]
    found: dict[str, dict] = {}
    for folder in shard_folders(out):
        for path in sorted((folder / "fragment").glob("*.pf_fragment")):
            data = decoded(path)
            record = json.loads(data[data.index(b"{") :])
            url = record["url"]
            if hidden.get(path.name.removesuffix(".pf_fragment")) == url:
                continue
            assert url not in found, f"{url} is found twice"
            found[url] = {
                "title": record["meta"].get("title"),
                "content": record["content"],
                "anchors": [(a["id"], a["text"]) for a in record.get("anchors", [])],
            }
    return found
