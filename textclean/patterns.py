"""Many rules' patterns as one regex, so a document is scanned once, not once per rule."""
from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

import regex

from .kind import MATCH_TIMEOUT, Rule, RuleTimeout, compile_pattern


class PatternSet:
    """An alternation of ``(rule, pattern)`` pairs that reports which rule matched.

    A pattern that runs past :data:`MATCH_TIMEOUT` raises :class:`RuleTimeout`
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
            match = getattr(self._combined, method)(text, timeout=MATCH_TIMEOUT)
        except TimeoutError:
            raise self._culprit(text, method) from None
        return (self._rule_of(match), match) if match else None

    def finditer(self, text: str, pos: int = 0, endpos: int | None = None) -> Iterator[tuple[Rule, regex.Match]]:
        if self._combined is None:
            return
        endpos = len(text) if endpos is None else endpos
        try:
            for match in self._combined.finditer(text, pos, endpos, timeout=MATCH_TIMEOUT):
                yield self._rule_of(match), match
        except TimeoutError:
            raise self._culprit(text[pos:endpos], "search") from None

    def _rule_of(self, match: regex.Match) -> Rule:
        name = match.lastgroup
        if not (name and name.startswith("_r")):
            name = next(f"_r{i}" for i in range(len(self.rules)) if match.group(f"_r{i}") is not None)
        return self.rules[int(name[2:])]

    def _culprit(self, text: str, method: str) -> RuleTimeout:
        for rule, single in zip(self.rules, self._single, strict=True):
            try:
                getattr(single, method)(text, timeout=MATCH_TIMEOUT)
            except TimeoutError:
                return RuleTimeout(rule.id)
        return RuleTimeout(", ".join(rule.id for rule in self.rules))
