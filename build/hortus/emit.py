"""Stage 6: write the site into a temporary folder and swap it in only when the build succeeded."""

from __future__ import annotations

import hashlib
import os
import shutil
from pathlib import Path, PurePosixPath

from hortus.diagnostics import BuildError

ASSET_DIR = "assets"


def url_to_file(url: str) -> PurePosixPath:
    """Clean URLs: `/a/b/` is `a/b/index.html`; a URL with a suffix is that file."""
    path = PurePosixPath(url.lstrip("/"))
    if url.endswith("/") or not path.suffix:
        return path / "index.html"
    return path


def content_hash(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()[:10]


def hashed_name(name: str, data: bytes) -> str:
    """`style.css` -> `style.1a2b3c4d5e.css`, so a changed file gets a new, cacheable URL."""
    stem, dot, suffix = name.rpartition(".")
    return f"{stem}.{content_hash(data)}.{suffix}" if dot else f"{name}.{content_hash(data)}"


class SiteWriter:
    """Collects the output in a sibling temporary folder; `commit` swaps it into place."""

    def __init__(self, out: Path) -> None:
        self.out = out.resolve()
        self.out.parent.mkdir(parents=True, exist_ok=True)
        self.staging = self.out.parent / f".{self.out.name}.staging-{os.getpid()}"
        if self.staging.exists():
            shutil.rmtree(self.staging)
        self.staging.mkdir()
        self.written: set[PurePosixPath] = set()

    def write(self, relpath: PurePosixPath | str, data: bytes | str) -> None:
        rel = PurePosixPath(relpath)
        if rel.is_absolute() or ".." in rel.parts:
            raise BuildError(f"refusing to write outside the output folder: {rel}")
        if rel in self.written:
            raise BuildError(f"two outputs would be written to {rel}")
        self.written.add(rel)
        target = self.staging / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)

    def has_page(self, url: str) -> bool:
        return url_to_file(url) in self.written

    def write_page(self, url: str, html: str) -> None:
        self.write(url_to_file(url), html)

    def write_asset(self, name: str, data: bytes | str) -> str:
        """Write a content-hashed asset and return its site URL (`/assets/name.HASH.ext`)."""
        raw = data.encode("utf-8") if isinstance(data, str) else data
        rel = PurePosixPath(ASSET_DIR) / hashed_name(name, raw)
        if rel not in self.written:
            self.write(rel, raw)
        return "/" + rel.as_posix()

    def commit(self) -> None:
        """Replace the previous output with the new one; two renames inside one folder."""
        previous = self.out.parent / f".{self.out.name}.previous-{os.getpid()}"
        if self.out.exists():
            os.replace(self.out, previous)
        os.replace(self.staging, self.out)
        if previous.exists():
            shutil.rmtree(previous, ignore_errors=True)

    def abort(self) -> None:
        shutil.rmtree(self.staging, ignore_errors=True)
