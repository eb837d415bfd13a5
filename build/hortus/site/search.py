"""Full-text search: Pagefind indexes the built pages, so the deployed site searches itself offline.

Pagefind's *extended* binary (PyPI: `pagefind[extended]`) segments Chinese and Japanese text
into words while indexing; Pagefind 1.5+ segments the query in the browser with
`Intl.Segmenter`, so a query typed without spaces (极大似然) still finds its words.
"""

from __future__ import annotations

import contextlib
import gzip
import json
import os
import re
import shutil
import tempfile
import threading
import time
import zlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

from hortus.cache import text_digest
from hortus.diagnostics import BuildError
from hortus.parallel import pid_alive
from hortus.site.search_input import page_view
from hortus.site.search_service import PagefindService, ServiceIndex

BUNDLE_DIR = "pagefind"
MIN_VERSION = (1, 5)  # the first release that segments Chinese queries in the browser

# Parts of a note page that are not worth finding.
EXCLUDE_SELECTORS = (
    # Every note has dates; a search for "2025" should not match them all.
    ".note-meta .dates",
    # KaTeX writes each formula three times (HTML, MathML, TeX); keep only the TeX source,
    # which reads like what the writer typed and is what Obsidian's own search shows.
    ".katex-html",
    ".katex-mathml semantics > :not(annotation)",
    # Temml (math-output = "mathml") writes it twice: the MathML and the TeX annotation.
    "math > semantics > :not(annotation)",
)

_BODY = re.compile(rb"<[a-zA-Z][^>]*\sdata-pagefind-body[\s/>=]")
_CANONICAL = re.compile(rb"<link\s+rel=\"canonical\"\s+href=\"([^\"]*)\"")
_VERSION = re.compile(r"(\d+)\.(\d+)\.(\d+)")
SCRATCH_PREFIX = ".pagefind-"
_SCRATCH = re.compile(re.escape(SCRATCH_PREFIX) + r"(?P<pid>\d+)-.+")
# Scratch folders this process is using now: never stale, whatever their pid says.
_live_scratch: set[Path] = set()
_scratch_lock = threading.Lock()  # a folder is made and marked live before another thread looks


@dataclass(frozen=True)
class SearchStats:
    pages: int  # pages in the index
    language: str
    version: str  # Pagefind's version, "" when nothing was indexed
    files: int  # files written under pagefind/
    size: int  # their total size in bytes
    seconds: float

    def summary(self) -> str:
        if not self.pages:
            return "search: no pages to index"
        return (
            f"search: {self.pages} pages indexed by Pagefind {self.version} "
            f"({self.files} files, {self.size // 1024} KiB) in {self.seconds:.2f} s"
        )


MIN_SHARD_PAGES = 500  # from twice this many pages on, the index is at least two shards
SHARD_PREFIX = "shard-"  # pagefind/shard-N/: the further indexes of a large garden
SHARDS_FILE = "hortus-shards.json"  # pagefind/hortus-shards.json lists them for search.js


@dataclass(frozen=True)
class Shard:
    """One Pagefind index and the pages it holds. A garden of more pages than one index
    should hold gets several (search.js merges them in the browser): Pagefind keeps all it
    indexes in memory, and an edit re-indexes only the shard of the edited page."""

    folder: str  # site-relative: `pagefind` (the first), `pagefind/shard-N`
    pages: tuple[str, ...]  # site-relative page files, `a/b/index.html`


def plan_shards(
    site_dir: Path,
    shard_pages: int,
    pages: list[str] | None = None,
    placed: dict[str, int] | None = None,
) -> list[Shard]:
    """The note pages of the built site, split into shards by a hash of their file name, so
    that a page stays in its shard from build to build. The build names its note pages
    (`pages`); otherwise every page of the site is read to find them. `placed`: each page's
    shard number as the last build found it, for as many shards (see shard_count), so an
    edit hashes only its new pages' names."""
    pages = sorted(set(pages)) if pages is not None else _pages_to_index(site_dir.resolve())
    if not pages:
        return []
    count = shard_count(len(pages), shard_pages)
    known = placed or {}
    groups: list[list[str]] = [[] for _ in range(count)]
    for rel in pages:
        number = known.get(rel)
        groups[shard_number(rel, count) if number is None else number].append(rel)
    shards = [(number, group) for number, group in enumerate(groups) if group]
    return [
        Shard(BUNDLE_DIR if i == 0 else f"{BUNDLE_DIR}/{SHARD_PREFIX}{number}", tuple(group))
        for i, (number, group) in enumerate(shards)
    ]


def shard_count(pages: int, shard_pages: int) -> int:
    """How many shards a garden of `pages` note pages is split into."""
    count = -(-pages // max(1, shard_pages))
    if pages >= 2 * MIN_SHARD_PAGES:
        count = max(count, 2)  # two indexes are made side by side, a core each
    # Made two at a time, an odd count leaves the last one alone on a core; not a count
    # chosen by the machine's cores, as the same garden must build the same files anywhere.
    return count + (count % 2 if count > 2 else 0)


def shard_number(rel: str, count: int) -> int:
    """The shard of `count` a page file belongs in: by a hash of its name."""
    return int(text_digest(rel)[:8], 16) % count


RECENT = f"{BUNDLE_DIR}/{SHARD_PREFIX}recent"  # the pages edited since their shard was made


def shard_list(shards: list[Shard], hidden: dict[str, str] | None = None) -> bytes:
    """The further shards, for search.js to merge, and the records it must not show (id ->
    URL): the old versions of edited pages, still in their shards. Always written: an empty
    list saves the browser a request that would fail."""
    names = [shard.folder.removeprefix(BUNDLE_DIR + "/") + "/" for shard in shards[1:]]
    listed = {"shards": names, "hidden": dict(sorted((hidden or {}).items()))}
    return (json.dumps(listed, ensure_ascii=False) + "\n").encode()


@dataclass(frozen=True)
class ShardIndex:
    """What indexing a shard gave: its figures, and the Pagefind id of each page's record
    (what search.js is told to hide when the page is edited)."""

    stats: SearchStats
    ids: dict[str, str]  # page file (`a/b/index.html`) -> Pagefind's id of its record, if any
    views: dict[str, str]  # page file -> digest of what Pagefind was shown of it


def index_site(site_dir: Path, language: str, shard_pages: int = 2000) -> SearchStats:
    """Index the note pages of the built site in `site_dir` into `site_dir/pagefind/`."""
    started = time.perf_counter()
    shards = plan_shards(site_dir, shard_pages)
    stats = [index_shard(site_dir, shard, language).stats for shard in shards]
    if shards:
        (site_dir / BUNDLE_DIR / SHARDS_FILE).write_bytes(shard_list(shards))
    return SearchStats(
        sum(s.pages for s in stats),
        language.strip().lower(),
        stats[0].version if stats else "",
        sum(s.files for s in stats),
        sum(s.size for s in stats),
        time.perf_counter() - started,
    )


def index_shard(
    site_dir: Path, shard: Shard, language: str, page_file: Callable[[str], Path] | None = None
) -> ShardIndex:
    """Index one shard's pages into `site_dir/<shard.folder>`; each page is read from
    `page_file(rel)` when given (a page kept in the previous output), else `site_dir/rel`.

    Nothing in `site_dir` changes unless indexing succeeds. Raises BuildError when Pagefind
    is missing, too old, or fails.
    """
    started = time.perf_counter()
    site_dir = site_dir.resolve()
    _clear_stale_scratch(site_dir.parent)
    language = language.strip().lower()  # Pagefind keys its indexes by the lower-cased `lang`
    binary = pagefind_binary()
    # Pagefind writes its bundle into a scratch folder next to the site, so a failure leaves
    # the site as it was. Named with our pid, so that a later build can tell the folder of a
    # killed one.
    prefix = f"{SCRATCH_PREFIX}{os.getpid()}-"
    with _scratch_lock:
        scratch = Path(tempfile.mkdtemp(prefix=prefix, dir=site_dir.parent))
        _live_scratch.add(scratch)
    try:
        bundle = scratch / "bundle"
        views: dict[str, str] = {}

        def pages() -> Iterator[tuple[str, str]]:
            for rel in shard.pages:
                view = page_view(page_file(rel) if page_file else site_dir / rel)
                views[rel] = text_digest(view)
                yield _page_url(rel), view

        by_url = run_pagefind(binary, pages(), bundle, language)
        version = _check_bundle(bundle)
        entry = json.loads((bundle / "pagefind-entry.json").read_text(encoding="utf-8"))
        indexed = sum(lang.get("page_count", 0) for lang in entry.get("languages", {}).values())
        files = [p for p in bundle.rglob("*") if p.is_file()]
        size = sum(p.stat().st_size for p in files)
        urls = {rel: _page_url(rel) for rel in shard.pages}
        ids = {name: by_url[url] for name, url in urls.items() if url in by_url}
        with _move_lock:  # shards are indexed at once; the first one's folder holds the rest
            _move_into(bundle, site_dir, shard.folder)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
        _live_scratch.discard(scratch)
    took = time.perf_counter() - started
    stats = SearchStats(indexed, language, version, len(files), size, took)
    return ShardIndex(stats, ids, views)


_move_lock = threading.Lock()


def _move_into(bundle: Path, site_dir: Path, folder: str) -> None:
    """Put an index in `folder` of the site. The folder may already hold the other shards
    (inside the first one's folder), or an index of an earlier run over the same site,
    replaced here."""
    target = site_dir / folder
    if not target.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(bundle, target)
        return
    ours = [e for e in target.iterdir() if e.name.startswith(SHARD_PREFIX) or e.name == SHARDS_FILE]
    if not (target / "pagefind-entry.json").is_file() and len(ours) != len(list(target.iterdir())):
        others = sorted(e.name for e in target.iterdir() if e not in ours)
        shown = ", ".join(f"/{folder}/{name}" for name in others[:3])
        raise BuildError(
            f"the site's search index goes in /{folder}/, but the build also wrote {shown} "
            "there; give what is published there another URL"
        )
    for entry in list(target.iterdir()):
        if entry not in ours:
            shutil.rmtree(entry) if entry.is_dir() else entry.unlink()
    for entry in bundle.iterdir():
        os.replace(entry, target / entry.name)


def _clear_stale_scratch(folder: Path) -> None:
    """Remove the scratch folders that builds killed while indexing (SIGKILL) left in `folder`.

    Only `.pagefind-<pid>-*` folders whose process is gone, or that are our own pid's but not
    in use here (a container restarted with the same pid), are touched."""
    try:
        entries = list(folder.iterdir())
    except OSError:
        return
    with _scratch_lock:
        stale = [entry for entry in entries if _is_stale(entry)]
    for entry in stale:
        if entry.is_dir() and not entry.is_symlink():
            shutil.rmtree(entry, ignore_errors=True)


def _is_stale(entry: Path) -> bool:
    match = _SCRATCH.fullmatch(entry.name)
    if match is None or entry in _live_scratch:
        return False
    pid = int(match["pid"])
    return not pid_alive(pid)  # our own pid, not in use here, is from an earlier life


def pagefind_binary() -> Path:
    """The extended Pagefind binary: the plain one cannot split Chinese into words."""
    try:
        from pagefind_bin_extended import get_executable  # installed by `pagefind[extended]`

        return Path(get_executable())
    except (ImportError, FileNotFoundError):
        pass
    found = shutil.which("pagefind_extended")
    if found:
        return Path(found)
    raise BuildError(
        "search: Pagefind's extended binary is not installed; "
        "install it with `pip install 'pagefind[extended]>=1.5'`"
    )


def _pages_to_index(site_dir: Path) -> list[str]:
    """Pages with a `data-pagefind-body`, one file per page, in a stable order.

    The home note is also written at `/`; both files name the same canonical URL, and only
    the one at that URL is indexed, so a search never shows one note twice.
    """
    by_canonical: dict[bytes, list[str]] = {}
    for path in sorted(site_dir.rglob("*.html")):
        rel = path.relative_to(site_dir)
        if rel.parts[0] == BUNDLE_DIR:
            continue
        html = path.read_bytes()
        if not _BODY.search(html):
            continue
        match = _CANONICAL.search(html)
        key = match.group(1) if match else b"file:" + rel.as_posix().encode()
        by_canonical.setdefault(key, []).append(rel.as_posix())
    pages: list[str] = []
    for canonical, files in by_canonical.items():
        if len(files) > 1:
            wanted = unquote(urlsplit(canonical.decode("utf-8", "replace")).path)
            own = [f for f in files if wanted.endswith("/" + _page_url(f).lstrip("/"))]
            # The longest match: `/` is a suffix of every canonical URL.
            files = [max(own, key=lambda f: len(_page_url(f)))] if own else files[:1]
        pages.extend(files)
    return sorted(pages)


def _page_url(rel: str) -> str:
    """`a/b/index.html` -> `/a/b/`, as the site serves it."""
    posix = "/" + rel
    return posix[: -len("index.html")] if posix.endswith("/index.html") else posix


# Pagefind's own search interfaces, which the theme does not use (search.js is its own).
UNUSED_FILES = frozenset(
    {
        "pagefind-ui.js",
        "pagefind-ui.css",
        "pagefind-modular-ui.js",
        "pagefind-modular-ui.css",
        "pagefind-component-ui.js",
        "pagefind-component-ui.css",
        "pagefind-highlight.js",
    }
)


def run_pagefind(
    binary: Path, pages: Iterable[tuple[str, str]], bundle: Path, language: str
) -> dict[str, str]:
    """Index `pages` (URL, HTML) into `bundle`, in the one index of `language`, by Pagefind's
    service: each page is handed over as it comes, and Pagefind reads no file. Returns each
    page's URL -> the id Pagefind gave its record (the name of its fragment file)."""
    config: dict[str, object] = {"exclude_selectors": list(EXCLUDE_SELECTORS)}
    if language:
        config["force_language"] = language  # one index, segmented as the site's language
    bundle.parent.mkdir(parents=True, exist_ok=True)
    with PagefindService(binary, cwd=bundle.parent) as service:
        index = ServiceIndex(service, config)
        for url, html in pages:
            index.add_html(url, html)
        files = index.files()
    # Written here rather than by Pagefind: its service answers before its writes are done.
    folders: set[Path] = set()
    ids: dict[str, str] = {}
    for name, data in sorted(files.items()):
        rel = Path(name)
        if name in UNUSED_FILES or rel.is_absolute() or ".." in rel.parts:
            continue
        target = bundle / rel
        if target.parent not in folders:
            target.parent.mkdir(parents=True, exist_ok=True)
            folders.add(target.parent)
        target.write_bytes(data)
        if rel.parent.name == "fragment" and rel.suffix == ".pf_fragment":
            ids[_fragment_url(data)] = rel.stem
    return ids


def _fragment_url(data: bytes) -> str:
    """The URL of the page a fragment file is the record of. A fragment is gzipped JSON
    after a signature, its URL first: only its opening is unpacked and read, unless the
    URL runs past it."""
    opening = zlib.decompressobj(wbits=31).decompress(data, 4096).decode("utf-8", "replace")
    start = opening.find('{"url":"')
    if start >= 0:
        with contextlib.suppress(ValueError):
            url, end = json.decoder.scanstring(opening, start + 8)
            if end < len(opening):
                return url
    fragment = gzip.decompress(data)
    return json.loads(fragment[fragment.index(b"{") :])["url"]


def _check_bundle(bundle: Path) -> str:
    entry_path = bundle / "pagefind-entry.json"
    if not entry_path.is_file():
        raise BuildError(f"search: Pagefind wrote no index ({entry_path} is missing)")
    version = str(json.loads(entry_path.read_text(encoding="utf-8")).get("version", ""))
    match = _VERSION.match(version)
    if not match or tuple(int(n) for n in match.groups()[:2]) < MIN_VERSION:
        raise BuildError(
            f"search: Pagefind {version or '(unknown version)'} cannot search Chinese "
            "without spaces; install `pagefind[extended]>=1.5`"
        )
    return version
