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


REPEAT_COUNT = re.compile(r"\{(\d*)(?:,(\d*))?\}")


def expanded_size(pattern: str) -> int:
    """About how many characters ``pattern`` holds with each repeat count written out, which is what compiling it
    costs ``regex``: ``a{1000}`` is 1000, ``(?:ab{3}){10}`` about 60. An open repeat counts once.

    >>> expanded_size("a{1000}"), expanded_size("(?:ab{3}){10}") > 40, expanded_size(r"\\{9}")
    (1000, True, 4)
    """
    sizes = [0]  # the size so far of each group that is open, the whole pattern first
    last = 0  # the size of the last atom, which a repeat count multiplies
    at = skip_to = 0
    for piece, syntax in pieces(pattern):
        if at < skip_to:
            pass
        elif syntax and piece == "(":
            sizes.append(0)
        elif syntax and piece == ")" and len(sizes) > 1:
            last = sizes.pop() + 1
            sizes[-1] += last
        elif syntax and piece == "{" and (count := REPEAT_COUNT.match(pattern, at)):
            times = max(int(number) for number in count.groups("0") if number)
            sizes[-1] += last * (times - 1)
            last *= times
            skip_to = count.end()
        else:
            last = len(piece)
            sizes[-1] += last
        at += len(piece)
    return sum(sizes)


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



_CALL = re.compile(r"\(\?(?:&|P>)(\w+)\)")
_REGEX_ONLY = re.compile(r"\\[pP](?:\{[^}]*\}|\w)|\\L<\w+>")  # \p{Lu}, \pL, \L<list>: each stands for characters
_FIRST_MARK = 0xF0000  # calls are read as characters of a private use plane, which patterns do not hold


def left_recursive(pattern: str) -> str | None:
    """The name of a group that calls itself before it matches a character, as ``(?P<r>(?&r)?a)`` does (which
    ``regex`` runs until memory runs out), if any; None when there is none or the pattern cannot be read.

    >>> left_recursive(r"(?P<r>(?&r)?a)"), left_recursive(r"(?P<r>a(?&r)?)"), left_recursive(r"(?P<r>b|(?&r)a)")
    ('r', None, 'r')
    """
    if "(?&" not in pattern and "(?P>" not in pattern:
        return None
    names: dict[str, int] = {}  # called group -> its number among the calls
    written, at, skip_to = [], 0, 0
    for piece, syntax in pieces(pattern):
        if at >= skip_to:
            call = _CALL.match(pattern, at) if syntax and piece == "(" else None
            if call:
                written.append(chr(_FIRST_MARK + names.setdefault(call[1], len(names))))
                skip_to = call.end()
            else:  # an empty look-ahead before each |: re's parser keeps one-character alternatives apart
                written.append("(?=)|" if syntax and piece == "|" else piece)
        at += len(piece)
    tree = parse(_REGEX_ONLY.sub(r"\\w", "".join(written)))
    if tree is None:
        return None
    groups = tree.state.groupdict  # name -> number
    bodies: dict[str, list] = {}

    def collect(nodes) -> None:
        for op, value in nodes:
            if op == sre.SUBPATTERN:
                if value[0] is not None:
                    bodies.update((name, list(value[-1])) for name, number in groups.items() if number == value[0])
                collect(value[-1])
            elif op == sre.BRANCH:
                for branch in value[1]:
                    collect(branch)
            elif op in REPEATS:
                collect(value[2])
            elif op in (sre.ASSERT, sre.ASSERT_NOT):
                collect(value[1])
            elif op == ATOMIC_GROUP:
                collect(value)
            elif op == sre.GROUPREF_EXISTS:
                for branch in value[1:]:
                    if branch is not None:
                        collect(branch)

    collect(tree)
    callers = {chr(_FIRST_MARK + number): name for name, number in names.items()}
    empty: dict[str, bool] = dict.fromkeys(bodies, False)  # whether the group can match nothing

    def first(nodes) -> tuple[set[str], bool]:
        """The groups called before a character is matched, and whether the nodes can match nothing."""
        called: set[str] = set()
        for op, value in nodes:
            if op == sre.LITERAL and chr(value) in callers:
                name = callers[chr(value)]
                found, can_be_empty = {name}, empty.get(name, True)
            elif op in (sre.LITERAL, sre.NOT_LITERAL, sre.IN, sre.ANY, sre.CATEGORY):
                found, can_be_empty = set(), False
            elif op == sre.SUBPATTERN:
                found, can_be_empty = first(value[-1])
            elif op == ATOMIC_GROUP:
                found, can_be_empty = first(value)
            elif op in (sre.ASSERT, sre.ASSERT_NOT):
                found, can_be_empty = first(value[1])[0], True
            elif op == sre.BRANCH:
                branches = [first(branch) for branch in value[1]]
                found, can_be_empty = set().union(*(b[0] for b in branches)), any(b[1] for b in branches)
            elif op in REPEATS:
                found, can_be_empty = first(value[2]) if value[1] else (set(), True)
                can_be_empty = can_be_empty or value[0] == 0
            elif op == sre.GROUPREF_EXISTS:
                branches = [first(branch) if branch is not None else (set(), True) for branch in value[1:]]
                found, can_be_empty = set().union(*(b[0] for b in branches)), any(b[1] for b in branches)
            else:  # anchors, back-references: they may match nothing
                found, can_be_empty = set(), True
            called |= found
            if not can_be_empty:
                return called, False
        return called, True

    changed = True
    while changed:  # which groups can match nothing, to a fixed point
        changed = False
        for name, body in bodies.items():
            if not empty[name] and first(body)[1]:
                empty[name] = changed = True
    calls = {name: first(body)[0] for name, body in bodies.items()}
    for start in calls:  # a group that reaches itself through the calls it makes before matching a character
        seen, stack = set(), list(calls[start])
        while stack:
            name = stack.pop()
            if name == start:
                return start
            if name not in seen:
                seen.add(name)
                stack.extend(calls.get(name, ()))
    return None
