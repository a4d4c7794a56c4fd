"""The rule engine: runs the stages in their fixed order and records every edit.

Order: unicode repair (ftfy) -> the rule kinds, each in the order it declares
(:attr:`textclean.kind.RuleKind.order`) -> whitespace tidy. While a stage
changed the text, the pipeline is repeated on its own output until it is
stable, so cleaning is idempotent even when one removal brings another rule
into reach (a header zone that now reaches one line further), or when ftfy
finds more to fix in what it fixed; a stage that already ran on the text as it
now is is not run again, since it would answer the same. Rule kinds only
remove lines or move spellings to a fixed point, so this ends; ``max_passes``
is a safety bound. Changes by the whitespace stage need no second pass of the
rule kinds: it finishes in one go, and only touches blank lines and line ends,
which no rule kind looks at; ftfy does (a trailing space can hide mojibake), so
the unicode stage runs again.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from operator import itemgetter
from time import perf_counter
from typing import Any

from .document import Edit, Finding, Result, input_offset
from .kind import Change, RuleTimeout, Stage
from .kinds import registry
from .rulefile import RuleSet, load_rules
from .tidy import WhitespaceTidy
from .unicode_repair import UnicodeRepair


class Cleaner:
    """Compiled rules, ready to clean any number of documents.

    >>> Cleaner(RuleSet()).clean("Hello  \\n\\n\\n\\nworld\\n").text
    'Hello\\n\\nworld\\n'
    """

    def __init__(self, ruleset: RuleSet | None = None, *, unicode: bool = True, tidy: bool = True,
                 max_passes: int = 64):
        self.ruleset = load_rules() if ruleset is None else ruleset
        self.max_passes = max_passes
        stages: list[Stage] = [UnicodeRepair()] if unicode else []
        for name, kind in registry().items():
            rules = [rule for rule in self.ruleset.rules if rule.kind == name]
            if rules:
                stages.append(kind.compile(rules, self.ruleset.settings.get(name, {})))
        if tidy:
            stages.append(WhitespaceTidy())
        self.stages = stages
        #: Seconds spent in each stage so far, by stage kind, for run statistics.
        self.stage_seconds: dict[str, float] = {stage.kind: 0.0 for stage in stages}

    def clean(self, text: str, metadata: dict[str, Any] | None = None) -> Result:
        """Clean one document. A rule that times out leaves the document unchanged.

        A field already in ``metadata`` keeps its value; where a stage extracts another value for it,
        a warning finding says so.
        """
        try:
            return self._clean(text, dict(metadata or {}))
        except RuleTimeout as exc:
            return Result(text, text, dict(metadata or {}), [], [Finding(exc.rule_id, str(exc), level="error")])

    def _clean(self, text: str, metadata: dict[str, Any]) -> Result:
        current, edits, findings = text, [], {}
        given = dict(metadata)  # the input's own fields win over extracted ones, which are then reported
        # The stages that have run on the text as it is now. The whitespace stage's changes leave itself and
        # the rule kinds settled.
        settled: set[int] = set()
        for _ in range(self.max_passes):
            for index, stage in enumerate(self.stages):
                if index in settled:
                    continue
                started = perf_counter()
                output = stage.apply(current)
                self.stage_seconds[stage.kind] += perf_counter() - started
                for key, value in output.metadata.items():
                    metadata.setdefault(key, value)
                    if key in given and given[key] != value:
                        finding = Finding(stage.kind, f"metadata field {key!r} keeps the value the input gave it, "
                                          f"{given[key]!r}; the text gave {value!r}")
                        findings.setdefault((finding.rule, key), finding)
                for finding in output.findings:
                    finding = replace(finding, start=input_offset(edits, finding.start))
                    findings.setdefault((finding.rule, finding.start), finding)  # once, from its first pass
                current, applied = apply_changes(current, output.changes, stage.kind)
                if not applied:
                    settled.add(index)
                else:
                    edits.extend(applied)
                    if stage.kind == WhitespaceTidy.kind:  # what it changes, only ftfy may see anew
                        settled = {i for i in settled if self.stages[i].kind != UnicodeRepair.kind} | {index}
                    else:
                        settled.clear()
            if len(settled) == len(self.stages):
                break
        return Result(text, current, metadata, edits, list(findings.values()))


_span = itemgetter(0, 1)  # a Change's start and end


def apply_changes(text: str, changes: Iterable[Change], kind: str) -> tuple[str, list[Edit]]:
    """Apply non-overlapping changes; return the new text and the edits in replay order."""
    parts: list[str] = []
    edits: list[Edit] = []
    last = 0  # where the text not yet copied starts
    reached = 0  # where the changes so far end, those that change nothing too
    delta = 0
    for start, end, after, rule, evidence in sorted(changes, key=_span):
        if start < reached:
            raise ValueError(f"stage {kind!r} proposed overlapping changes at {start}")
        reached = end
        before = text[start:end]
        if before == after:
            continue
        parts.append(text[last:start])
        parts.append(after)
        edits.append(Edit(rule, kind, start + delta, end + delta, before, after, evidence))
        delta += len(after) - len(before)
        last = end
    if not edits:
        return text, []
    parts.append(text[last:])
    return "".join(parts), edits


def clean(text: str, rules: RuleSet | None = None) -> str:
    """Clean ``text`` with the shipped rules (or ``rules``) and return the cleaned text."""
    return Cleaner(rules).clean(text).text
