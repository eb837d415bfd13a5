"""An unpublished note never leaks: canary strings in every place a secret can sit, and no
byte of any output file (plain, escaped, URL-encoded or compressed) may hold one."""

from __future__ import annotations

import base64
import contextlib
import gzip
import json
import zlib
from html import escape
from pathlib import Path
from urllib.parse import quote

CANARIES = [
    "canary-body-7f3a",
    "canary-title-91c2",
    "canary-filename-5d0e",
    "canary-folder-c4b8",
    "canary-tag-2e6f",
    "canary-inline-tag-0a9d",
    "canary-alias-8b1c",
    "canary-comment-3f7e",
    "canary-block-comment-6c2a",
    "canary-attachment-9e4d",
    "canary-backlink-b2f1",
    "canary-heading-44aa",
    "金丝雀秘密文本",
    "canary-diagram-71d3",
]

PRIVATE_NOTE = """---
title: canary-title-91c2
tags: [canary-tag-2e6f, shared]
aliases: [canary-alias-8b1c]
---
# canary-heading-44aa

canary-body-7f3a 金丝雀秘密文本 #canary-inline-tag-0a9d
Links to [[Public]] so it would be a backlink (canary-backlink-b2f1).
![[canary-attachment-9e4d.png]]

```mermaid
flowchart LR
  A[canary-diagram-71d3] --> B
```
"""

PUBLIC_NOTE = """---
dg-publish: true
tags: [shared]
related: "[[canary-filename-5d0e|a property link]]"
---
# Public

Text with an inline comment %%canary-comment-3f7e%% that is dropped.

%%
canary-block-comment-6c2a
%%

A link by alias with its own text: [[canary-alias-8b1c|the other note]].

An embed of the private note:

![[canary-filename-5d0e]]

> [!note] Callout with %%canary-comment-3f7e%% inside
> visible

![[board.canvas]]
"""

# A board whose card is the private note, and whose text card links to it.
BOARD = json.dumps(
    {
        "nodes": [
            {"id": "a", "type": "file", "file": "canary-folder-c4b8/canary-filename-5d0e.md"},
            {"id": "b", "type": "text", "text": "[[canary-filename-5d0e|a card link]]", "y": 300},
        ]
    }
)


def encoded_forms(secret: str) -> list[bytes]:
    raw = secret.encode("utf-8")
    forms = {
        raw,
        quote(secret).encode(),
        quote(secret).lower().encode(),
        escape(secret).encode(),
        json.dumps(secret).strip('"').encode(),
        base64.b64encode(raw),
        secret.encode("utf-16-le"),
    }
    return sorted(forms)


def readable_bytes(path: Path) -> list[bytes]:
    """A file's bytes, and its decompressed bytes when it is gzip or zlib data."""
    data = path.read_bytes()
    out = [data]
    for decompress in (gzip.decompress, zlib.decompress):
        with contextlib.suppress(Exception):
            out.append(decompress(data))
    return out


def test_no_canary_in_any_output_byte(build_vault, tmp_path: Path) -> None:
    run = build_vault(
        {
            "canary-folder-c4b8/canary-filename-5d0e.md": PRIVATE_NOTE,
            "canary-attachment-9e4d.png": b"\x89PNG canary-attachment-9e4d",
            "Public.md": PUBLIC_NOTE,
            "board.canvas": BOARD,
        }
    )
    assert run.code == 0, run.stderr
    files = [p for p in run.out.rglob("*") if p.is_file()]
    assert any(p.name == "index.html" for p in files)
    public = run.page("/public/")
    assert "the other note" in public and "visible" in public
    assert "This content is not published." in public
    assert "a property link" in public and 'class="canvas-board"' in public
    for path in files:
        name = str(path.relative_to(run.out))
        for secret in CANARIES:
            assert secret not in name, f"{secret!r} names an output file: {name}"
        for blob in readable_bytes(path):
            for secret in CANARIES:
                for form in encoded_forms(secret):
                    assert form not in blob, f"{secret!r} leaked into {name}"


def test_private_note_is_no_backlink_and_no_tag_member(build_vault) -> None:
    run = build_vault({"canary-filename-5d0e.md": PRIVATE_NOTE, "Public.md": PUBLIC_NOTE})
    public = run.page("/public/")
    assert 'class="backlinks"' not in public
    shared = run.page("/tags/shared/")
    listing = shared.split("<main", 1)[1]  # not the explorer beside it
    assert "Public" in listing and listing.count("<li>") == 1


QUERY_CANARIES = ["canary-property-71de", "canary-task-5b3a", "canary-field-e09c"]

PRIVATE_WITH_DATA = """---
title: canary-title-91c2
tags: [canary-tag-2e6f, shared]
aliases: [canary-alias-8b1c]
rating: 5
secret: canary-property-71de
---
# canary-heading-44aa

- [ ] canary-task-5b3a [due:: 2024-01-01] #canary-inline-tag-0a9d
mood:: canary-field-e09c
canary-body-7f3a links to [[Queries]] (canary-backlink-b2f1).
"""

QUERIES_NOTE = """---
dg-publish: true
tags: [shared]
rating: 1
---
```dataview
TABLE secret, mood, file.outlinks FROM #shared
```

```dataview
TASK
```

```dataview
LIST FROM [[Queries]]
```

Shared notes: `= length(filter(list(1), (x) => true)) + 0` and
`= sum(map(filter(list(1), (x) => x), (x) => x))`; counted: `= length([[Queries]].file.inlinks)`.

```base
filters: 'file.hasTag("shared")'
views:
  - type: table
    name: All shared
    order: [file.name, secret, rating]
    summaries:
      rating: Sum
```
"""


def test_no_query_sees_an_unpublished_note(build_vault) -> None:
    """A private note whose tags, properties, fields and tasks match every query: none of
    it, not even a count, reaches any output file."""
    run = build_vault(
        {
            "canary-folder-c4b8/canary-filename-5d0e.md": PRIVATE_WITH_DATA,
            "Queries.md": QUERIES_NOTE,
            "Public.md": PUBLIC_NOTE,
        }
    )
    assert run.code == 0, run.stderr
    page = run.page("/queries/")
    assert "All shared" in page and "Sum 1" in page  # the public note's rating only
    assert 'counted: <span class="query-inline">0</span>' in page
    for path in (p for p in run.out.rglob("*") if p.is_file()):
        name = str(path.relative_to(run.out))
        for blob in readable_bytes(path):
            for secret in CANARIES + QUERY_CANARIES:
                for form in encoded_forms(secret):
                    assert form not in blob, f"{secret!r} leaked into {name}"
