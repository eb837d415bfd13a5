"""`python -m hortus` runs the command line."""

from hortus.cli import run

run()
