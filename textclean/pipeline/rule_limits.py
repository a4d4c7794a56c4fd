"""What one rule file may ask of the loader, so that loading any file takes bounded time and memory.

Rule packs are shared between teams: a file is refused, naming its file, line and
cause, before it costs more than these limits allow. Each limit is far above what
the shipped packs use (the largest holds 60 rules in 20 kB).
"""
from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ..matching.re_tree import expanded_size
from ..model.kind import Rule, RuleError

#: Bytes a rule file may hold.
MAX_FILE_BYTES = 512_000
#: YAML aliases (``*name``) a file may use, and values it may hold once they are expanded (a billion laughs
#: expands nine aliases of nine aliases... to a billion).
MAX_ALIASES = 100
MAX_VALUES = 200_000
#: Rules a file may hold (reading and checking one costs some milliseconds).
MAX_RULES = 2_000
#: Characters a pattern may hold with each repeat count written out (``a{1000}`` holds 1000): what compiling it
#: costs. One pattern, and all the patterns of a file together.
MAX_PATTERN_SIZE = 20_000
MAX_PATTERNS_SIZE = 100_000


def refuse_oversized_patterns(rules: list[Rule], pattern_keys: dict[str, list[str]]) -> None:
    """Raise RuleError for the first pattern past MAX_PATTERN_SIZE, or that brings the file's past
    MAX_PATTERNS_SIZE. ``pattern_keys``: kind -> the keys of its rules that hold patterns."""
    total = 0
    for rule, key, pattern in _patterns(rules, pattern_keys):
        size = expanded_size(pattern)
        total += size
        if size > MAX_PATTERN_SIZE:
            raise RuleError.of(rule, f"{key} is too large: {size:,} characters with its repeat counts written out, "
                               f"more than the {MAX_PATTERN_SIZE:,} a pattern may hold", key)
        if total > MAX_PATTERNS_SIZE:
            raise RuleError.of(rule, f"{key} brings the patterns of this file to {total:,} characters with their "
                               f"repeat counts written out, more than the {MAX_PATTERNS_SIZE:,} a file may hold; "
                               "split the file", key)


def _patterns(rules: list[Rule], pattern_keys: dict[str, list[str]]) -> Iterator[tuple[Rule, str, str]]:
    for rule in rules:
        for key in pattern_keys.get(rule.kind, ()):
            value: Any = rule.spec.get(key)
            for pattern in [value] if isinstance(value, str) else value or ():
                yield rule, key, pattern
