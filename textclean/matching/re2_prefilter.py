"""A fast first test for a ``re`` pattern: a google-re2 pattern that matches wherever it does, where re2 is installed.

re2 scans a text once, in linear time, whatever the pattern (ftfy's mojibake pattern: tens of
times faster than ``re``). Its syntax and its classes are not ``re``'s (``\\w`` and ``\\s`` are
ASCII to re2, verbose mode is unknown), so the re2 pattern is written anew from ``re``'s parse
tree of the pattern and matches a superset of what it matches: a class re2 reads otherwise
becomes any character, an anchor is dropped. When the prefilter finds nothing in a text, the
pattern finds nothing there either; when it finds something, only the pattern itself can tell.

The prefilter is optional: without the ``google-re2`` wheel (``pip install 'scrapeclean[re2]'``),
or for a pattern with syntax not translated here, there is none, and the caller uses the pattern alone.
"""
from __future__ import annotations

import re
from typing import Any

from .re_tree import REPEATS, sre, sre_parse

_ANY = r"[\s\S]"
_RE2_MOST_REPEATS = 1000  # re2 refuses a repeat count above this


class _Untranslated(Exception):
    """Syntax with no superset written here."""


def superset_pattern(pattern: re.Pattern) -> str | None:
    """re2 syntax for a superset of what ``pattern`` matches; None where that is not known."""
    if pattern.flags & re.IGNORECASE:
        return None
    try:
        return _sequence(sre_parse.parse(pattern.pattern, pattern.flags))
    except _Untranslated:
        return None


def prefilter(pattern: re.Pattern) -> Any | None:
    """A compiled re2 pattern matching a superset of ``pattern`` (see :func:`superset_pattern`), or None:
    re2 not installed, or the pattern not translated."""
    try:
        import re2
    except ImportError:
        return None
    translated = superset_pattern(pattern)
    if translated is None:
        return None
    options = re2.Options()
    options.max_mem = 64 << 20
    try:
        return re2.compile(translated, options)
    except re2.error:
        return None


def _char(code: int) -> str:
    return f"\\x{{{code:x}}}"


def _sequence(items) -> str:
    return "".join(_node(op, arg) for op, arg in items)


def _node(op, arg) -> str:
    if op is sre.LITERAL:
        return _char(arg)
    if op is sre.NOT_LITERAL:
        return f"[^{_char(arg)}]"
    if op is sre.ANY:
        return _ANY
    if op is sre.IN:
        return _charset(arg)
    if op is sre.AT:
        return ""  # an anchor only narrows what the rest matches
    if op is sre.BRANCH:
        return "(?:" + "|".join(_sequence(branch) for branch in arg[1]) + ")"
    if op is sre.SUBPATTERN:
        if arg[1] & sre.SRE_FLAG_IGNORECASE:
            raise _Untranslated
        return "(?:" + _sequence(arg[-1]) + ")"
    if op in REPEATS:
        low, high, body = arg
        body = "(?:" + _sequence(body) + ")"
        if low > _RE2_MOST_REPEATS or (high != sre.MAXREPEAT and high > _RE2_MOST_REPEATS):
            return body + "*"
        return body + (f"{{{low},}}" if high == sre.MAXREPEAT else f"{{{low},{high}}}")
    raise _Untranslated


def _charset(items) -> str:
    negated = bool(items) and items[0][0] is sre.NEGATE
    members = []
    for kind, value in items[1:] if negated else items:
        if kind is sre.LITERAL:
            members.append(_char(value))
        elif kind is sre.RANGE:
            members.append(f"{_char(value[0])}-{_char(value[1])}")
        elif negated:  # a class re2 reads otherwise, left out of a negated set: a subset
            raise _Untranslated
        else:  # \w, \s, \d ...: any character is a superset
            return _ANY
    if not members:
        raise _Untranslated
    return ("[^" if negated else "[") + "".join(members) + "]"
