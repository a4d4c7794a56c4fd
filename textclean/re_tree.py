"""Patterns as the standard ``re`` module's parser reads them: a tree to reason about, never to match with.

``regex`` reads most of the same syntax the same way; where it does not (``\\p{..}``,
``\\L<..>``, ``[[:alpha:]]``), :func:`parse` gives None and the callers assume nothing.
"""
from __future__ import annotations

import re
import warnings
from collections.abc import Iterator
from functools import cache

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
    if any(not syntax and piece.startswith("[") and _POSIX_CLASS.search(piece, 1) for piece, syntax in pieces(pattern)):
        return None  # [[:digit:] is a POSIX class to ``regex``, to ``re`` a set and then a literal ']'
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error")  # "possible nested set": [[:alpha:]] means something else to ``regex``
            return sre_parse.parse(pattern)
    except Exception:  # noqa: BLE001 - re's parser raises several types for syntax only regex knows
        return None


_POSIX_CLASS = re.compile(r"\[[:=.]")
_NUMBERED_REFERENCE = re.compile(r"\\(?:[1-9]|g<[+-]?\d)|\(\?(?:\(\d|[+-]?\d+\)|R\))")


def numbered_reference(pattern: str) -> str | None:
    """The first reference to a group by its number in ``pattern`` (``\\1``, ``\\g<1>``, ``(?(1)``; a call,
    ``(?1)`` or ``(?-1)``; a recursion into the whole pattern, ``(?R)`` or ``(?0)``), if any."""
    at = 0
    for piece, syntax in pieces(pattern):
        found = _NUMBERED_REFERENCE.match(pattern, at) if piece.startswith("\\") or (syntax and piece == "(") \
            else None
        if found:
            return found.group()
        at += len(piece)
    return None


@cache
def readable(pattern: str) -> bool:
    """Whether :func:`parse` reads ``pattern``."""
    return parse(pattern) is not None


def pieces(pattern: str) -> Iterator[tuple[str, bool]]:
    """``pattern`` in pieces, each with whether it is syntax: an escape, a set or a comment comes whole
    (not syntax), any other character alone (``(``, ``)``, ``|`` are syntax there)."""
    at = 0
    while at < len(pattern):
        char = pattern[at]
        if char == "\\":
            end = at + 2
        elif char == "[":  # a set: to its first "]" that is not its first member
            end = at + 1 + (pattern[at + 1:at + 2] == "^")
            end += pattern[end:end + 1] == "]"
            while end < len(pattern) and pattern[end] != "]":
                end += 2 if pattern[end] == "\\" else 1
            end += 1
        elif pattern.startswith("(?#", at):  # a comment: to its first ")" that is not escaped
            end = at + 3
            while end < len(pattern) and pattern[end] != ")":
                end += 2 if pattern[end] == "\\" else 1
            end += 1
        else:
            end = at + 1
        yield pattern[at:end], end == at + 1 and char not in "\\["
        at = end


def balanced(pattern: str) -> bool:
    """Whether every group of ``pattern`` closes, and closes inside it: ``a)|(b`` would break out of a
    group it is put in."""
    depth = 0
    for piece, syntax in pieces(pattern):
        if syntax and piece in "()":
            depth += 1 if piece == "(" else -1
            if depth < 0:
                return False
    return depth == 0
