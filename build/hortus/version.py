"""The version of hortus, readable by every stage without loading the package's public map."""

__version__ = "0.1.0"
