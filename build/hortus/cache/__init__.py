"""Every cache layer of hortus: what lets a rebuild skip the work whose inputs are unchanged.

Each layer is keyed on everything its result is made from, and every key includes the code
that made it (`code_fingerprint`: hortus's source and the installed packages), or, for cell
results, what of the installation the cells used (`Installation`). So deleting the cache
folder, or a cache written by another version, changes only speed: a missing, unreadable or
foreign entry is a miss. The layers store bytes and plain data; what the bytes mean is the
caller's business, so this package uses no stage of the pipeline.

Paths below are inside the cache folder (`Settings.cache_folder`): `.hortus/` by default,
`node_modules/.cache/hortus/` on Vercel, or `cache-dir` in `[tool.hortus]`.

- *Inputs snapshot* (snapshot.py, `inputs_snapshot`): every file of the vault and the theme,
  pyproject.toml and the files cells read, by path, size and modification time, with the
  settings, the vault's git commit (read from .git's files, not by running git), the date
  or SOURCE_DATE_EPOCH, and the code by stat (`code_stamp`: hortus's source files, the
  folders of installed distributions, node_modules' lock file). Kept in the build record.
  When it equals the last successful build's and that build's output is intact
  (`RecordFile.changed_files` finds none: every file it wrote has the size and time it had,
  checked beside the snapshot, in a process of its own for a large site), the build
  is done: nothing is read, parsed or written, and the last build's warnings are said again
  (`replay`); `hortus build` then loads no stage at all (hortus.pipeline's
  `build_if_unchanged`). Safe because no file is read without being listed, and an edit
  changes a size or a time. The notes folder is listed once (listing.py, `list_tree`): the
  vault stage takes that listing as its own when it holds nothing to warn of.
- *Build record and output files reused by key* (record.py, `RecordFile`, `BuildRecord`):
  `site/build-<digest of the output folder>.marshal`, one per output folder. Each file
  the build wrote is recorded with the key of its inputs (or its bytes), size and time; the
  next build hard-links a file whose key is unchanged from the previous output instead of
  making it again (`SiteWriter.reuse`, in site/). A file touched since (size or time differ,
  as `changed_files` found them when the build began) is never reused, and the record is
  removed before the swap, so a failed build leaves none.
- *Parsed notes* (parsed.py, `ParsedStore`, `parse_key`): `site/parsed/<key>.pickle`,
  a note's tokens keyed on its path, its text, how it is shown and the code, so an unchanged
  note is loaded instead of parsed. Entries no note used in a build are pruned. Beside them,
  `site/parse-<key>/` (`ParsedMeta`, in shards) keeps per note what parsing gave besides
  the tokens (the parser's env, the formulas), so an unchanged note's tokens are loaded
  only when a stage reads them.
- *Read notes* (notes.py, `NoteStore`): `site/notes-<key>/`, each note as the vault
  stage read it (frontmatter, URL, what reading it warned of), by path, size and
  modification time, keyed on the code and the publishing mode; an unchanged file is not
  opened. Its text is kept apart, in `site/texts-<key>/`, and read only when asked for.
  Safe for the reason the inputs snapshot is: an edit changes a size or a time.
  Beside the shards, where the vault stage placed those very notes (URLs, home page, what
  placing warned of, the pages' language), dropped before a shard is written, then made again.
- *Links* (links.py, `LinkStore`): `site/links-<key>/`, per note what its text
  declares (links, headings, block ids, tags) and where its links went, each entry keyed on
  the note's text and on what its links' targets declare, so an edit relinks only the notes
  whose links could go elsewhere. Both are kept in shards (shards.py, `ShardedTable`): a
  build writes only the shards whose entries changed.
- *The garden's graph* (graph.py, `GraphStore`): `site/graph-<key>.pickle`, the link
  graph of the published pages (numbered nodes, edges, neighbours, the order of the best
  linked), keyed on the pages' paths, titles and URLs and on which page links to which,
  so an edit that changes no link takes it as it was. Beside it, `site/explorer-<key>.pickle`
  (`ExplorerStore`), the explorer's folder tree, keyed on the pages' paths, titles and URLs.
- *Typeset formulas* (math.py, `MathStore`): `site/math-<key>.pickle`, every formula's
  KaTeX output (or its error), one file keyed on the macros and the code, so a rebuild sends
  KaTeX only formulas it has not seen; a formula typesets alike under the same definitions.
- *Drawn diagrams* (diagrams.py, `DiagramStore`): `site/diagrams-<key>.pickle`, every
  Mermaid diagram's SVG per theme (or the renderer's message), one file keyed on the code
  (which counts the renderer's version) and the drawing options, so a rebuild draws only new
  diagrams; a source draws alike in the same theme under the same renderer.
- *Cell results* (results.py, `ResultCache`): `cells/<key>.json` (or `cells-dir`), a note's
  cell outputs keyed on its steps and timeout and the format, valid while the bytes of every
  file its cells read are unchanged and the Python major.minor and the versions of the
  distributions its cells imported (`Installation`) are those it was computed with; a frozen
  read (`freeze`) checks the files only. The cells stage never keeps a failed run (its fix
  may lie outside what the key sees).
- *Cell checkpoints* (checkpoints.py, `NoteCheckpoints`, `checkpoint_keys`):
  `checkpoints/<note>/<key>.checkpoint`, what a note's run needs to go on after one of its
  cells, keyed on the note, its steps up to that cell, its time limit and the installation,
  valid while the files its cells read before it are unchanged; a note keeps only those of
  its current steps.
- *Content memory* (content.py, `ContentMemory`): in memory only, for `hortus serve`: the
  digest of each file last seen changed, so a save that changes no byte starts no rebuild.

`SiteCache` is the `site/` folder as one build uses it; `digest`, `plain_digest`,
`text_digest`, `bytes_digest`, `file_digest` and `short_digest` are the one way hortus
names content;
`write_file` writes the many small files of a cache or a site (files.py).
"""

from hortus.cache.checkpoints import (
    CHECKPOINT_LIMIT,
    NoteCheckpoints,
    checkpoint_keys,
)
from hortus.cache.content import ContentMemory
from hortus.cache.diagrams import DiagramStore
from hortus.cache.digest import (
    bytes_digest,
    digest,
    file_digest,
    plain_digest,
    short_digest,
    text_digest,
)
from hortus.cache.files import write_file
from hortus.cache.fingerprint import (
    FORMAT,
    Installation,
    code_fingerprint,
    environment_fingerprint,
    python_version,
)
from hortus.cache.graph import ExplorerStore, GraphStore
from hortus.cache.links import LinkStore
from hortus.cache.listing import Listing, decodable, list_tree
from hortus.cache.math import MathStore
from hortus.cache.notes import NoteStore
from hortus.cache.parsed import ParsedMeta, ParsedStore, parse_key
from hortus.cache.record import (
    BuildRecord,
    FileRecord,
    RecordedDiagnostic,
    RecordFile,
    recorded,
    replay,
)
from hortus.cache.results import ResultCache, StoredResult
from hortus.cache.site import SITE_FOLDER, SiteCache
from hortus.cache.snapshot import base_snapshot, inputs_snapshot, settled_snapshot

__all__ = [
    "CHECKPOINT_LIMIT",
    "FORMAT",
    "SITE_FOLDER",
    "BuildRecord",
    "ContentMemory",
    "DiagramStore",
    "ExplorerStore",
    "FileRecord",
    "GraphStore",
    "Installation",
    "LinkStore",
    "Listing",
    "MathStore",
    "NoteCheckpoints",
    "NoteStore",
    "ParsedMeta",
    "ParsedStore",
    "RecordFile",
    "RecordedDiagnostic",
    "ResultCache",
    "SiteCache",
    "StoredResult",
    "base_snapshot",
    "bytes_digest",
    "checkpoint_keys",
    "code_fingerprint",
    "decodable",
    "digest",
    "environment_fingerprint",
    "file_digest",
    "inputs_snapshot",
    "list_tree",
    "parse_key",
    "plain_digest",
    "python_version",
    "recorded",
    "replay",
    "settled_snapshot",
    "short_digest",
    "text_digest",
    "write_file",
]
