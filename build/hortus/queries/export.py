"""The garden as files a Python cell reads (`from hortus import garden`): an index of the
published pages and a file per page, under `.hortus/garden/`.

A cell's cached results are kept only while the bytes of every file it read are unchanged
(hortus.cells), so a cell that read the index and two pages runs again when one of those
changes, and not when another page does. A file is written only when its bytes change, so
an unchanged garden leaves every cached result and the inputs snapshot as they were."""

from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path
from typing import Any

from hortus.cache import short_digest
from hortus.queries.dates import duration_text
from hortus.queries.summary import Garden, PageSummary
from hortus.queries.values import Duration, FileRef, Link, Value

GARDEN_DIR = "HORTUS_GARDEN"  # environment variable: the folder cells read the garden from
INDEX = "index.json"


def page_file(path: str) -> str:
    """The file of a page under the garden folder."""
    return f"pages/{short_digest(path, 16)}.json"


def _plain(value: Value) -> Any:
    """A value as JSON: dates tagged so the cell gets dates back, links as the path of the
    page they reach (or their text)."""
    if isinstance(value, dt.datetime):
        if (value.hour, value.minute, value.second, value.microsecond) == (0, 0, 0, 0):
            return {"$date": value.date().isoformat()}
        return {"$datetime": value.isoformat()}
    if isinstance(value, Link):
        return value.path if value.url is not None else value.label
    if isinstance(value, FileRef):
        return value.path
    if isinstance(value, Duration):
        return duration_text(value)
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, bool | int | float | str) or value is None:
        return value
    return str(value)


def _page_record(page: PageSummary) -> dict[str, Any]:
    return {
        "path": page.path,
        "url": page.url,
        "title": page.title,
        "properties": _plain(page.properties),
        "tags": [t.lstrip("#") for t in page.tags],
        "links": sorted({link.path for link in page.links if link.url and not link.embed}),
        "backlinks": list(page.inlinks),
        "updated": _plain(page.mtime),
        "created": _plain(page.ctime),
        "fields": _plain({k: v for k, v in page.fields.items() if k not in page.properties}),
    }


def garden_files(garden: Garden) -> dict[str, bytes]:
    """Every file of the garden folder, by name."""
    files: dict[str, bytes] = {}
    index = []
    for path, page in garden.pages.items():
        name = page_file(path)
        index.append({"path": path, "url": page.url, "title": page.title,
                      "tags": [t.lstrip("#") for t in page.tags], "file": name})  # fmt: skip
        files[name] = _json(_page_record(page))
    files[INDEX] = _json({"pages": index, "today": garden.today.date().isoformat()})
    return files


def _json(data: Any) -> bytes:
    return json.dumps(data, ensure_ascii=False, sort_keys=True, indent=0).encode("utf-8")


def write_garden(folder: Path, garden: Garden) -> None:
    """The garden's files in `folder`, each written only when it changed; files of pages
    that are gone are removed. Cells find the folder in the GARDEN_DIR variable."""
    files = garden_files(garden)
    (folder / "pages").mkdir(parents=True, exist_ok=True)
    for name, data in files.items():
        target = folder / name
        try:
            if target.read_bytes() == data:
                continue
        except OSError:
            pass
        temporary = target.with_suffix(".tmp")
        temporary.write_bytes(data)
        os.replace(temporary, target)
    for old in (folder / "pages").glob("*.json"):
        if f"pages/{old.name}" not in files:
            old.unlink()
    os.environ[GARDEN_DIR] = str(folder.resolve())
