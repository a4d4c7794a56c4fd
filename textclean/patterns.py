"""Many rules' patterns as one regex, so a document is scanned once, not once per rule."""
from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

import regex

from .kind import MATCH_SECONDS_PER_MB, MATCH_TIMEOUT, Rule, RuleTimeout, compile_pattern


def budget(text: str) -> float:
    """Seconds a pattern may take on ``text``: enough for any linear scan, not for runaway backtracking."""
    return MATCH_TIMEOUT + MATCH_SECONDS_PER_MB * len(text) / 1e6


class PatternSet:
    """An alternation of ``(rule, pattern)`` pairs that reports which rule matched.

    A pattern that runs past its budget (:func:`budget`) raises :class:`RuleTimeout`
    naming the rule whose pattern is at fault. ``named_lists`` are the word
    lists that ``\\L<name>`` in the patterns refers to.
    """

    def __init__(self, entries: Sequence[tuple[Rule, str]], flags: int = 0,
                 named_lists: dict[str, Any] | None = None):
        self.rules: list[Rule] = []
        self._single: list[regex.Pattern] = []
        branches = []
        for index, (rule, pattern) in enumerate(entries):
            self._single.append(compile_pattern(rule, pattern, flags=flags, named_lists=named_lists))
            self.rules.append(rule)
            branches.append(f"(?P<_r{index}>{pattern})")
        self._combined = (regex.compile("|".join(branches), flags, ignore_unused=True, **(named_lists or {}))
                          if branches else None)

    def __bool__(self) -> bool:
        return self._combined is not None

    def fullmatch(self, text: str) -> tuple[Rule, regex.Match] | None:
        """The first rule whose pattern matches all of ``text``."""
        return self._first("fullmatch", text)

    def match(self, text: str) -> tuple[Rule, regex.Match] | None:
        """The first rule whose pattern matches at the start of ``text``."""
        return self._first("match", text)

    def _first(self, method: str, text: str) -> tuple[Rule, regex.Match] | None:
        if self._combined is None:
            return None
        try:
            match = getattr(self._combined, method)(text, timeout=budget(text))
        except TimeoutError:
            raise self._culprit(text, method) from None
        return (self._rule_of(match), match) if match else None

    def finditer(self, text: str, pos: int = 0, endpos: int | None = None) -> Iterator[tuple[Rule, regex.Match]]:
        if self._combined is None:
            return
        endpos = len(text) if endpos is None else endpos
        try:
            for match in self._combined.finditer(text, pos, endpos, timeout=budget(text)):
                yield self._rule_of(match), match
        except TimeoutError:
            raise self._culprit(text[pos:endpos], "finditer") from None

    def _rule_of(self, match: regex.Match) -> Rule:
        name = match.lastgroup
        if not (name and name.startswith("_r")):
            name = next(f"_r{i}" for i in range(len(self.rules)) if match.group(f"_r{i}") is not None)
        return self.rules[int(name[2:])]

    def _culprit(self, text: str, method: str) -> RuleTimeout:
        seconds = budget(text)
        for rule, single in zip(self.rules, self._single, strict=True):
            try:
                if method == "finditer":
                    for _ in single.finditer(text, timeout=seconds):
                        pass
                else:
                    getattr(single, method)(text, timeout=seconds)
            except TimeoutError:
                return RuleTimeout(rule.id, seconds)
        return RuleTimeout(", ".join(rule.id for rule in self.rules), seconds)


def nested_quantifiers(pattern: str) -> bool:
    """Whether an unbounded repeat contains another unbounded repeat, as in ``(a+)+``:
    the shape that can backtrack catastrophically. Patterns that only the ``regex``
    module can parse are not judged (False)."""
    try:
        from re import _constants as constants
        from re import _parser as parser
    except ImportError:  # Python 3.10
        import sre_constants as constants
        import sre_parse as parser
    try:
        tree = parser.parse(pattern)
    except Exception:  # re's parser raises several types for syntax only regex knows
        return False
    repeats = {constants.MAX_REPEAT, constants.MIN_REPEAT, getattr(constants, "POSSESSIVE_REPEAT", None)}

    def walk(items, inside_unbounded: bool) -> bool:
        for op, arg in items:
            if op in repeats:
                low, high, sub = arg
                unbounded = high == constants.MAXREPEAT
                if unbounded and inside_unbounded:
                    return True
                if walk(sub, inside_unbounded or unbounded):
                    return True
            elif op == constants.SUBPATTERN:
                if walk(arg[-1], inside_unbounded):
                    return True
            elif op == constants.BRANCH:
                if any(walk(branch, inside_unbounded) for branch in arg[1]):
                    return True
            elif op in (constants.ASSERT, constants.ASSERT_NOT):
                if walk(arg[1], inside_unbounded):
                    return True
        return False

    return walk(tree, False)
