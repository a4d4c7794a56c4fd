"""Which core runs: the compiled twins of a few hot loops, or their pure-Python references.

A twin is a function of the same name in a small module of typed Cython (``textclean/matching/_*.pyx``), built at
install where a C compiler is (``hatch_build.py``). The pure function stays the spec and the fallback: it
runs where the module was not built, and everywhere when the environment sets TEXTCLEAN_PURE_PYTHON=1.
Both give the same output (tests/test_compiled.py); ``textclean --version`` says which one is in use.
The modules are built beside their sources: after changing a ``.pyx``, build again (``pip install .``, or editable).
"""
from __future__ import annotations

import importlib
import os
from collections.abc import Callable
from typing import TypeVar

#: The compiled modules, as the build names them.
MODULES = ("textclean.matching._lines", "textclean.matching._tidy", "textclean.matching._changes",
           "textclean.matching._page_evidence", "textclean.matching._boilerplate")
FORCED_PURE = os.environ.get("TEXTCLEAN_PURE_PYTHON", "") not in ("", "0")

Function = TypeVar("Function", bound=Callable)
#: Each function that has a twin: its qualified name -> (the pure function, the compiled one or None).
TWINS: dict[str, tuple[Callable, Callable | None]] = {}


def _import(name: str):
    try:
        return importlib.import_module(name)
    except ImportError:
        return None


_loaded = {name: _import(name) for name in MODULES}


def twin(module: str) -> Callable[[Function], Function]:
    """Decorate a pure function: the function in use is its namesake in ``module`` (one of MODULES) where
    that module is built and the pure path is not forced, the pure function otherwise."""
    def pick(pure: Function) -> Function:
        built = getattr(_loaded[module], pure.__name__, None) if _loaded[module] else None
        TWINS[f"{pure.__module__}.{pure.__qualname__}"] = (pure, built)
        return built if built is not None and not FORCED_PURE else pure
    return pick


def in_use() -> str:
    """'yes', or 'no' and why: for ``textclean --version``."""
    if FORCED_PURE:
        return "no (TEXTCLEAN_PURE_PYTHON is set)"
    missing = [name for name, module in _loaded.items() if module is None]
    if len(missing) == len(MODULES):
        return "no (not built: pure Python)"
    return f"partly (not built: {', '.join(missing)})" if missing else "yes"
