"""hortus: publish an Obsidian vault as a static site whose numbers are checked."""

from hortus.version import __version__

__all__ = ["__version__", "claim", "garden"]

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing
if TYPE_CHECKING:  # editors see the real signature; at run time it loads on first use
    from hortus.cells import claim, garden


def __getattr__(name: str) -> object:
    # Lazy so that `import hortus` (every CLI start) does not pay for the claims module.
    if name == "claim":
        from hortus.cells import claim

        return claim
    if name == "garden":  # the published pages, for a cell (hortus.cells.garden)
        from hortus.cells import garden

        return garden
    raise AttributeError(f"module 'hortus' has no attribute {name!r}")
