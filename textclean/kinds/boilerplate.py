"""The ``boilerplate`` kind: removes whole lines that are not article content.

Shapes:
- ``line``: a line whose text (without surrounding spaces) matches ``pattern``.
- ``tail``: a marker line near the end; it and everything after it go.
- ``head``: a marker line near the start; it and everything before it go.
- ``repeated_title``: a header line (``pattern``) followed by a line that repeats
  part of it, like a breadcrumb ending in the page title; both go.

``zone`` limits a rule to the first or last ``zone_lines`` non-blank lines.
``context: run`` makes a rule fire only next to a line another rule removed, so
short ambiguous lines ("Share", "Reply") go only inside a run of boilerplate.
"""
from __future__ import annotations

from typing import Any

from ..kind import Rule, RuleKind, StageOutput, schema_beside
from ..lines import Line, line_removals, nonblank_lines, zone_positions
from ..patterns import PatternSet

_DEFAULT_ZONE_LINES = 10
_DEFAULT_WITHIN = 15


def _zone(rule: Rule) -> tuple[str, int]:
    return rule.spec.get("zone", "any"), rule.spec.get("zone_lines", _DEFAULT_ZONE_LINES)


def _line_pattern(rule: Rule) -> str:
    limit = rule.spec.get("max_length")
    prefix = f"(?=.{{0,{limit}}}\\Z)" if limit else ""
    flag = "i" if rule.spec.get("ignore_case", True) else "-i"
    return f"{prefix}(?{flag}:{rule.spec['pattern']})"


class BoilerplateStage:
    kind = "boilerplate"

    def __init__(self, rules: list[Rule], settings: dict[str, Any]):
        by_shape: dict[str, list[Rule]] = {}
        for rule in rules:
            by_shape.setdefault(rule.spec.get("shape", "line"), []).append(rule)
        # One pattern set per (zone, zone_lines, context), so a rule's conditions hold for whatever matched.
        groups: dict[tuple, list[Rule]] = {}
        for rule in by_shape.get("line", []):
            groups.setdefault((*_zone(rule), rule.spec.get("context", "alone")), []).append(rule)
        self.line_sets = [(key, PatternSet([(r, _line_pattern(r)) for r in group])) for key, group in groups.items()]
        self.sections = [
            (rule, PatternSet([(rule, _line_pattern(rule))]))
            for shape in ("tail", "head") for rule in by_shape.get(shape, [])
        ]
        self.titles = [(rule, PatternSet([(rule, _line_pattern(rule))])) for rule in by_shape.get("repeated_title", [])]

    def apply(self, text: str) -> StageOutput:
        lines = nonblank_lines(text)
        if not lines:
            return StageOutput()
        removed: dict[int, str] = {}  # position in ``lines`` -> rule id
        for rule, patterns in self.sections:
            self._section(rule, patterns, lines, removed)
        for rule, patterns in self.titles:
            self._repeated_title(rule, patterns, lines, removed)
        pending: dict[int, str] = {}
        for (zone, zone_lines, context), patterns in self.line_sets:
            for pos in zone_positions(zone, zone_lines, len(lines)):
                if pos in removed or pos in pending:
                    continue
                hit = patterns.fullmatch(lines[pos].text)
                if hit:
                    (pending if context == "run" else removed)[pos] = hit[0].id
        _grow_runs(pending, removed, len(lines))
        return StageOutput(changes=line_removals(text, lines, removed))

    def _section(self, rule: Rule, patterns: PatternSet, lines: list[Line], removed: dict[int, str]) -> None:
        within = rule.spec.get("within_lines", _DEFAULT_WITHIN)
        tail = rule.spec.get("shape") == "tail"
        order = range(max(0, len(lines) - within), len(lines)) if tail else range(min(within, len(lines)) - 1, -1, -1)
        for pos in order:
            if patterns.fullmatch(lines[pos].text):
                span = range(pos, len(lines)) if tail else range(0, pos + 1)
                for covered in span:
                    removed.setdefault(covered, rule.id)
                return

    def _repeated_title(self, rule: Rule, patterns: PatternSet, lines: list[Line], removed: dict[int, str]) -> None:
        zone, zone_lines = _zone(rule)
        min_title = rule.spec.get("min_title_length", 15)
        for pos in zone_positions(zone, zone_lines, len(lines) - 1):
            header, title = lines[pos], lines[pos + 1]
            if (len(title.text) >= min_title and title.text.casefold() in header.text.casefold()
                    and title.text != header.text and patterns.fullmatch(header.text)):
                removed.setdefault(pos, rule.id)
                removed.setdefault(pos + 1, rule.id)


def _grow_runs(pending: dict[int, str], removed: dict[int, str], count: int) -> None:
    """Move pending lines into ``removed`` while they stand next to a removed line."""
    grew = True
    while grew and pending:
        grew = False
        for pos in sorted(pending):
            if pos - 1 in removed or pos + 1 in removed:
                removed[pos] = pending.pop(pos)
                grew = True



KIND = RuleKind(
    name="boilerplate",
    order=30,
    summary="Removes lines that are not article content: cookie banners, comment widgets, share blocks, breadcrumbs.",
    compile=BoilerplateStage,
    rule_schema=schema_beside(__file__),
)
