"""Rule kinds: every module in this package that defines ``KIND`` is one."""
from __future__ import annotations

import importlib
import pkgutil
from functools import cache

from ..model.kind import RuleKind


@cache
def registry() -> dict[str, RuleKind]:
    """All rule kinds by name, found by importing this package's modules."""
    kinds: dict[str, RuleKind] = {}
    for info in pkgutil.iter_modules(__path__):
        module = importlib.import_module(f"{__name__}.{info.name}")
        kind = getattr(module, "KIND", None)
        if isinstance(kind, RuleKind):
            kinds[kind.name] = kind
    return dict(sorted(kinds.items(), key=lambda item: item[1].order))
