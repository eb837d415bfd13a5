"""Site settings from `[tool.hortus]` in pyproject.toml, with defaults so an empty table works."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from hortus.diagnostics import BuildError

PUBLISH_MODES = ("opt-in", "all")


@dataclass(frozen=True)
class Settings:
    root: Path  # the project folder: where pyproject.toml is, else the working directory
    title: str = "hortus"
    base_url: str = ""
    language: str = "zh-CN"
    publish: str = "opt-in"
    theme: Path = Path("theme")
    strict: bool = False
    timeout: float = 120.0
    cell_memory_mb: int = 2048
    math_macros: dict[str, str] = field(default_factory=dict)
    search_shard_pages: int = 2000  # pages per search index; a larger garden gets several

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
        "search-shard-pages": int,
    }
    values: dict[str, object] = {}
    for key, value in table.items():
        if key not in known:
            raise BuildError(f"{path}: [tool.hortus] has an unknown setting {key!r}")
        if not isinstance(value, known[key]):  # type: ignore[arg-type]
            raise BuildError(f"{path}: [tool.hortus] {key} has the wrong type: {value!r}")
        values[key.replace("-", "_")] = value
    if values.get("publish", "opt-in") not in PUBLISH_MODES:
        raise BuildError(f"{path}: [tool.hortus] publish must be one of {', '.join(PUBLISH_MODES)}")
    if int(values.get("search_shard_pages", 1)) < 1:  # type: ignore[call-overload]
        raise BuildError(f"{path}: [tool.hortus] search-shard-pages must be at least 1")
    if "theme" in values:
        values["theme"] = Path(str(values["theme"]))
    if "base_url" in values:
        values["base_url"] = str(values["base_url"]).rstrip("/")
    return Settings(root=root, **values)  # type: ignore[arg-type]


def _read_toml(path: Path) -> dict:
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except tomllib.TOMLDecodeError as exc:
        raise BuildError(f"{path}: invalid TOML: {exc}") from exc
