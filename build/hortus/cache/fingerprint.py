"""What every cache key starts from: the code and the installation that made the result."""

from __future__ import annotations

import functools
import hashlib
import sys
from importlib import metadata
from pathlib import Path

from hortus.cache.digest import text_digest
from hortus.version import __version__

# Raised when what a cache layer stores changes shape, so old entries are not read.
FORMAT = 2


@functools.cache
def environment_fingerprint() -> str:
    """hortus, Python and every installed package: an upgrade may change any result."""
    packages = sorted(
        f"{dist.metadata['Name']}=={dist.version}" for dist in metadata.distributions()
    )
    return text_digest("\n".join([__version__, sys.version, *packages]))


@functools.cache
def code_fingerprint() -> str:
    """hortus's own source and every installed package (a new parser plugin, Jinja2 or
    KaTeX may change any page), computed once per process."""
    digest = hashlib.sha256(f"{FORMAT}\n{environment_fingerprint()}".encode())
    package = Path(__file__).resolve().parents[1]  # the hortus package
    for path in sorted(package.rglob("*")):
        if path.suffix in (".py", ".cjs", ".json") and "__pycache__" not in path.parts:
            digest.update(path.relative_to(package).as_posix().encode() + b"\0")
            digest.update(path.read_bytes())
    return digest.hexdigest()
