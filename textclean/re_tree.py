"""Patterns as the standard ``re`` module's parser reads them: a tree to reason about, never to match with.

``regex`` reads most of the same syntax the same way; where it does not (``\\p{..}``,
``\\L<..>``, ``[[:alpha:]]``), :func:`parse` gives None and the callers assume nothing.
"""
from __future__ import annotations

import warnings

try:  # Python 3.11 and later
    from re import _constants as sre
    from re import _parser as sre_parse
except ImportError:  # Python 3.10
    import sre_constants as sre
    import sre_parse

ATOMIC_GROUP = getattr(sre, "ATOMIC_GROUP", None)  # Python 3.11 and later
POSSESSIVE_REPEAT = getattr(sre, "POSSESSIVE_REPEAT", None)  # Python 3.11 and later
REPEATS = {sre.MAX_REPEAT, sre.MIN_REPEAT} | ({POSSESSIVE_REPEAT} if POSSESSIVE_REPEAT else set())


def parse(pattern: str):
    """The parse tree of ``pattern``, or None where only ``regex`` reads it right."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error")  # "possible nested set": [[:alpha:]] means something else to ``regex``
            return sre_parse.parse(pattern)
    except Exception:  # noqa: BLE001 - re's parser raises several types for syntax only regex knows
        return None
