"""Literal keywords: which lines a whole-line pattern could possibly match, found for many patterns in one pass.

Read from the ``re`` module's parse tree of each pattern (:mod:`textclean.matching.re_tree`):
the strings every match holds (:func:`line_keywords`), the lengths it can have
(:func:`match_lengths`), the finite set of lines it matches where there is one
(:func:`literal_lines`). :class:`LineIndex` finds all rules' keywords in a
document's lines at once, with an Aho-Corasick automaton.
"""
from __future__ import annotations

import math
from collections.abc import Hashable, Iterable
from functools import cache
from itertools import compress, filterfalse
from typing import NamedTuple

import ahocorasick_rs

from .memo import MEMO_LINES
from .re_tree import ATOMIC_GROUP, REPEATS, parse
from .re_tree import sre as _sre

_MOST_PRODUCT = 256  # the most strings a concatenation of two literal sets may spell out
_MOST_STRINGS = 4096  # a literal set larger than this is given up as no information
_LONGEST = 24  # characters of a keyword worth searching for
_MOST_NODES = 300  # nodes of a sequence read for its literals, past the longest string spelled out
_LONGEST_SPELLED = 256  # the longest string spelled out; past it, building each longer one would cost time squared
_SELECTIVE = 4  # keywords that start a line and are longer than this are preferred to longer ones inside it
#: The most keywords searched with a DFA: the date headers' 3,700 would take +27 MB and 0.1 s more to build in
#: each process (an automaton is built again when loaded from the rule cache), for a search 1.4x faster.
_DFA_MOST_WORDS = 1000


class Automaton:
    """An Aho-Corasick automaton (standard matches) over ``words``; pickled as its words, and built again
    when loaded (:mod:`textclean.pipeline.rulecache`).

    ``dfa``: built as a DFA, which searches up to twice as fast but takes several times longer to build
    and far more memory for thousands of words (:class:`LineIndex` uses it for up to a thousand keywords).
    """

    def __init__(self, words: list[str], dfa: bool = False):
        self.words, self.dfa = words, dfa
        #: ``(word index, start, end)`` of each word found, as ``ahocorasick_rs.AhoCorasick`` gives them.
        self.find_matches_as_indexes = ahocorasick_rs.AhoCorasick(
            words, matchkind=ahocorasick_rs.MatchKind.Standard,
            implementation=ahocorasick_rs.Implementation.DFA if dfa else None).find_matches_as_indexes

    def __reduce__(self):
        return Automaton, (self.words, self.dfa)


class _Literals(NamedTuple):
    """What every match of a pattern node holds, folded by :func:`fold_case`; None where nothing is known."""

    exact: frozenset[str] | None  # the node matches exactly one of these strings
    prefix: frozenset[str] | None  # every match starts with one of these (non-empty)
    suffix: frozenset[str] | None  # every match ends with one of these (non-empty)
    inner: frozenset[str] | None  # every match contains one of these (non-empty)


_UNKNOWN = _Literals(None, None, None, None)
_NEWLINE = ord("\n")


def _exact(strings: Iterable[str]) -> _Literals:
    strings = frozenset(strings)
    if len(strings) > _MOST_STRINGS:
        return _UNKNOWN
    solid = None if "" in strings else strings
    return _Literals(strings, solid, solid, solid)


def _product(left: frozenset[str] | None, right: frozenset[str] | None) -> frozenset[str] | None:
    if left is None or right is None or len(left) * len(right) > _MOST_PRODUCT \
            or max(map(len, left), default=0) + max(map(len, right), default=0) > _LONGEST_SPELLED:
        return None
    return frozenset(a + b for a in left for b in right)


def _best(*sets: frozenset[str] | None) -> frozenset[str] | None:
    """The most selective set: the longest shortest string, then the fewest strings."""
    known = [s for s in sets if s]
    return max(known, key=lambda s: (min(map(len, s)), -len(s))) if known else None


def _union(sets: list[frozenset[str] | None]) -> frozenset[str] | None:
    if not all(sets):
        return None
    union = frozenset().union(*sets)
    return union if len(union) <= _MOST_STRINGS else None


def _concat(left: _Literals, right: _Literals) -> _Literals:
    if left.exact == {""} or right.exact == {""}:  # nothing (or only an assertion) on one side
        return right if left.exact == {""} else left
    both = _product(left.exact, right.exact)
    if both is not None:
        return _exact(both)
    prefix = left.prefix if left.exact is None else _best(_product(left.exact, right.prefix), left.prefix)
    suffix = right.suffix if right.exact is None else _best(_product(left.suffix, right.exact), right.suffix)
    inner = _best(left.inner, right.inner, prefix, suffix, _product(left.suffix, right.prefix))
    return _Literals(None, prefix, suffix, inner)


def _alternate(branches: list[_Literals]) -> _Literals:
    exact = _union([b.exact for b in branches])
    if exact is not None:
        return _exact(exact)
    return _Literals(None, _union([b.prefix for b in branches]), _union([b.suffix for b in branches]),
                     _union([_best(b.inner, b.prefix, b.suffix) for b in branches]))


def _repeat(low: int, high: int, body: _Literals) -> _Literals:
    if low == 0:
        return _exact(body.exact | {""}) if high == 1 and body.exact is not None else _UNKNOWN
    if low == high and body.exact is not None:
        strings: frozenset[str] | None = frozenset({""})
        for _ in range(low):
            strings = _product(strings, body.exact)
        if strings is not None:
            return _exact(strings)
    return _Literals(None, body.prefix, body.suffix, _best(body.inner, body.prefix, body.suffix))


def _charset_chars(items: list) -> set[str] | None:
    """The characters a character set is made of, when it lists them (ranges up to [0-9]) and no newline; else
    None."""
    chars: set[str] = set()
    for op, value in items:
        if op == _sre.LITERAL:
            chars.add(chr(value))
        elif op == _sre.RANGE and value[1] - value[0] < 10:
            chars.update(chr(c) for c in range(value[0], value[1] + 1))
        else:
            return None
    return None if "\n" in chars else chars


def _charset(items: list) -> _Literals:
    chars = _charset_chars(items)
    return _UNKNOWN if chars is None else _exact(map(fold_case, chars))


def _literals(nodes) -> _Literals:
    result = _exact({""})
    if len(nodes) > _MOST_NODES:  # what the first nodes demand, every match demands; the rest is not read
        return _concat(_literals(nodes[:_MOST_NODES]), _UNKNOWN)
    for op, value in nodes:
        if op == _sre.LITERAL and value == _NEWLINE:  # keywords lie within a line, where "\n" marks its edges
            node = _UNKNOWN
        elif op == _sre.LITERAL:
            node = _exact({fold_case(chr(value))})
        elif op == _sre.IN:
            node = _charset(value)
        elif op == _sre.SUBPATTERN:
            node = _literals(value[-1])
        elif op == ATOMIC_GROUP:
            node = _literals(value)
        elif op == _sre.BRANCH:
            node = _alternate([_literals(branch) for branch in value[1]])
        elif op in REPEATS:
            node = _repeat(value[0], value[1], _literals(value[2]))
        elif op in (_sre.AT, _sre.ASSERT, _sre.ASSERT_NOT):
            node = _exact({""})  # zero width: what it demands is not needed to find a line
        else:
            node = _UNKNOWN
        result = _concat(result, node)
    return result


def match_lengths(pattern: str) -> tuple[float, float]:
    """The shortest and longest text ``pattern`` can match, in characters; (0, inf) when unknown.

    >>> match_lengths(r"(?:Home|News)s?")
    (4, 5)
    """
    return _facts(pattern).lengths


class _Facts(NamedTuple):
    """What :func:`match_lengths`, :func:`literal_lines` and :func:`line_keywords` tell of one pattern."""

    lengths: tuple[float, float]
    literals: frozenset[str] | None
    keywords: frozenset[str] | None


@cache
def _facts(pattern: str) -> _Facts:
    """All three from one reading of the pattern; the parse tree, thousands of objects for the garbage
    collector to walk, is not kept."""
    tree = parse(pattern)
    if tree is None:
        return _Facts((0, math.inf), None, None)
    nodes = list(tree)
    shortest, longest = tree.getwidth()
    return _Facts((shortest, math.inf if longest >= _sre.MAXREPEAT else longest),
                  _literals(nodes).exact if _plain(nodes) else None, _line_keywords(nodes))


def literal_lines(pattern: str) -> frozenset[str] | None:
    """Every text ``pattern`` matches, folded by :func:`fold_case`, when it is a finite set of literals; else None.

    Only patterns of literals, character sets, groups, alternatives and optional parts
    qualify: an anchor or a look-around could narrow the set. So do only letters whose
    fold :func:`exact_fold` keeps: a line whose exact fold is in the set is one the pattern
    matches, ignoring case.

    >>> sorted(literal_lines(r"(?:Share|Tweet)s?"))
    ['share', 'shares', 'tweet', 'tweets']
    """
    return _facts(pattern).literals


_PLAIN = {_sre.LITERAL, _sre.IN, _sre.SUBPATTERN, _sre.BRANCH, _sre.MAX_REPEAT, _sre.MIN_REPEAT}


def _plain(nodes: list) -> bool:
    for op, value in nodes:
        if op not in _PLAIN:
            return False
        if op == _sre.LITERAL and exact_fold(chr(value)) is None:
            return False
        if op == _sre.IN and exact_fold("".join(_charset_chars(value) or ())) is None:
            return False
        if op == _sre.SUBPATTERN and not _plain(list(value[-1])):
            return False
        if op == _sre.BRANCH and not all(_plain(list(branch)) for branch in value[1]):
            return False
        if op in (_sre.MAX_REPEAT, _sre.MIN_REPEAT) and not _plain(list(value[2])):
            return False
    return True


def fold_case(text: str) -> str:
    """``text`` with letter case folded as ``regex`` ignores it, to look for keywords in.

    :meth:`str.casefold` but for Turkish dotted and dotless i, which ``regex`` takes for i and I
    (case folding would make İ an i and a dot above, and leave ı as it is). Like casefold, it
    never shortens a text.

    >>> fold_case("TARİH"), fold_case("YAYINLANMA") == fold_case("Yayınlanma")
    ('tarih', True)
    """
    return text.replace("İ", "i").casefold().replace("ı", "i")


def exact_fold(text: str) -> str | None:
    """``text`` folded by :func:`fold_case` where two texts so folded are equal exactly when ``regex``,
    ignoring case, takes one for the other; None where that is not so.

    Folding never tells two letters apart that ``regex`` takes for one another, but it joins some
    that ``regex`` keeps apart: the Turkish i's (it takes İ for i and ı for I, but not İ for I
    or ı for i), and letters that fold to more than one (ß is ss to casefold, not to ``regex``).

    >>> exact_fold("Straße"), exact_fold("YAYINLANMA"), exact_fold("Yayınlanma")
    (None, 'yayinlanma', None)
    """
    if "ı" in text or "İ" in text:
        return None
    folded = text.casefold()  # what fold_case gives a text without them
    return folded if len(folded) == len(text) else None


def line_keywords(pattern: str) -> frozenset[str] | None:
    """Strings, one of which is in ``"\\n" + line + "\\n"`` whenever ``pattern`` matches all of ``line``.

    ``line`` is taken stripped and folded by :func:`fold_case`, so ``"\\n"`` marks where a line starts and ends.
    Keywords longer than 24 characters are cut to their start. None when the pattern names no
    literal (or uses syntax only the ``regex`` module knows): it must be tried on every line.

    >>> sorted(line_keywords(r"(?:Share|Tweet) this"))
    ['\\nshare this\\n', '\\ntweet this\\n']
    >>> sorted(line_keywords(r"Leave a (?:Reply|Comment)(?: to .{1,80})?"))
    ['\\nleave a comment', '\\nleave a reply']
    >>> sorted(line_keywords(r"\\d+ comments?"))
    [' comment']
    """
    return _facts(pattern).keywords


def _line_keywords(nodes: list) -> frozenset[str] | None:
    """Keywords for a whole line; a top-level alternation gets the best keywords of each branch."""
    if len(nodes) == 1 and nodes[0][0] == _sre.SUBPATTERN:
        return _line_keywords(list(nodes[0][1][-1]))
    if len(nodes) == 1 and nodes[0][0] == _sre.BRANCH:
        branches = [_line_keywords(list(branch)) for branch in nodes[0][1][1]]
        return _union(branches)
    found = _literals(nodes)
    # A keyword longer than _LONGEST is cut to its start, which is just as required and keeps the search short.
    whole = frozenset(f"\n{s}\n" if len(s) <= _LONGEST else f"\n{s[:_LONGEST]}" for s in found.exact if s) \
        if found.exact is not None else None
    start = frozenset(f"\n{s[:_LONGEST]}" for s in found.prefix) if found.prefix else None
    if whole or (start and min(map(len, start)) > _SELECTIVE):  # a line's edge makes a keyword rarer
        return whole or start
    return _best(start, _shortest(frozenset(s[:_LONGEST] for s in found.inner)) if found.inner else None)


def _shortest(strings: frozenset[str]) -> frozenset[str]:
    """Drop the strings that contain another of the set: finding the shorter one is enough."""
    return frozenset(s for s in strings if not any(other != s and other in s for other in strings))


class LineIndex:
    """Finds in one pass over a document which lines hold the keywords of which keys.

    Built from ``(key, keywords, longest)``: keywords as :func:`line_keywords` gives them,
    ``longest`` the longest line the key's rule can match (None: no limit). An
    Aho-Corasick automaton finds all keywords at once, however many keys there are.
    Lines too long for every rule with a keyword inside the line are searched only
    as far as the longest keyword that starts a line reaches (in characters before
    case folding, which only ever lengthens a text). Keywords and lines are folded
    with :func:`fold_case`, as ``regex`` ignores case.
    """

    def __init__(self, entries: Iterable[tuple[Hashable, frozenset[str], int | None]]):
        owners: dict[str, list[Hashable]] = {}
        reach, widest = 0, 0  # the longest keyword that starts a line; the longest line an inner keyword can be in
        for key, keywords, longest in entries:
            for keyword in map(fold_case, keywords):
                owners.setdefault(keyword, []).append(key)
                if keyword.startswith("\n"):
                    reach = max(reach, len(keyword.strip("\n")))
                else:
                    widest = max(widest, longest if longest is not None else float("inf"))
        self._reach = reach
        self._cut = None if widest == float("inf") else max(reach, widest)
        # Per keyword: whether it starts a line (its match then begins at the newline before the line), its keys.
        self._keywords = [(keyword.startswith("\n"), tuple(keys)) for keyword, keys in owners.items()]
        self._automaton = Automaton(list(owners), dfa=len(owners) <= _DFA_MOST_WORDS)
        self._known: dict[str, tuple[Hashable, ...]] = {}  # line -> the keys whose keywords it holds

    def lines(self, lines: list[str]) -> dict[Hashable, list[int]]:
        """Key -> the numbers of the lines holding its keywords, in order; ``lines`` are a document's, stripped.

        What a line holds is remembered (for the last MEMO_LINES lines asked about): the second pipeline
        pass and the lines a site repeats on every page are not searched again.
        """
        found: dict[Hashable, list[int]] = {}
        if not self._keywords:
            return found
        known = self._known
        new = list(filterfalse(known.__contains__, dict.fromkeys(lines)))
        if len(known) + len(new) > MEMO_LINES:
            known.clear()
            new = list(dict.fromkeys(lines))
        if new:
            known.update(dict.fromkeys(new, ()))
            known.update(self._search(new))
        held = list(map(known.__getitem__, lines))
        for number in compress(range(len(lines)), held):
            for key in held[number]:
                found.setdefault(key, []).append(number)
        return found

    def _search(self, lines: list[str]) -> dict[str, tuple[Hashable, ...]]:
        """The lines that hold keywords, with the keys of those keywords, in one pass over all the lines."""
        held: dict[int, list[Hashable]] = {}  # most lines hold none: no entry
        cut, reach = self._cut, self._reach
        searched = lines if cut is None else [line if len(line) <= cut else line[:reach] for line in lines]
        haystack = fold_case("\n" + "\n".join(searched) + "\n")
        line, at = -1, 0  # the line of haystack position ``at``
        keywords = self._keywords
        for index, first, _ in self._automaton.find_matches_as_indexes(haystack, overlapping=True):
            anchored, keys = keywords[index]
            first += anchored  # keywords lie within one line, so lines come in order
            if first >= at:
                line += haystack.count("\n", at, first)
            else:
                line -= haystack.count("\n", first, at)
            at = first
            held.setdefault(line, []).extend(keys)
        return {lines[number]: tuple(dict.fromkeys(keys)) for number, keys in held.items()}
