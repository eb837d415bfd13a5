"""A package façade whose names load on first use: a build that finds nothing changed imports
only what it asks for, not every stage behind the façade."""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable


def lazy_names(
    package: str, modules: dict[str, str], names: list[str]
) -> tuple[Callable[[str], object], Callable[[], list[str]]]:
    """`__getattr__` and `__dir__` for `package`: each name of `modules` (name -> its module
    inside the package) is imported when first asked for, then kept in the package."""

    def getattr_(name: str) -> object:
        module = modules.get(name)
        if module is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(f"{package}.{module}"), name)
        setattr(sys.modules[package], name, value)  # looked up once
        return value

    def dir_() -> list[str]:
        return sorted(names)

    return getattr_, dir_
