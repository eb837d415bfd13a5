"""hortus: publish an Obsidian vault as a static site whose numbers are checked."""

__version__ = "0.1.0"
