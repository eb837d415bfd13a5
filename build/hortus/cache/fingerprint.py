"""What cache keys are made from: the code and the installation that made a result, and, for
cell results, the Python version and the installed distributions a note's cells imported."""

from __future__ import annotations

import functools
import hashlib
import os
import re
import sys
from collections.abc import Iterable
from pathlib import Path

from hortus.cache.digest import text_digest
from hortus.version import __version__

# Raised when what a cache layer stores changes shape, so old entries are not read.
FORMAT = 2


@functools.cache
def environment_fingerprint() -> str:
    """hortus, Python and every installed package: an upgrade may change any result."""
    from importlib import metadata  # here: a build that finds nothing changed never reads it

    packages = sorted(
        f"{dist.metadata['Name']}=={dist.version}" for dist in metadata.distributions()
    )
    return text_digest("\n".join([__version__, sys.version, *packages]))


@functools.cache
def code_fingerprint() -> str:
    """hortus's own source, Python and every installed package (a new parser plugin, Jinja2
    or KaTeX may change any page), computed once per process."""
    installed = "\n".join(installed_distributions())
    digest = hashlib.sha256(f"{FORMAT}\n{__version__}\n{sys.version}\n{installed}".encode())
    package = Path(__file__).resolve().parents[1]  # the hortus package
    for path in sorted(package.rglob("*")):
        if path.suffix in (".py", ".cjs", ".json") and "__pycache__" not in path.parts:
            digest.update(path.relative_to(package).as_posix().encode() + b"\0")
            digest.update(path.read_bytes())
    return digest.hexdigest()


def installed_distributions() -> list[str]:
    """Every installed distribution as its metadata folder is named, `name-version.dist-info`
    (also `.egg-info`), folder by folder of the import path: the names and versions
    `importlib.metadata` reports, read from a listing instead of from every METADATA file."""
    found = []
    for entry in sys.path:
        try:
            names = os.listdir(entry or ".")
        except OSError:
            continue
        found += sorted(n for n in names if n.endswith((".dist-info", ".egg-info")))
    return found


def python_version() -> str:
    """This Python's major.minor ("3.11"): what a cell's results may depend on of Python."""
    return f"{sys.version_info.major}.{sys.version_info.minor}"


def canonical_name(name: str) -> str:
    """A distribution's name as the package index compares names (PEP 503)."""
    return re.sub(r"[-_.]+", "-", name).lower()


class Installation:
    """The distributions installed in this environment, read once when first asked (a build
    makes one, so `hortus serve` sees what was installed since its last build)."""

    def __init__(self) -> None:
        self._read = False
        self._asked: dict[str, str | None] = {}  # name -> version, looked up one by one
        self._versions: dict[str, tuple[str, str]] = {}  # canonical name -> (name, version)
        self._requires: dict[str, list[str]] = {}  # canonical name -> what it requires
        self._providers: dict[str, list[str]] = {}  # top-level module -> distributions

    def version(self, name: str) -> str | None:
        """The installed version of distribution `name`, or None when it is not installed."""
        if self._read:
            found = self._versions.get(canonical_name(name))
            return None if found is None else found[1]
        if name not in self._asked:  # a few names: cheaper than reading every distribution
            from importlib import metadata

            try:
                self._asked[name] = metadata.version(name)
            except metadata.PackageNotFoundError:
                self._asked[name] = None
        return self._asked[name]

    def versions_of(self, modules: Iterable[str]) -> dict[str, str]:
        """{distribution: version} of what provides the top-level `modules`, and of what
        those require in turn (installed, outside optional extras): the modules a cell
        imported run their code. The standard library and hortus itself are left out."""
        self._load()
        pending = [
            canonical_name(dist)
            for module in modules
            if module not in sys.stdlib_module_names and module != "hortus"
            for dist in self._providers.get(module, ())
        ]
        found: dict[str, str] = {}
        while pending:
            key = pending.pop()
            known = self._versions.get(key)
            if known is None or known[0] in found or key == "hortus":
                continue
            found[known[0]] = known[1]
            pending.extend(self._requires.get(key, ()))
        return dict(sorted(found.items()))

    def _load(self) -> None:
        if self._read:
            return
        self._read = True
        from importlib import metadata  # here: a build that finds nothing changed never reads it

        for dist in metadata.distributions():  # in sys.path order: the first one is imported
            name = dist.metadata["Name"]
            if not name or canonical_name(name) in self._versions:
                continue
            self._versions[canonical_name(name)] = (name, dist.version)
            self._requires[canonical_name(name)] = _required(dist.requires or [])
        self._providers = metadata.packages_distributions()


def _required(requirements: list[str]) -> list[str]:
    """The canonical names of the requirements that are not optional extras and whose
    environment markers hold here (all of them when `packaging` cannot tell)."""
    names = []
    for requirement in requirements:
        marker = requirement.partition(";")[2].strip()
        match = _REQUIREMENT_NAME.match(requirement)
        if match and "extra" not in marker and (not marker or _marker_holds(marker)):
            names.append(canonical_name(match.group(0)))
    return names


def _marker_holds(marker: str) -> bool:
    try:
        from packaging.markers import Marker
    except ImportError:
        return True  # counting one distribution too many only runs a note once more
    try:
        return Marker(marker).evaluate()
    except Exception:  # an invalid marker: as above
        return True


_REQUIREMENT_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")
