"""The functions of each dialect, by name, for the compiler (see evaluate)."""

from __future__ import annotations

from hortus.queries.bases_functions import GLOBALS
from hortus.queries.bases_methods import bases_method
from hortus.queries.dataview_functions import FUNCTIONS
from hortus.queries.dataview_text import TEXT_FUNCTIONS
from hortus.queries.scope import Function

method_of = bases_method
_DATAVIEW = {**FUNCTIONS, **TEXT_FUNCTIONS}


def functions_of(dialect: str) -> dict[str, Function]:
    return GLOBALS if dialect == "bases" else _DATAVIEW
