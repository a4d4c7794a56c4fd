"""The ``date_header`` kind: header lines become metadata and leave the body.

A rule's ``pattern`` must match a whole header line; ``{date}`` in it stands for
a date in any format the grammar knows (month names come from the
``settings.date_header.months`` of the loaded packs). With ``{date}``, the field
holds the date as ISO 8601; otherwise it holds the pattern's ``value`` group.
``where: glued`` matches at the start of the first line and removes only what
matched, for datelines glued to the first sentence.
"""
from __future__ import annotations

from typing import Any

from ..dates import DateGrammar
from ..document import Finding
from ..kind import Change, Rule, RuleKind, StageOutput, schema_beside
from ..lines import Line, line_removals, nonblank_lines, zone_positions
from ..patterns import PatternSet

_DEFAULT_LINES = 5


class DateHeaderStage:
    kind = "date_header"

    def __init__(self, rules: list[Rule], settings: dict[str, Any]):
        self.grammar = DateGrammar(settings.get("months", {}))
        self.rules = []
        for rule in rules:
            pattern = rule.spec["pattern"].replace("{date}", f"(?:{self.grammar.pattern})")
            flag = "i" if rule.spec.get("ignore_case", True) else "-i"
            if rule.spec.get("where") == "glued":
                pattern = rf"\s*(?{flag}:{pattern})\s*"
            else:
                pattern = f"(?{flag}:{pattern})"
            self.rules.append((rule, PatternSet([(rule, pattern)])))

    def apply(self, text: str) -> StageOutput:
        output = StageOutput()
        lines = nonblank_lines(text)
        if not lines:
            return output
        removed: dict[int, str] = {}
        for rule, patterns in self.rules:
            where = rule.spec.get("where", "head")
            if where == "glued":
                self._glued(rule, patterns, text, lines[0], output, removed)
                continue
            size = rule.spec.get("lines", _DEFAULT_LINES)
            for pos in zone_positions("tail" if where == "footer" else "head", size, len(lines)):
                if pos in removed:
                    continue
                hit = patterns.fullmatch(lines[pos].text)
                if hit and self._record(rule, hit[1], lines[pos].start, output):
                    removed[pos] = rule.id
        output.changes.extend(line_removals(text, lines, removed))
        return output

    def _glued(self, rule: Rule, patterns: PatternSet, text: str, first: Line, output: StageOutput,
               removed: dict[int, str]) -> None:
        if 0 in removed or any(change.start == first.start for change in output.changes):
            return
        raw = text[first.start:first.end]
        hit = patterns.match(raw)
        if not hit or not self._record(rule, hit[1], first.start, output):
            return
        if hit[1].end() == len(raw):
            removed[0] = rule.id
        else:
            output.changes.append(Change(first.start, first.start + hit[1].end(), "", rule.id))

    def _record(self, rule: Rule, match, offset: int, output: StageOutput) -> bool:
        """Put the match's value into the metadata; False when the date cannot be trusted."""
        field = rule.spec["field"]
        if "{date}" in rule.spec["pattern"]:
            value = self.grammar.to_iso(match)
            if value is None:
                output.findings.append(Finding(rule.id, f"impossible date {match.group()!r} left in place", offset))
                return False
        else:
            value = match.group("value") if "value" in match.groupdict() else match.group()
        output.metadata.setdefault(field, value)
        return True



KIND = RuleKind(
    name="date_header",
    order=20,
    summary="Parses header lines (publish dates, news ids, datelines) into metadata and removes them.",
    compile=DateHeaderStage,
    rule_schema=schema_beside(__file__),
    settings_schema={
        "type": "object",
        "additionalProperties": False,
        "properties": {
            "months": {
                "type": "object",
                "description": "Month names by language: twelve lists of spellings, January first.",
                "additionalProperties": {
                    "type": "array",
                    "minItems": 12,
                    "maxItems": 12,
                    "items": {"type": "array", "minItems": 1, "items": {"type": "string", "minLength": 1}},
                },
            }
        },
    },
)
