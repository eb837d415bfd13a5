"""Site settings from `[tool.hortus]` in pyproject.toml, with defaults so an empty table works."""

from __future__ import annotations

import os
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from hortus.diagnostics import BuildError

PUBLISH_MODES = ("opt-in", "all")
EXECUTORS = ("local", "dask")  # where notes' cells run
MATH_OUTPUTS = ("html", "mathml")  # KaTeX's HTML (the default), or Temml's far smaller MathML
# A BCP 47 language tag as pages and Pagefind take it: `en`, `zh-CN`, `zh-Hant-TW`, `pt-BR`.
LANGUAGE_TAG = re.compile(r"[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*")


@dataclass(frozen=True)
class Settings:
    root: Path  # the project folder: where pyproject.toml is, else the working directory
    title: str = "hortus"
    base_url: str = ""
    language: str | None = None  # the pages' language; None: chosen from the notes' text
    publish: str = "opt-in"
    theme: Path = Path("theme")
    strict: bool = False
    timeout: float = 120.0
    cell_memory_mb: int = 2048
    math_macros: dict[str, str] = field(default_factory=dict)
    math_output: str = "html"  # `math-output`: "html" (KaTeX) or "mathml" (Temml, compact)
    search_shard_pages: int = 2000  # pages per search index; a larger garden gets several
    properties: bool = True  # show a note's properties at the top of its page
    hide_properties: list[str] = field(default_factory=list)  # property keys not shown
    cache_dir: Path | None = None  # `cache-dir`: where caches live; None: see `cache_folder`
    cells_dir: Path | None = None  # `cells-dir`: where cell results live; None: in the cache
    executor: str = "local"  # where cells run: "local" (this machine) or "dask" (a cluster)
    dask_scheduler: str | None = None  # `dask-scheduler`: "tcp://host:8786", for "dask"
    freeze: bool = False  # reuse stored cell results while sources and files read are unchanged
    # Dataview's queries and fields; None: as the vault's Obsidian runs the plugin or not
    # (on when the vault keeps no list of its plugins).
    dataview: bool | None = None

    @property
    def cache_folder(self) -> Path:
        """Every cache of the project: `cache-dir`; else, on Vercel (which keeps node_modules/
        between deploys and nothing else), `node_modules/.cache/hortus/`; else `.hortus/`."""
        if self.cache_dir is not None:
            return self.root / self.cache_dir
        if os.environ.get("VERCEL"):
            return self.root / "node_modules" / ".cache" / "hortus"
        return self.root / ".hortus"

    @property
    def cells_folder(self) -> Path:
        """The notes' cell results: `cells-dir` (a folder a user may commit), else `cells/` of
        the cache folder."""
        if self.cells_dir is not None:
            return self.root / self.cells_dir
        return self.cache_folder / "cells"

    @property
    def theme_dir(self) -> Path:
        """The project's theme folder; a project without one gets the default theme."""
        theme = self.theme if self.theme.is_absolute() else self.root / self.theme
        if theme.is_dir() or self.theme != Path("theme"):
            return theme
        return default_theme_dir()


def default_theme_dir() -> Path:
    """Installed, the theme ships inside the package; from a checkout it is the repo's theme/."""
    package = Path(__file__).resolve().parent
    bundled = package / "_theme"
    return bundled if bundled.is_dir() else package.parents[1] / "theme"


def find_root(start: Path) -> Path:
    """The nearest folder at or above `start` whose pyproject.toml has a [tool.hortus] table."""
    for folder in (start, *start.parents):
        candidate = folder / "pyproject.toml"
        if candidate.is_file() and "hortus" in _read_toml(candidate).get("tool", {}):
            return folder
    return start


def load_settings(root: Path) -> Settings:
    path = root / "pyproject.toml"
    table = _read_toml(path).get("tool", {}).get("hortus", {}) if path.is_file() else {}
    known = {
        "title": str,
        "base-url": str,
        "language": str,
        "publish": str,
        "theme": str,
        "strict": bool,
        "timeout": (int, float),
        "cell-memory-mb": int,
        "math-macros": dict,
        "math-output": str,
        "search-shard-pages": int,
        "properties": bool,
        "hide-properties": list,
        "cache-dir": str,
        "cells-dir": str,
        "executor": str,
        "dask-scheduler": str,
        "freeze": bool,
        "dataview": bool,
    }
    values: dict[str, object] = {}
    for key, value in table.items():
        if key not in known:
            raise BuildError(f"{_where(path, key)}: [tool.hortus] has an unknown setting {key!r}")
        if not isinstance(value, known[key]):  # type: ignore[arg-type]
            raise BuildError(
                f"{_where(path, key)}: [tool.hortus] {key} has the wrong type: {value!r}"
            )
        values[key.replace("-", "_")] = value
    if values.get("executor", "local") not in EXECUTORS:
        executors = " or ".join(f'"{name}"' for name in EXECUTORS)
        raise BuildError(f"{_where(path, 'executor')}: [tool.hortus] executor must be {executors}")
    if values.get("publish", "opt-in") not in PUBLISH_MODES:
        modes = ", ".join(PUBLISH_MODES)
        raise BuildError(f"{_where(path, 'publish')}: [tool.hortus] publish must be one of {modes}")
    if values.get("math_output", "html") not in MATH_OUTPUTS:
        outputs = " or ".join(f'"{name}"' for name in MATH_OUTPUTS)
        raise BuildError(
            f"{_where(path, 'math-output')}: [tool.hortus] math-output must be {outputs}, "
            f"not {values['math_output']!r}"
        )
    if int(values.get("search_shard_pages", 1)) < 1:  # type: ignore[call-overload]
        where = _where(path, "search-shard-pages")
        raise BuildError(f"{where}: [tool.hortus] search-shard-pages must be at least 1")
    if "language" in values and not LANGUAGE_TAG.fullmatch(str(values["language"])):
        raise BuildError(
            f"{_where(path, 'language')}: [tool.hortus] language must be a language tag such "
            f'as "en" or "zh-CN", not {values["language"]!r} (leave it out to have it '
            "chosen from the notes)"
        )
    if not all(isinstance(key, str) for key in values.get("hide_properties", [])):  # type: ignore[attr-defined]
        raise BuildError(f"{path}: [tool.hortus] hide-properties must be a list of keys")
    for folder in ("theme", "cache_dir", "cells_dir"):
        if folder in values:
            values[folder] = Path(str(values[folder]))
    if "base_url" in values:
        values["base_url"] = str(values["base_url"]).rstrip("/")
    return Settings(root=root, **values)  # type: ignore[arg-type]


def _where(path: Path, key: str) -> str:
    """`path:line` of `key` in the [tool.hortus] table, for a message; `path` if not found."""
    table = False
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return str(path)
    for number, line in enumerate(lines, start=1):
        text = line.strip()
        if text.startswith("["):
            table = text.replace(" ", "").startswith("[tool.hortus]")
        elif table and re.match(rf"""["']?{re.escape(key)}["']?\s*=""", text):
            return f"{path}:{number}"
    return str(path)


def _read_toml(path: Path) -> dict:
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except tomllib.TOMLDecodeError as exc:
        raise BuildError(f"{path}: invalid TOML: {exc}") from exc
