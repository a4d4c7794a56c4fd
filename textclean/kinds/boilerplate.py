"""The ``boilerplate`` kind: removes whole lines that are not article content.

Shapes:
- ``line``: a line whose text (without surrounding spaces) matches ``pattern``.
- ``block``: a start line (``pattern``) and the lines after it, to an ``end`` line or
  for at most ``max_lines`` lines.
- ``tail``: a marker line near the end; it and everything after it go.
- ``head``: a marker line near the start; it and everything before it go.
- ``repeated_title``: a header line (``pattern``) followed by a line that repeats
  part of it, like a breadcrumb ending in the page title; both go.

``zone`` limits a rule to the first or last ``zone_lines`` non-blank lines (a
count, a share of the document such as ``"20%"``, or a list of both: the larger). ``context: run`` makes a
rule fire only next to another boilerplate line, so short ambiguous lines
("Share", "Reply") go only inside a run of boilerplate; the ``min_run`` setting
lets a run of that many such lines go on its own, like a menu.

Every rule's pattern names literal keywords (:func:`textclean.patterns.line_keywords`);
one Aho-Corasick pass over the document finds the lines holding any of them, and
only those lines are tried against the rules whose keywords they hold.
"""
from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from ..kind import Rule, RuleError, RuleKind, StageOutput, schema_beside
from ..lines import folded_lines, numbered_line_removals
from ..patterns import LineIndex, PatternSet, line_keywords

_DEFAULT_ZONE_LINES = 10
_DEFAULT_WITHIN = 15
_DEFAULT_BLOCK_LINES = 20
_SHAPE_KEYS = {"end": {"block"}, "max_lines": {"block"}, "inner_max_length": {"block"},
               "within_lines": {"tail", "head"}, "min_title_length": {"repeated_title"}}


@dataclass(frozen=True)
class _Matcher:
    """One rule, compiled: its pattern (and block ``end``) tried on a stripped line."""

    rule: Rule
    pattern: PatternSet
    end: PatternSet | None
    keywords: frozenset[str] | None

    @classmethod
    def of(cls, rule: Rule) -> _Matcher:
        for key, shapes in _SHAPE_KEYS.items():
            if key in rule.spec and rule.spec.get("shape", "line") not in shapes:
                raise RuleError.of(rule, f"{key} applies only to shape {' or '.join(sorted(shapes))}", key)
        flag = "i" if rule.spec.get("ignore_case", True) else "-i"
        pattern, end = _one_pattern(rule.spec["pattern"]), _one_pattern(rule.spec.get("end"))
        return cls(
            rule,
            PatternSet([(rule, f"(?{flag}:{pattern})")]),
            PatternSet([(rule, f"(?{flag}:{end})")]) if end else None,
            line_keywords(pattern),
        )

    def fits(self, line: str, patterns: PatternSet | None = None) -> bool:
        limit = self.rule.spec.get("max_length")
        return (limit is None or len(line) <= limit) and (patterns or self.pattern).fullmatch(line) is not None


def _one_pattern(value: str | list[str] | None) -> str | None:
    """A pattern as written, or a list of patterns as one alternation."""
    if isinstance(value, list):
        return "|".join(f"(?:{alternative})" for alternative in value)
    return value


class _Page:
    """One document's lines: as written, and stripped and case-folded for the keyword pass."""

    def __init__(self, text: str):
        self.raw = text.split("\n")
        self.folded = folded_lines(text)
        self.count = len(self.folded) - self.folded.count("")  # non-blank lines
        self._zones: dict[tuple[str, Any], range] = {}
        self._nonblank: list[int] | None = None

    def line(self, number: int) -> str:
        return self.raw[number].strip()

    def after(self, number: int) -> int | None:
        """The next non-blank line after ``number``."""
        for later in range(number + 1, len(self.folded)):
            if self.folded[later]:
                return later
        return None

    def before(self, number: int) -> int | None:
        """The last non-blank line before ``number``."""
        for earlier in range(number - 1, -1, -1):
            if self.folded[earlier]:
                return earlier
        return None

    def nonblank(self, start: int = 0, stop: int | None = None) -> list[int]:
        if self._nonblank is None:
            self._nonblank = [n for n, line in enumerate(self.folded) if line]
        return [n for n in self._nonblank if start <= n < (len(self.folded) if stop is None else stop)]

    def _lines(self, size: int | str) -> int:
        """A zone size in non-blank lines: a count, or a share of the document such as "20%"."""
        return math.ceil(self.count * float(size[:-1]) / 100) if isinstance(size, str) else size

    def zone(self, zone: str, size: int | str | list[int | str]) -> range:
        """Line numbers in the first (head) or last (tail) ``size`` non-blank lines, or all of them (any)."""
        if zone == "any":
            return range(len(self.folded))
        key = (zone, str(size))
        if key not in self._zones:
            wanted = max(self._lines(part) for part in (size if isinstance(size, list) else [size]))
            numbers = range(len(self.folded)) if zone == "head" else range(len(self.folded) - 1, -1, -1)
            edge = numbers[-1] if numbers else 0
            seen = 0
            for edge in numbers:
                seen += bool(self.folded[edge])
                if seen >= wanted:
                    break
            self._zones[key] = range(0, edge + 1) if zone == "head" else range(edge, len(self.folded))
        return self._zones[key]


class BoilerplateStage:
    kind = "boilerplate"

    def __init__(self, rules: list[Rule], settings: dict[str, Any]):
        self.min_run = settings.get("min_run")
        matchers = list(enumerate(_Matcher.of(rule) for rule in rules))
        self.index = LineIndex((number, m.keywords) for number, m in matchers if m.keywords)
        self.unfiltered = {number for number, m in matchers if not m.keywords}
        by_shape: dict[str, list[tuple[int, _Matcher]]] = {}
        for number, matcher in matchers:
            shape = matcher.rule.spec.get("shape", "line")
            group = matcher.rule.spec.get("context", "alone") if shape == "line" else shape
            by_shape.setdefault(group, []).append((number, matcher))
        self.sections = by_shape.get("tail", []) + by_shape.get("head", [])
        self.blocks = by_shape.get("block", [])
        self.titles = by_shape.get("repeated_title", [])
        self.alone, self.run, self.beside = (by_shape.get(context, []) for context in ("alone", "run", "beside"))

    def apply(self, text: str) -> StageOutput:
        page = _Page(text)
        if not page.count:
            return StageOutput()
        hits = self.index.lines(page.folded)  # line number -> numbers of the rules whose keywords it holds
        candidates: dict[int, list[int]] = {}  # rule number -> those line numbers, in order
        for line in sorted(hits):
            for number in hits[line]:
                candidates.setdefault(number, []).append(line)
        for number in self.unfiltered:
            candidates[number] = page.nonblank()
        removed: dict[int, str] = {}  # line number -> rule id
        for number, matcher in self.sections:
            self._section(matcher, candidates.get(number, []), page, removed)
        for number, matcher in self.blocks:
            self._blocks(matcher, candidates.get(number, []), page, removed)
        for number, matcher in self.titles:
            self._repeated_title(matcher, candidates.get(number, []), page, removed)
        pending: dict[int, str] = {}
        for group, target in ((self.alone, removed), (self.run, pending)):
            for number, matcher in group:
                for line in _in_zone(candidates.get(number, []), page, matcher.rule.spec):
                    if line not in removed and line not in pending and matcher.fits(page.line(line)):
                        target[line] = matcher.rule.id
        went = self._settle_runs(page, pending, removed)
        if went and self.beside:
            self._spread_beside(page, hits, went, removed)
        return StageOutput(changes=numbered_line_removals(text, page.raw, removed))

    def _settle_runs(self, page: _Page, pending: dict[int, str], removed: dict[int, str]) -> list[int]:
        """Run lines go beside a removed line or in a run of ``min_run`` of them; returns those that went."""
        went = []
        for run in _runs(page, pending.keys() | removed.keys()):
            waiting = [line for line in run if line in pending]
            if len(waiting) < len(run) or (self.min_run and len(waiting) >= self.min_run):
                went.extend(waiting)
        removed.update((line, pending[line]) for line in went)
        return went

    def _spread_beside(self, page: _Page, hits: dict[int, set], went: list[int], removed: dict[int, str]) -> None:
        """Beside lines go next to a run line that went, and next to each other from there."""
        frontier = list(went)
        while frontier:
            line = frontier.pop()
            for neighbour in (page.before(line), page.after(line)):
                if neighbour is None or neighbour in removed:
                    continue
                for number, matcher in self.beside:
                    if ((number in self.unfiltered or number in hits.get(neighbour, ()))
                            and neighbour in page.zone(*_zone(matcher.rule.spec))
                            and matcher.fits(page.line(neighbour))):
                        removed[neighbour] = matcher.rule.id
                        frontier.append(neighbour)
                        break

    @staticmethod
    def _section(matcher: _Matcher, lines: list[int], page: _Page, removed: dict[int, str]) -> None:
        """The first marker in the tail zone and all after it, or the last in the head zone and all before it."""
        tail = matcher.rule.spec["shape"] == "tail"
        zone = page.zone("tail" if tail else "head", matcher.rule.spec.get("within_lines", _DEFAULT_WITHIN))
        for marker in (lines if tail else reversed(lines)):
            if marker in zone and matcher.fits(page.line(marker)):
                span = page.nonblank(marker) if tail else page.nonblank(0, marker + 1)
                for line in span:
                    removed.setdefault(line, matcher.rule.id)
                return

    @staticmethod
    def _blocks(matcher: _Matcher, lines: list[int], page: _Page, removed: dict[int, str]) -> None:
        covered = -1
        for start in _in_zone(lines, page, matcher.rule.spec):
            if start > covered and start not in removed and matcher.fits(page.line(start)):
                block = _block_from(matcher, start, page)
                for covered in block or ():
                    removed.setdefault(covered, matcher.rule.id)

    @staticmethod
    def _repeated_title(matcher: _Matcher, lines: list[int], page: _Page, removed: dict[int, str]) -> None:
        min_title = matcher.rule.spec.get("min_title_length", 15)
        for header in _in_zone(lines, page, matcher.rule.spec):
            title = page.after(header)
            if title is None:
                continue
            header_text, title_text = page.line(header), page.line(title)
            if (len(title_text) >= min_title and title_text != header_text
                    and page.folded[title] in page.folded[header] and matcher.fits(header_text)):
                removed.setdefault(header, matcher.rule.id)
                removed.setdefault(title, matcher.rule.id)


def _runs(page: _Page, lines: set[int]) -> Iterator[list[int]]:
    """The given lines grouped into runs of neighbours (blank lines between do not count)."""
    run: list[int] = []
    for line in sorted(lines):
        if run and page.after(run[-1]) != line:
            yield run
            run = []
        run.append(line)
    if run:
        yield run


def _block_from(matcher: _Matcher, start: int, page: _Page) -> list[int] | None:
    """The lines of a block that starts at ``start``; None when ``end`` does not come in time."""
    spec = matcher.rule.spec
    most, inner_limit = spec.get("max_lines", _DEFAULT_BLOCK_LINES), spec.get("inner_max_length")
    block = [start]
    line = page.after(start)
    while line is not None and len(block) < most:
        text = page.line(line)
        if matcher.end and matcher.fits(text, matcher.end):
            return [*block, line]
        if inner_limit is not None and len(text) > inner_limit:
            break
        block.append(line)
        line = page.after(line)
    return None if matcher.end else block


def _zone(spec: dict[str, Any]) -> tuple[str, Any]:
    return spec.get("zone", "any"), spec.get("zone_lines", _DEFAULT_ZONE_LINES)


def _in_zone(lines: list[int], page: _Page, spec: dict[str, Any]) -> Iterator[int]:
    zone = page.zone(*_zone(spec))
    return (line for line in lines if line in zone)


KIND = RuleKind(
    name="boilerplate",
    order=30,
    summary="Removes lines that are not article content: cookie banners, comment widgets, share blocks, breadcrumbs.",
    compile=BoilerplateStage,
    rule_schema=schema_beside(__file__),
    settings_schema={
        "type": "object",
        "additionalProperties": False,
        "properties": {
            "min_run": {
                "type": "integer",
                "minimum": 2,
                "description": "A run of this many adjacent lines matched by 'context: run' rules goes even with "
                               "no other boilerplate next to it (a menu). Unset: such lines go only next to "
                               "boilerplate.",
            }
        },
    },
)
